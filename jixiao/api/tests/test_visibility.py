"""The API sees exactly what the pages show: the same table as organisations/tests/test_visibility.py,
for people signed in with a session and for the organisations' tokens; another unit's id answers 404."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jixiao.api.tests.helpers import ids, make_token, person_client, token_client
from jixiao.monitoring.services import report_save
from jixiao.organisations.models import Role
from jixiao.projects.models import ProjectMonth
from jixiao.rectification.models import RectificationSource
from jixiao.rectification.services import item_open
from jixiao.review.services import feedback_issue
from jixiao.testing import SEES, UNITS, create_user, feedback_approved, rectification_items


@pytest.fixture
def district(shared_district, db):
    return shared_district


# Projects: the units' projects, and for the agency the project entrusted to it.
SEES_PROJECTS = {**SEES, "agency_staff": {"s3"}}

# A token acts as its organisation: it sees what that organisation's people see.
TOKEN_SEES = {
    "s1": ({"s1"}, {"s1"}),
    "p1": ({"p1", "s1", "s2"}, {"p1", "s1", "s2"}),
    "sc": ({"sc"}, {"sc"}),
    "section_a": ({"town", "p1", "s1", "s2"}, {"town", "p1", "s1", "s2"}),
    "supervision": ({"town", "p1", "p2", "s1", "s2", "s3"}, {"town", "p1", "p2", "s1", "s2", "s3"}),
    "bureau": ({"town", "p1", "p2", "s1", "s2", "s3"}, {"town", "p1", "p2", "s1", "s2", "s3"}),
    "agency": (set(), {"s3"}),
}


def expect(district, units, project_units):
    return (
        {getattr(district, unit).pk for unit in units},
        {district.projects[unit].pk for unit in project_units},
    )


def check_scope(district, client, units: set[str], project_units: set[str]) -> None:
    unit_ids, project_ids = expect(district, units, project_units)
    assert ids(client.get("/api/v1/organisations/")) == unit_ids
    assert ids(client.get("/api/v1/projects/")) == project_ids
    versions = client.get("/api/v1/target-versions/").json()["results"]
    assert {row["project"] for row in versions} == project_ids
    for unit in UNITS:
        org, project = getattr(district, unit), district.projects[unit]
        assert client.get(f"/api/v1/organisations/{org.pk}/").status_code == (200 if unit in units else 404)
        answer = client.get(f"/api/v1/projects/{project.pk}/")
        assert answer.status_code == (200 if unit in project_units else 404)
        if answer.status_code == 404:
            assert answer.json() == {"message": "未找到，或您无权查看。", "errors": {}}


@pytest.mark.parametrize("user", list(SEES))
def test_people_see_what_their_pages_show(district, user):
    check_scope(district, person_client(getattr(district, user)), SEES[user], SEES_PROJECTS[user])


@pytest.mark.parametrize("organisation", list(TOKEN_SEES))
def test_a_token_sees_what_its_organisations_people_see(district, organisation):
    units, project_units = TOKEN_SEES[organisation]
    check_scope(district, token_client(make_token(getattr(district, organisation))), units, project_units)


def test_reports_follow_the_same_scope(district, make_user):
    """A sibling's 附件1 is 404 for S1, visible to P1 above both."""
    for unit, filler in (("s1", district.s1_filler), ("s2", make_user(district.s2, Role.FILLER))):
        report_save(
            project=district.projects[unit],
            cycle=district.cycle,
            values={"goal_progress": "按计划推进"},
            entries={},
            expected_revision=0,
            acting_user=filler,
        )
    s1, p1 = person_client(district.s1_filler), person_client(district.p1_leader)
    s1_reports = s1.get("/api/v1/reports/").json()["results"]
    assert {row["project"] for row in s1_reports} == {district.project_s1.pk}
    s2_report = p1.get(f"/api/v1/reports/?project={district.project_s2.pk}").json()["results"][0]
    assert s1.get(f"/api/v1/reports/{s2_report['id']}/").status_code == 404
    assert p1.get(f"/api/v1/reports/{s2_report['id']}/").status_code == 200
    assert (
        s1.get(f"/api/v1/cycles/{district.cycle.pk}/projects/{district.project_s2.pk}/report/").status_code
        == 404
    )


def test_payments_are_those_of_visible_projects(district):
    for unit in ("s1", "s2"):
        ProjectMonth.objects.create(project=district.projects[unit], month=6, paid_fiscal=Decimal("1000.00"))
    rows = person_client(district.s1_filler).get("/api/v1/payments/").json()["results"]
    assert [(row["project"], row["month"], row["paid_fiscal"]) for row in rows] == [
        (district.project_s1.pk, 6, "1000.00")
    ]
    assert len(person_client(district.p1_leader).get("/api/v1/payments/").json()["results"]) == 2


def test_feedback_and_rectification_items_as_on_the_pages(district):
    """附件2 drafts are the bureau's; once issued the unit sees its own, never a sibling's."""
    feedback = feedback_approved(district, district.p1, items=1)
    p1, section, other_section = (
        person_client(district.p1_leader),
        person_client(district.counterpart_a),
        person_client(district.counterpart_b),
    )
    assert ids(section.get("/api/v1/feedbacks/")) == {feedback.pk}
    assert ids(p1.get("/api/v1/feedbacks/")) == set()
    assert ids(p1.get("/api/v1/rectification-items/")) == set()
    feedback_issue(feedback=feedback, acting_user=district.counterpart_a)
    [item] = rectification_items(feedback)
    assert ids(p1.get("/api/v1/feedbacks/")) == {feedback.pk}
    listed = p1.get(f"/api/v1/rectification-items/?feedback={feedback.pk}").json()["results"]
    assert [(r["id"], r["feedback"], r["kind"], r["state_label"]) for r in listed] == [
        (item.pk, feedback.pk, "feedback", "待整改")
    ]
    assert other_section.get(f"/api/v1/feedbacks/{feedback.pk}/").status_code == 404
    assert other_section.get(f"/api/v1/rectification-items/{item.pk}/").status_code == 404
    assert person_client(district.s1_filler).get(f"/api/v1/rectification-items/{item.pk}/").status_code == 404


def test_rectification_items_of_every_source_as_on_the_register(district):
    """A first-level unit's requirement is seen by its second-level unit and itself, not by a sibling."""
    item = item_open(
        actor=district.p1_leader,
        kind=RectificationSource.PARENT,
        organisation=district.s1,
        problem="食堂采购未公开",
        requirement="补充公开",
        due_date=timezone.localdate() + timedelta(days=10),
    )
    s1 = person_client(district.s1_filler)
    assert ids(s1.get("/api/v1/rectification-items/?kind=parent")) == {item.pk}
    assert ids(s1.get("/api/v1/rectification-items/?kind=self")) == set()
    row = person_client(district.p1_leader).get(f"/api/v1/rectification-items/{item.pk}/").json()
    assert (row["organisation"], row["issuing_organisation"], row["feedback"]) == (
        district.s1.pk,
        district.p1.pk,
        None,
    )
    sibling = person_client(create_user(district.s2, Role.FILLER))
    assert sibling.get(f"/api/v1/rectification-items/{item.pk}/").status_code == 404


def test_filters_narrow_the_scope_and_never_widen_it(district):
    p1 = person_client(district.p1_leader)
    assert ids(p1.get(f"/api/v1/projects/?owner={district.s1.pk}")) == {district.project_s1.pk}
    assert ids(p1.get(f"/api/v1/projects/?owner={district.p2.pk}")) == set()
    assert ids(p1.get("/api/v1/projects/?year=2025")) == set()
    assert ids(p1.get(f"/api/v1/organisations/?parent={district.p1.pk}")) == {district.s1.pk, district.s2.pk}
    refused = p1.get("/api/v1/projects/?year=明年")
    assert refused.status_code == 400
    assert refused.json() == {"message": "输入整数。", "errors": {"year": ["输入整数。"]}}


def test_pages_of_results(district):
    page = person_client(district.bureau_leader).get("/api/v1/projects/?page_size=2&page=2").json()
    assert page["count"] == 6
    assert len(page["results"]) == 2
    assert page["previous"] and page["next"]


@pytest.mark.parametrize(
    "url", ["/api/v1/projects/", "/api/v1/target-versions/", "/api/v1/reports/", "/api/v1/packages/"]
)
def test_lists_take_a_fixed_number_of_queries(district, url, django_assert_max_num_queries):
    """However many rows a page holds, a list costs the same few queries (no query per row)."""
    for unit in ("town", "p1", "p2", "s1", "s2", "s3"):
        project = district.projects[unit]
        filler = create_user(project.owner, Role.FILLER)
        report_save(
            project=project,
            cycle=district.cycle,
            values={},
            entries={},
            expected_revision=0,
            acting_user=filler,
        )
    client = person_client(district.bureau_leader)
    client.get(url)  # the session and the person's memberships are read once
    with django_assert_max_num_queries(8):
        assert client.get(url).status_code == 200
