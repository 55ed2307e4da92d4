"""The key-item ranking ordered by the database: the same order as the explained scores, one page read per
page turn, the same number of queries for 10 and 200 projects."""

from decimal import Decimal

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.monitoring.models import WarningLevel
from jixiao.projects.models import Project
from jixiao.review.selectors import project_ranking
from jixiao.review.tests.test_supervision import reviewed, reviewed_round  # noqa: F401 (the fixtures)
from jixiao.testing import caches_emptied, package_returned, package_submitted, report_filed
from jixiao.workflow.models import Step, Submission

pytestmark = pytest.mark.django_db

LEVELS = [WarningLevel.RED, WarningLevel.YELLOW, WarningLevel.GREEN]
BUDGETS = [Decimal("12000000"), Decimal("6000000"), Decimal("1500000"), Decimal("300000")]


def add_projects(district, make_project, count: int, start: int = 0) -> None:
    owners = [district.town, district.p1, district.s1]
    for n in range(start, start + count):
        project = make_project(
            owners[n % 3],
            code=f"2026-RK-{n:04d}",
            initial_fiscal=BUDGETS[n % 4],
            is_key_project=n % 5 == 0,
        )
        report_filed(district, project, LEVELS[n % 3])


def test_the_database_order_is_the_order_of_the_explained_scores(reviewed, make_project):  # noqa: F811
    d = reviewed
    add_projects(d, make_project, 30)
    for _ in range(2):
        package_returned(_bureau_package(d, d.p1))
        package_submitted(d, d.p1)
    ranking = list(project_ranking(user=d.supervision_staff, cycle=d.cycle))
    codes = dict(Project.objects.filter(pk__in=[r.project_id for r in ranking]).values_list("pk", "code"))
    expected = sorted(ranking, key=lambda r: (-r.score.total, -r.budget, codes[r.project_id], r.project_id))
    assert [r.project_id for r in ranking] == [r.project_id for r in expected]
    assert any("退回 2 次 +10" in r.score.explanation for r in ranking)
    # A page is the same slice of that order.
    page = Paginator(project_ranking(user=d.supervision_staff, cycle=d.cycle), 7).get_page(2)
    assert [r.project_id for r in page.object_list] == [r.project_id for r in ranking[7:14]]


def _bureau_package(district, unit):
    return Submission.objects.get(organisation=unit, step=Step.UNIT_TO_BUREAU)


def _page_queries(client, district, page: int) -> int:
    """What the page costs when nothing of the ranking is kept yet."""
    caches_emptied()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("review:supervision", args=[district.cycle.pk]), {"page": page})
    assert response.status_code == 200
    return len(queries)


def test_a_page_turn_costs_the_same_queries_for_10_and_200_projects(client, reviewed, make_project):  # noqa: F811
    d = reviewed
    client.force_login(d.supervision_staff)
    add_projects(d, make_project, 10)
    small = _page_queries(client, d, 1)
    add_projects(d, make_project, 190, start=10)
    assert _page_queries(client, d, 1) == small
    assert _page_queries(client, d, 3) == small


def test_a_kept_page_is_read_back_until_a_committed_change(
    client,
    reviewed,  # noqa: F811
    make_project,
    django_capture_on_commit_callbacks,
):
    d = reviewed
    client.force_login(d.supervision_staff)
    add_projects(d, make_project, 12)
    cold = _page_queries(client, d, 1)
    with CaptureQueriesContext(connection) as warm:
        client.get(reverse("review:supervision", args=[d.cycle.pk]), {"page": 1})
    assert len(warm) <= cold - 2  # the count and the page's rows are read back

    before = {r.project_id: r.score for r in project_ranking(user=d.supervision_staff, cycle=d.cycle)}
    with django_capture_on_commit_callbacks(execute=True):  # the bureau returns p1's package; it comes back
        package_returned(_bureau_package(d, d.p1))
        package_submitted(d, d.p1)
    after = {r.project_id: r.score for r in project_ranking(user=d.supervision_staff, cycle=d.cycle)}
    of_p1 = [pk for pk in before if Project.objects.get(pk=pk).owner.is_within(d.p1)]
    assert of_p1
    assert all(after[pk].total == before[pk].total + 5 for pk in of_p1)
    assert all("退回 1 次 +5" in after[pk].explanation for pk in of_p1)


def test_what_one_person_may_see_is_kept_apart_from_another(reviewed, make_project):  # noqa: F811
    d = reviewed
    add_projects(d, make_project, 12)
    everyone = list(project_ranking(user=d.supervision_staff, cycle=d.cycle))
    assigned = list(project_ranking(user=d.counterpart_b, cycle=d.cycle))
    assert len(assigned) < len(everyone)
    assert project_ranking(user=d.counterpart_b, cycle=d.cycle).count() == len(assigned)
    assert project_ranking(user=d.supervision_staff, cycle=d.cycle).count() == len(everyone)
