"""附件2's edit page at any size of the unit: the project field searches a few matches instead of listing
every project, so the page's size and query count do not grow with the unit's projects."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.jobs.models import Job, JobState
from jixiao.review.forms import PROJECT_MATCHES
from jixiao.review.services import feedback_item_add
from jixiao.review.tests.test_feedback_editing import rows_of, town_draft  # noqa: F401 (fixture)
from jixiao.testing import exported, report_filed

pytestmark = pytest.mark.django_db


def add_projects(district, make_project, count: int, start: int = 0) -> None:
    """Projects of the town whose 附件1 reached the bureau with the town's package."""
    for n in range(start, start + count):
        report_filed(
            district, make_project(district.town, code=f"2026-TOWN-X{n:04d}", name=f"道路养护{n:04d}")
        )


def _edit_page(client, feedback) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("review:feedback", args=[feedback.pk]))
    assert response.status_code == 200
    return len(queries), len(response.content)


def test_edit_page_size_and_queries_do_not_grow_with_the_units_projects(client, town_draft, make_project):  # noqa: F811
    d = town_draft
    client.force_login(d.counterpart_a)
    add_projects(d, make_project, 10)
    small_queries, small_size = _edit_page(client, d.feedback)
    add_projects(d, make_project, 190, start=10)
    large_queries, large_size = _edit_page(client, d.feedback)
    assert large_queries == small_queries
    assert abs(large_size - small_size) < 50  # the header's figures (project count, totals) only
    assert "道路养护" not in client.get(reverse("review:feedback", args=[d.feedback.pk])).content.decode()


def test_search_offers_a_few_matches_of_the_units_package(client, town_draft, make_project):  # noqa: F811
    d = town_draft
    add_projects(d, make_project, PROJECT_MATCHES + 5)
    url = reverse("review:feedback_projects", args=[d.feedback.pk])
    client.force_login(d.counterpart_a)
    page = client.get(url, {"q": "道路养护"}).content.decode()
    assert page.count("<option") == PROJECT_MATCHES
    page = client.get(url, {"q": "2026-TOWN-X0003"}).content.decode()
    assert page.count("<option") == 1 and 'value="2026-TOWN-X0003 道路养护0003"' in page
    # An option already picked (code, then name) searches again by its code.
    page = client.get(url, {"q": "2026-TOWN-X0003 道路养护0003"}).content.decode()
    assert page.count("<option") == 1
    page = client.get(url, {"q": "养护0004"}).content.decode()
    assert page.count("<option") == 1 and "2026-TOWN-X0004" in page
    # Another unit's project is never offered.
    page = client.get(url, {"q": d.project_p1.code}).content.decode()
    assert "<option" not in page


def test_search_refused_to_who_may_not_edit_the_form(client, town_draft):  # noqa: F811
    d = town_draft
    url = reverse("review:feedback_projects", args=[d.feedback.pk])
    client.force_login(d.counterpart_b)  # another section: the form is not theirs
    assert client.get(url, {"q": "2026"}).status_code == 404
    client.force_login(d.supervision_staff)  # reads the draft, does not edit it
    assert client.get(url, {"q": "2026"}).status_code == 404


def test_a_project_picked_from_the_search_is_stored_by_its_code(client, town_draft, make_project):  # noqa: F811
    d = town_draft
    add_projects(d, make_project, 3)
    item = d.feedback.items.get(position=1)
    client.force_login(d.counterpart_a)
    response = client.post(
        reverse("review:feedback", args=[d.feedback.pk]),
        rows_of(d.feedback, **{f"item-{item.pk}-project": "2026-TOWN-X0002 道路养护0002"}),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.project.code == "2026-TOWN-X0002"


def test_the_exports_are_background_jobs_asked_for_by_post(client, town_draft):  # noqa: F811
    d = town_draft
    client.force_login(d.counterpart_a)
    for name, suffix in [("feedback_xlsx", ".xlsx"), ("feedback_docx", ".docx")]:
        url = reverse(f"review:{name}", args=[d.feedback.pk])
        assert client.get(url).status_code == 405
        assert suffix in exported(client, url)["Content-Disposition"]
    jobs = Job.objects.filter(owner=d.counterpart_a, kind="review.feedback_export", state=JobState.DONE)
    assert sorted(job.params["kind"] for job in jobs) == ["docx", "xlsx"]
    client.force_login(d.counterpart_b)
    assert client.post(reverse("review:feedback_xlsx", args=[d.feedback.pk])).status_code == 404


def test_an_edit_page_of_500_items_stays_under_a_megabyte(client, town_draft):  # noqa: F811
    d = town_draft
    due = d.feedback.items.get(position=1).due_date
    for n in range(500 - d.feedback.items.count()):
        feedback_item_add(
            feedback=d.feedback,
            values={"project": d.project_town, "problem": f"问题{n}", "requirement": "整改", "due_date": due},
            acting_user=d.counterpart_a,
        )
    client.force_login(d.counterpart_a)
    response = client.get(reverse("review:feedback", args=[d.feedback.pk]))
    assert response.content.decode().count('name="item-') == 500 * 5
    assert len(response.content) < 1_000_000, len(response.content)
