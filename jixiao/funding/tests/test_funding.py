"""Funding control (第十五条): only the bureau leader decides, each decision changes the status (a hold is
lifted only while there is one), writes its decision row and its audit record, and tells the unit and its
counterpart section after commit; basis items are checked before they are stored."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.audit.models import AuditRecord
from jixiao.funding.basis import basis_item, basis_query, clean_basis, decode_basis, encode_basis
from jixiao.funding.models import FundingDecision, FundingState, FundingStatus
from jixiao.funding.selectors import funding_decisions_of, funding_hold_list, funding_status_of
from jixiao.funding.services import funding_decide
from jixiao.notifications.models import Notification

pytestmark = pytest.mark.django_db

WARNING = basis_item("warning", "1—8月红色预警：执行进度滞后时间进度 60 个百分点", "/projects/1/")


def decide(district, project, status, *, user=None, reason="整改不及时。", basis=(WARNING,)):
    return funding_decide(
        project=project,
        status=status,
        reason=reason,
        basis=list(basis),
        acting_user=user or district.bureau_leader,
    )


def test_the_leader_suspends_a_project(district, django_capture_on_commit_callbacks):
    project = district.project_s1
    with django_capture_on_commit_callbacks(execute=True):
        status = decide(district, project, FundingState.SUSPENDED)
    assert status.status == FundingState.SUSPENDED
    assert status.reason == "整改不及时。"
    assert status.basis == [WARNING]
    assert status.set_by == district.bureau_leader
    assert status.set_at is not None
    stored = funding_status_of(project)
    assert stored.on_hold and stored.get_status_display() == "暂缓拨款"


@pytest.mark.parametrize(
    "user_attr",
    ["supervision_staff", "counterpart_a", "s1_filler", "s1_leader", "p1_leader", "agency_staff", "sysadmin", "auditor", "nobody"],
)  # fmt: skip
def test_nobody_but_the_leader_decides(district, user_attr):
    with pytest.raises(PermissionDenied):
        decide(district, district.project_s1, FundingState.SUSPENDED, user=getattr(district, user_attr))
    assert not FundingStatus.objects.exists()
    assert not FundingDecision.objects.exists()
    assert not AuditRecord.objects.filter(action__startswith="funding.").exists()


def test_a_classified_units_project_is_beyond_the_leader(district):
    with pytest.raises(PermissionDenied):
        decide(district, district.project_sc, FundingState.STOPPED)


def test_a_hold_is_lifted_only_while_there_is_one(district):
    project = district.project_s1
    with pytest.raises(ValidationError) as refused:
        decide(district, project, FundingState.NORMAL, basis=())
    assert "没有可解除" in refused.value.message
    decide(district, project, FundingState.SUSPENDED)
    decide(district, project, FundingState.STOPPED)
    status = decide(district, project, FundingState.NORMAL, reason="整改已核查销号。", basis=())
    assert status.status == FundingState.NORMAL
    assert [(d.from_state, d.to_state) for d in funding_decisions_of(project)] == [
        ("normal", "suspended"),
        ("suspended", "stopped"),
        ("stopped", "normal"),
    ]


@pytest.mark.parametrize("status", [FundingState.SUSPENDED, FundingState.STOPPED])
def test_the_same_status_twice_is_refused(district, status):
    decide(district, district.project_s1, status)
    with pytest.raises(ValidationError) as refused:
        decide(district, district.project_s1, status)
    assert refused.value.field_errors["status"] == [f"该项目已是“{status.label}”，不能重复设置。"]
    assert FundingDecision.objects.count() == 1


def test_a_decision_needs_a_reason_and_a_hold_its_basis(district):
    with pytest.raises(ValidationError) as refused:
        decide(district, district.project_s1, FundingState.SUSPENDED, reason="  ", basis=())
    assert set(refused.value.field_errors) == {"reason", "basis"}
    assert not FundingDecision.objects.exists()


def test_an_unknown_status_is_refused(district):
    with pytest.raises(ValidationError) as refused:
        decide(district, district.project_s1, "frozen")
    assert "status" in refused.value.field_errors


def test_each_decision_writes_its_row_and_audit_record(district):
    project = district.project_s1
    other = basis_item("other", "实地核查发现资金闲置")
    decide(district, project, FundingState.STOPPED, basis=[WARNING, other])
    decision = FundingDecision.objects.get()
    assert decision.subject.project == project
    assert (decision.action, decision.from_state, decision.to_state) == ("funding.stop", "normal", "stopped")
    assert decision.action_label == "停止拨款"
    assert decision.actor == district.bureau_leader
    assert decision.organisation == district.bureau
    assert decision.comment == "整改不及时。"
    assert decision.basis == [WARNING, other]
    record = AuditRecord.objects.get(action="funding.stop")
    assert record.object_type == "funding.fundingstatus"
    assert (record.from_state, record.to_state, record.comment) == ("normal", "stopped", "整改不及时。")
    assert record.changes == {"project": project.pk, "basis": [WARNING, other]}
    assert record.to_state_label == "停止拨款"


def test_the_unit_and_its_counterpart_section_are_told_after_commit(
    district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        decide(district, district.project_s1, FundingState.SUSPENDED)
        assert not Notification.objects.exists()
    for callback in callbacks:
        callback()
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    # S1 has no counterpart section of its own (the district's P1 and the town have section A).
    assert told == {"s1_filler", "s1_leader"}
    notice = Notification.objects.first()
    assert "暂缓拨款" in notice.message and notice.url == f"/projects/{district.project_s1.pk}/"


def test_a_counterpart_section_is_told_of_its_units_project(district, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        decide(district, district.project_p1, FundingState.STOPPED)
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"p1_leader", "counterpart_a"}


def test_the_hold_list_is_scoped(district):
    decide(district, district.project_p1, FundingState.SUSPENDED)
    decide(district, district.project_p2, FundingState.STOPPED)
    decide(district, district.project_s3, FundingState.SUSPENDED)
    decide(district, district.project_s3, FundingState.NORMAL, basis=())

    def held(user):
        return {s.project.code for s in funding_hold_list(user=user)}

    both = {district.project_p1.code, district.project_p2.code}
    assert held(district.bureau_leader) == both
    assert held(district.supervision_staff) == both
    assert held(district.counterpart_a) == {district.project_p1.code}
    assert held(district.counterpart_b) == {district.project_p2.code}
    assert held(district.s1_filler) == set()


# ---------------------------------------------------------------------------------------------------
# Basis items


def test_basis_items_travel_in_the_query_string_and_back():
    items = [WARNING, basis_item("other", "含:冒号与|竖线的说明")]
    assert [decode_basis(encode_basis(item)) for item in items] == items
    assert basis_query([WARNING]).startswith("basis=warning%3A")
    assert decode_basis("rectification:第3项整改逾期") == basis_item("rectification", "第3项整改逾期")


def test_basis_items_are_checked():
    cleaned, problems = clean_basis(
        [
            WARNING,
            WARNING,
            basis_item("rumour", "听说"),
            basis_item("other", "   "),
            basis_item("other", "外部链接", "https://example.com/"),
            basis_item("other", "协议相对链接", "//example.com/"),
            "not an item",
        ]
    )
    assert cleaned == [WARNING]
    assert len(problems) == 5


def test_lifting_a_hold_is_announced_as_such(district, django_capture_on_commit_callbacks):
    decide(district, district.project_s1, FundingState.STOPPED)
    with django_capture_on_commit_callbacks(execute=True):
        decide(district, district.project_s1, FundingState.NORMAL, reason="整改到位。", basis=())
    messages = set(Notification.objects.values_list("message", flat=True))
    assert messages == {f"局领导决定项目“{district.project_s1.name}”恢复正常拨款：整改到位。"}
