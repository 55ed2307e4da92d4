"""Writes through the API are the pages' service calls: 附件1 saves with stale-write refusal, and the
package transitions, each refused exactly where the service refuses, with its Chinese message and
nothing changed."""

import pytest

from jixiao.api.tests.helpers import make_token, person_client, token_client
from jixiao.audit.models import AuditRecord
from jixiao.monitoring.models import AnalysisReport
from jixiao.testing import EXPLANATION, fill_ready_report
from jixiao.workflow.models import Submission, SubmissionState
from jixiao.workflow.services import (
    submission_for,
    submission_save_explanation,
    submission_save_overall_report,
)

pytestmark = pytest.mark.django_db


def report_url(district, project) -> str:
    return f"/api/v1/cycles/{district.cycle.pk}/projects/{project.pk}/report/"


def package_url(district, unit, action: str) -> str:
    return f"/api/v1/cycles/{district.cycle.pk}/units/{unit.pk}/package/{action}/"


def explained_report(project, revision: int = 0) -> dict:
    """A save that explains every indicator, so that the package may be sent."""
    explained = {"deviation_funding": "资金拨付滞后", "corrective_measures": "加快拨付"}
    return {
        "revision": revision,
        "projected_fiscal": "800000.00",
        **explained,
        "entries": [{"indicator": i.pk, **explained} for i in project.current_target.indicators.all()],
    }


def test_the_owner_saves_and_a_stale_revision_is_refused_with_409(district):
    client = person_client(district.s1_filler)
    project = district.project_s1
    first = client.patch(report_url(district, project), explained_report(project), format="json")
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["revision"] == 1
    assert body["projected_fiscal"] == "800000.00"
    assert len(body["entries"]) == 3
    assert all(set(w) >= {"level", "message"} for w in body["warnings"])

    stale = client.patch(
        report_url(district, project), {"revision": 0, "goal_progress": "改写"}, format="json"
    )
    assert stale.status_code == 409
    assert "为避免覆盖，本次保存未执行" in stale.json()["message"]
    assert stale.json()["errors"] == {}
    report = AnalysisReport.objects.get(project=project, cycle=district.cycle)
    assert (report.revision, report.goal_progress) == (1, "")
    assert AuditRecord.objects.filter(action="report.save", object_id=str(report.pk)).count() == 1


def test_only_sent_fields_change_and_the_page_sees_the_save(district):
    client = person_client(district.s1_filler)
    project = district.project_s1
    client.patch(report_url(district, project), {"revision": 0, "goal_progress": "按计划推进"}, format="json")
    second = client.patch(
        report_url(district, project), {"revision": 1, "filler_name": "张三"}, format="json"
    )
    assert second.status_code == 200
    report = AnalysisReport.objects.get(project=project, cycle=district.cycle)
    assert (report.revision, report.goal_progress, report.filler_name) == (2, "按计划推进", "张三")
    assert client.get(report_url(district, project)).json()["revision"] == 2


def test_a_parent_reads_but_the_service_refuses_its_save(district):
    client = person_client(district.p1_leader)
    answer = client.patch(report_url(district, district.project_s1), {"revision": 0}, format="json")
    assert answer.status_code == 403
    assert answer.json() == {"message": "只有项目实施单位的填报人或负责人可以填报监控分析表。", "errors": {}}
    assert not AnalysisReport.objects.exists()


@pytest.mark.parametrize("user", ["s1_filler", "counterpart_b", "agency_staff", "sysadmin", "nobody"])
def test_another_units_report_is_404(district, user):
    answer = person_client(getattr(district, user)).patch(
        report_url(district, district.project_s2), {"revision": 0}, format="json"
    )
    assert answer.status_code == 404
    assert not AnalysisReport.objects.exists()


def test_invalid_input_names_the_field_and_saves_nothing(district):
    answer = person_client(district.s1_filler).patch(
        report_url(district, district.project_s1), {"revision": 0, "projected_fiscal": "很多"}, format="json"
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body["message"] == body["errors"]["projected_fiscal"][0] == "请填写合法的数字。"
    assert not AnalysisReport.objects.exists()


def test_an_indicator_of_another_project_is_refused(district):
    foreign = district.project_s2.current_target.indicators.first()
    answer = person_client(district.s1_filler).patch(
        report_url(district, district.project_s1),
        {"revision": 0, "entries": [{"indicator": foreign.pk, "remark": "x"}]},
        format="json",
    )
    assert answer.status_code == 400
    assert answer.json()["message"] == "提交的指标不属于该项目的绩效目标。"
    assert not AnalysisReport.objects.exists()


def test_a_session_write_needs_the_csrf_token(district):
    client = person_client(district.s1_filler, enforce_csrf=True)
    answer = client.patch(report_url(district, district.project_s1), {"revision": 0}, format="json")
    assert answer.status_code == 403
    assert "CSRF" in answer.json()["message"]
    assert not AnalysisReport.objects.exists()


@pytest.mark.parametrize("scopes", [("read",), ("read", "load")])
def test_a_token_never_writes(district, scopes):
    client = token_client(make_token(district.s1, scopes=scopes))
    answer = client.patch(report_url(district, district.project_s1), {"revision": 0}, format="json")
    assert answer.status_code == 403
    assert answer.json()["message"] == "接口令牌只能读取数据；填报和报送须由本人登录后办理。"
    assert client.post(package_url(district, district.s1, "submit"), {}, format="json").status_code == 403
    assert not AnalysisReport.objects.exists()
    assert not Submission.objects.exists()


@pytest.fixture
def ready_s1(district):
    """S1's report filled through the API and its written explanation saved: ready to be sent."""
    person_client(district.s1_filler).patch(
        report_url(district, district.project_s1), explained_report(district.project_s1), format="json"
    )
    package = submission_for(organisation=district.s1, cycle=district.cycle)
    submission_save_explanation(submission=package, values=EXPLANATION, acting_user=district.s1_filler)
    return district


def state_of(district, unit) -> str:
    return Submission.objects.get(cycle=district.cycle, organisation=unit).state


def test_submit_return_and_accept_through_the_api(ready_s1):
    district = ready_s1
    sent = person_client(district.s1_leader).post(
        package_url(district, district.s1, "submit"), {}, format="json"
    )
    assert sent.status_code == 200, sent.content
    assert sent.json()["state"] == SubmissionState.SUBMITTED
    p1 = person_client(district.p1_leader)
    returned = p1.post(
        package_url(district, district.s1, "return"), {"comment": "请补充偏差原因"}, format="json"
    )
    assert returned.json()["state"] == SubmissionState.RETURNED
    person_client(district.s1_leader).post(package_url(district, district.s1, "submit"), {}, format="json")
    accepted = p1.post(package_url(district, district.s1, "accept"), {}, format="json")
    assert accepted.json()["state"] == SubmissionState.ACCEPTED
    history = (
        person_client(district.s1_filler).get(f"/api/v1/packages/{accepted.json()['id']}/").json()["history"]
    )
    assert [row["action_label"] for row in history][-4:] == ["报送", "退回补正", "报送", "审核通过"]
    assert [row["comment"] for row in history if row["action"] == "submission.return"] == ["请补充偏差原因"]


def test_withdraw_before_the_receiver_reads(ready_s1):
    district = ready_s1
    leader = person_client(district.s1_leader)
    leader.post(package_url(district, district.s1, "submit"), {}, format="json")
    withdrawn = leader.post(package_url(district, district.s1, "withdraw"), {}, format="json")
    assert withdrawn.status_code == 200
    assert state_of(district, district.s1) == SubmissionState.DRAFT


@pytest.mark.parametrize(
    ("user", "action", "body", "status", "message"),
    [
        ("s1_filler", "submit", {}, 403, "只有本单位负责人可以报送。"),
        ("s1_leader", "withdraw", {}, 400, "只有已报送的材料可以撤回。"),
        ("s1_leader", "accept", {}, 403, "您不是该材料的审核人。"),
        ("p1_leader", "accept", {}, 400, "材料当前为“未报送”，不能审核。"),
    ],
)
def test_a_refused_transition_answers_the_services_message_and_changes_nothing(
    ready_s1, user, action, body, status, message
):
    district = ready_s1
    records = AuditRecord.objects.count()
    answer = person_client(getattr(district, user)).post(
        package_url(district, district.s1, action), body, format="json"
    )
    assert answer.status_code == status
    assert answer.json() == {"message": message, "errors": {}}
    assert state_of(district, district.s1) == SubmissionState.DRAFT
    assert AuditRecord.objects.count() == records


def test_return_without_a_reason_is_refused_and_the_package_stays_submitted(ready_s1):
    district = ready_s1
    person_client(district.s1_leader).post(package_url(district, district.s1, "submit"), {}, format="json")
    answer = person_client(district.p1_leader).post(
        package_url(district, district.s1, "return"), {"comment": "  "}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json()["message"] == "退回时请写明需要补正的内容，或指明需要补正的项目。"
    assert state_of(district, district.s1) == SubmissionState.SUBMITTED


def test_return_naming_projects_with_their_reasons(ready_s1):
    district = ready_s1
    person_client(district.s1_leader).post(package_url(district, district.s1, "submit"), {}, format="json")
    p1 = person_client(district.p1_leader)
    foreign = p1.post(
        package_url(district, district.s1, "return"),
        {"projects": [{"project": district.project_s2.pk, "reason": "补充"}]},
        format="json",
    )
    assert foreign.status_code == 400
    assert "不在第一中学的报送材料中" in foreign.json()["message"]
    unseen = p1.post(
        package_url(district, district.s1, "return"),
        {"projects": [{"project": district.project_p2.pk, "reason": "补充"}]},
        format="json",
    )
    assert unseen.json()["errors"] == {"projects": [f"项目 {district.project_p2.pk} 不存在或您无权查看。"]}
    assert state_of(district, district.s1) == SubmissionState.SUBMITTED
    returned = p1.post(
        package_url(district, district.s1, "return"),
        {"projects": [{"project": district.project_s1.pk, "reason": "偏差原因不充分"}]},
        format="json",
    )
    assert returned.status_code == 200, returned.content
    assert returned.json()["state"] == SubmissionState.RETURNED


def test_submit_lists_every_problem(district):
    answer = person_client(district.s1_leader).post(
        package_url(district, district.s1, "submit"), {}, format="json"
    )
    assert answer.status_code == 400
    problems = answer.json()["errors"]["non_field_errors"]
    assert any("尚未填报监控分析表" in problem for problem in problems)
    assert any("书面说明材料缺少" in problem for problem in problems)


@pytest.mark.parametrize(
    ("user", "unit"), [("s1_leader", "s2"), ("counterpart_b", "s1"), ("sc_filler", "sc")]
)
def test_another_units_or_a_classified_package_is_404(district, user, unit):
    answer = person_client(getattr(district, user)).post(
        package_url(district, getattr(district, unit), "submit"), {}, format="json"
    )
    assert answer.status_code == 404
    assert not Submission.objects.exists()


def test_an_unknown_action_is_404(district):
    answer = person_client(district.s1_leader).post(
        package_url(district, district.s1, "open"), {}, format="json"
    )
    assert answer.status_code == 404


def test_a_first_level_unit_sends_ahead_of_its_subordinates_only_when_confirmed(district):
    fill_ready_report(district, district.project_p1, district.p1_leader)
    package = submission_for(organisation=district.p1, cycle=district.cycle)
    submission_save_overall_report(
        submission=package, text="全局项目总体按计划推进。", upload=None, acting_user=district.p1_leader
    )
    leader = person_client(district.p1_leader)
    held = leader.post(package_url(district, district.p1, "submit"), {}, format="json")
    assert held.status_code == 400
    assert held.json()["message"].startswith("下属单位尚有 2 个未审核通过")
    assert state_of(district, district.p1) == SubmissionState.DRAFT
    sent = leader.post(package_url(district, district.p1, "submit"), {"confirmed": True}, format="json")
    assert sent.status_code == 200, sent.content
    assert state_of(district, district.p1) == SubmissionState.SUBMITTED


def test_a_body_that_is_not_json_is_refused(district):
    answer = person_client(district.s1_filler).generic(
        "PATCH", report_url(district, district.project_s1), "revision=0", content_type="text/plain"
    )
    assert answer.status_code == 415
    assert answer.json() == {"message": "不支持请求中的媒体类型 “text/plain”。", "errors": {}}
