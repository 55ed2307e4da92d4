"""The results half in the API — goal adjustments, red-warning dispositions, promoted practices — read
through the same scope as their pages: owner, the unit above, sibling, counterpart sections, the district
roles, a classified unit, the agency and the data manager, people and tokens alike; another unit's id
answers 404, and a list costs the same queries however many rows it holds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.adjustments.services import adjustment_approve
from jixiao.adjustments.tests.conftest import submitted
from jixiao.api.tests.helpers import ids, make_token, person_client, token_client
from jixiao.api.tests.test_visibility import SEES, TOKEN_SEES
from jixiao.dispositions.models import Choice
from jixiao.dispositions.tests.helpers import answer, make_red
from jixiao.organisations.models import Role
from jixiao.practices.models import Practice
from jixiao.practices.services import practice_mark
from jixiao.workflow.services import submission_for, submission_save_explanation, submission_submit
from jixiao.workflow.tests.test_services import EXPLANATION, fill_ready_report

INNOVATION = "建立周调度机制，资金支付与实施进度同步审核。"
ADJUSTED, PROMOTED = ("s1", "town", "p2"), ("s2",)
DISPOSED = {"s1": Choice.CONTINUE, "town": Choice.REALLOCATE, "p2": Choice.CANCEL, "sc": Choice.CONTINUE}
ENDPOINTS = {
    "goal-adjustments": ADJUSTED,
    "dispositions": DISPOSED,
    "practices": PROMOTED,
}


@pytest.fixture
def district(shared_district, db):
    return shared_district


@pytest.fixture
def results(district, make_user):
    """Every row made by its rightful person through the services; returns the row ids by unit."""
    fillers = {"s1": district.s1_filler, "town": district.town_filler, "sc": district.sc_filler}
    for unit in ("p2", "s2"):
        fillers[unit] = make_user(getattr(district, unit), Role.FILLER)
    made = {name: {} for name in ENDPOINTS}
    for unit, choice in DISPOSED.items():
        make_red(district, district.projects[unit], fillers[unit])
        made["dispositions"][unit] = answer(district, district.projects[unit], fillers[unit], choice).pk
    for unit in ADJUSTED:
        adjustment = submitted(district, project=district.projects[unit], user=fillers[unit])
        made["goal-adjustments"][unit] = adjustment.pk
    adjustment_approve(adjustment=adjustment, acting_user=district.counterpart_b)
    package = send_explanation(district, "s2", fillers["s2"], make_user(district.s2, Role.UNIT_LEADER))
    made["practices"]["s2"] = Practice.objects.get(submission=package).pk
    return made


def send_explanation(district, unit: str, filler, leader):
    """The unit's 附件1 ready, its 书面说明材料 with an innovation sent, and promoted by the supervision
    section."""
    fill_ready_report(district, district.projects[unit], filler)
    package = submission_for(organisation=getattr(district, unit), cycle=district.cycle)
    values = EXPLANATION | {"narrative_innovation": INNOVATION}
    submission_save_explanation(submission=package, values=values, acting_user=filler)
    package = submission_submit(submission=package, acting_user=leader)
    practice_mark(submission=package, note="值得推广", acting_user=district.supervision_staff)
    return package


def check(client, results, sees: set[str]) -> None:
    for endpoint, rows in results.items():
        visible = {pk for unit, pk in rows.items() if unit in sees}
        assert ids(client.get(f"/api/v1/{endpoint}/")) == visible, endpoint
        for pk in rows.values():
            assert client.get(f"/api/v1/{endpoint}/{pk}/").status_code == (200 if pk in visible else 404)


@pytest.mark.parametrize("user", list(SEES))
def test_people_read_what_the_pages_show(district, results, user):
    check(person_client(getattr(district, user)), results, SEES[user])


def test_the_data_manager_reads_none_of_it(district, results, make_user):
    check(person_client(make_user(district.bureau, Role.DATA_MANAGER)), results, set())


@pytest.mark.parametrize("organisation", list(TOKEN_SEES))
def test_a_token_reads_what_its_organisations_people_read(district, results, organisation):
    units = TOKEN_SEES[organisation][0]
    check(token_client(make_token(getattr(district, organisation))), results, units)


def test_a_token_without_the_read_scope_is_refused(district, results):
    client = token_client(make_token(district.bureau, scopes=("load",)))
    for endpoint in ENDPOINTS:
        answer = client.get(f"/api/v1/{endpoint}/")
        assert answer.status_code == 403
        assert answer.json()["message"] == "该接口令牌没有“读取”权限。"


def test_an_adjustment_carries_its_indicators_and_history(district, results):
    client = person_client(district.counterpart_b)
    row = client.get(f"/api/v1/goal-adjustments/{results['goal-adjustments']['p2']}/").json()
    assert [(i["name"], i["old_target"], i["new_target"]) for i in row["indicators"]] == [
        ("培训人数", "≥500人", "≥400人")
    ]
    assert row["state"] == "counterpart_approved" and row["state_label"] == "对口股室已同意"
    assert row["base_version_number"] == 1 and row["new_version_number"] is None
    assert [step["action"] for step in row["history"]] == [
        "adjustment.create",
        "adjustment.submit",
        "adjustment.approve",
    ]
    assert row["history"][-1]["to_state_label"] == "对口股室已同意"


def test_a_disposition_carries_its_due_date_and_history(district, results):
    client = person_client(district.town_filler)
    row = client.get(f"/api/v1/dispositions/{results['dispositions']['town']}/").json()
    assert (row["choice"], row["choice_label"], row["answered_late"]) == ("reallocate", "申请调剂", False)
    assert row["working_days"] == district.cycle.disposition_working_days and row["due_date"]
    assert [step["action"] for step in row["history"]] == ["disposition.answer"]


def test_filters_narrow_and_never_widen(district, results):
    client = person_client(district.s1_filler)
    assert ids(client.get("/api/v1/dispositions/?choice=cancel")) == set()
    leader = person_client(district.bureau_leader)
    assert ids(leader.get("/api/v1/dispositions/?choice=cancel")) == {results["dispositions"]["p2"]}
    assert ids(leader.get(f"/api/v1/goal-adjustments/?organisation={district.town.pk}")) == {
        results["goal-adjustments"]["town"]
    }
    assert ids(leader.get(f"/api/v1/goal-adjustments/?organisation={district.sc.pk}")) == set()
    assert ids(leader.get(f"/api/v1/practices/?cycle={district.cycle.pk}&source=explanation")) == {
        results["practices"]["s2"]
    }


def queries(client, url: str) -> int:
    client.get(url)  # the session and the person's memberships are read once
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_lists_take_the_same_queries_for_more_rows(district, results, make_user, endpoint):
    client = person_client(district.bureau_leader)
    before = queries(client, f"/api/v1/{endpoint}/")
    p1_filler, s3_filler = make_user(district.p1, Role.FILLER), make_user(district.s3, Role.FILLER)
    make_red(district, district.project_p1, p1_filler)
    answer(district, district.project_p1, p1_filler, Choice.CONTINUE)
    submitted(district, project=district.project_s3, user=s3_filler)
    send_explanation(district, "s3", s3_filler, make_user(district.s3, Role.UNIT_LEADER))
    assert ids(client.get(f"/api/v1/{endpoint}/"))
    assert queries(client, f"/api/v1/{endpoint}/") == before
