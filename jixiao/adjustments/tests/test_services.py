"""Goal adjustment (第十四条) through its services: who may ask and decide (both directions), both approvals
in either order, refusal, the new version made exactly once, which reports move to it, urgent notices."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.adjustments.models import AdjustmentState, AdjustmentTransition
from jixiao.adjustments.services import (
    adjustment_approve,
    adjustment_create,
    adjustment_refuse,
    adjustment_submit,
    adjustment_update,
)
from jixiao.adjustments.tests.conftest import (
    REQUEST,
    draft,
    fill_report,
    indicator,
    send_s1_package,
    submitted,
)
from jixiao.audit.models import AuditRecord
from jixiao.monitoring.models import AnalysisReport, CycleKind, CycleStatus
from jixiao.monitoring.services import cycle_open, cycle_update, report_save
from jixiao.notifications.models import Notification
from jixiao.organisations.models import Role
from jixiao.projects.models import TargetVersion
from jixiao.projects.services import IndicatorSpec, target_version_create

pytestmark = pytest.mark.django_db


def approve_both(district, adjustment, first="counterpart_a", second="supervision_staff"):
    adjustment = adjustment_approve(adjustment=adjustment, acting_user=getattr(district, first))
    return adjustment_approve(adjustment=adjustment, acting_user=getattr(district, second))


# --- asking -----------------------------------------------------------------------------------------


def test_the_unit_drafts_a_request_with_the_old_target_kept(district):
    adjustment = draft(district)
    row = adjustment.indicators.get()
    assert adjustment.state == AdjustmentState.DRAFT
    assert adjustment.counterpart_section == district.section_a  # S1 is served by P1's section
    assert adjustment.base_version == district.project_s1.current_target
    assert (row.old_target, row.new_target) == ("≥500人", "≥400人")
    assert (row.comparator, row.target_number, row.unit) == (">=", Decimal("400"), "人")
    assert not adjustment.urgent
    assert [t.action for t in AdjustmentTransition.objects.filter(subject=adjustment)] == [
        "adjustment.create"
    ]


@pytest.mark.parametrize("user", ["s2_filler", "p1_leader", "counterpart_a", "supervision_staff", "nobody"])
def test_only_the_projects_own_unit_may_ask(district, make_user, user):
    person = make_user(district.s2, Role.FILLER) if user == "s2_filler" else getattr(district, user)
    with pytest.raises(PermissionDenied):
        draft(district, user=person)


def test_one_open_request_per_project(district):
    draft(district)
    with pytest.raises(ValidationError, match="尚未办结"):
        draft(district)


@pytest.mark.parametrize(
    ("targets", "field_message"),
    [
        ({"培训人数": "很多人"}, "是数值指标，新指标值须以比较符号开头"),
        ({"培训人数": "≥很多"}, "比较符号后应为数值"),
        ({"培训人数": "≥500人"}, "与原指标值相同"),
        ({"完工时间": "≥2026-12-31"}, "日期型指标只能为"),
        ({"验收合格率": "≥95人"}, "是百分比指标，新指标值也须为百分比"),
    ],
)
def test_new_values_are_read_like_the_target_tables(district, targets, field_message):
    with pytest.raises(ValidationError) as refused:
        draft(district, targets=targets)
    key = f"target_{indicator(district.project_s1, next(iter(targets))).pk}"
    assert field_message in " ".join(refused.value.message_dict[key])


def test_a_request_must_change_something_and_say_why(district):
    with pytest.raises(ValidationError, match="至少调整一个指标"):
        draft(district, targets={})
    with pytest.raises(ValidationError) as refused:
        draft(district, cause="", cause_description=" ", response_plan="")
    assert set(refused.value.message_dict) >= {"cause", "cause_description", "response_plan"}


def test_a_goal_text_alone_is_an_adjustment(district):
    adjustment = draft(district, targets={}, new_goal="完成调整后的年度任务。")
    assert adjustment.new_goal == "完成调整后的年度任务。"
    assert not adjustment.indicators.exists()


def test_a_draft_is_edited_and_sent_only_by_its_unit(district):
    adjustment = draft(district)
    target = indicator(district.project_s1, "验收合格率")
    with pytest.raises(PermissionDenied):
        adjustment_update(
            adjustment=adjustment,
            values=REQUEST,
            targets={target.pk: "≥95%"},
            acting_user=district.counterpart_a,
        )
    with pytest.raises(PermissionDenied):
        adjustment_submit(adjustment=adjustment, acting_user=district.p1_leader)
    adjustment = adjustment_update(
        adjustment=adjustment, values=REQUEST, targets={target.pk: "≥95%"}, acting_user=district.s1_leader
    )
    assert [r.new_target for r in adjustment.indicators.all()] == ["≥95%"]
    adjustment = adjustment_submit(adjustment=adjustment, acting_user=district.s1_leader)
    assert adjustment.state == AdjustmentState.SUBMITTED
    with pytest.raises(ValidationError, match="不能再修改"):
        adjustment_update(
            adjustment=adjustment, values=REQUEST, targets={target.pk: "≥90%"}, acting_user=district.s1_leader
        )


# --- deciding ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["counterpart_b", "bureau_leader", "s1_leader", "p1_leader", "agency_staff"])
def test_only_the_units_counterpart_and_the_supervision_section_decide(district, request_sent, user):
    with pytest.raises(PermissionDenied):
        adjustment_approve(adjustment=request_sent, acting_user=getattr(district, user))
    with pytest.raises(PermissionDenied):
        adjustment_refuse(adjustment=request_sent, reason="不同意", acting_user=getattr(district, user))


def test_a_draft_cannot_be_decided(district):
    adjustment = draft(district)
    with pytest.raises(ValidationError, match="草稿"):
        adjustment_approve(adjustment=adjustment, acting_user=district.counterpart_a)


@pytest.mark.parametrize(
    ("first", "second", "middle"),
    [
        ("counterpart_a", "supervision_staff", AdjustmentState.COUNTERPART_APPROVED),
        ("supervision_staff", "counterpart_a", AdjustmentState.SUPERVISION_APPROVED),
    ],
)
def test_both_sections_approve_in_either_order(district, request_sent, first, second, middle):
    once = adjustment_approve(adjustment=request_sent, acting_user=getattr(district, first))
    assert once.state == middle
    assert once.new_version is None
    assert district.project_s1.target_versions.count() == 1
    with pytest.raises(ValidationError, match="本股室已同意"):
        adjustment_approve(adjustment=once, acting_user=getattr(district, first))
    done = adjustment_approve(adjustment=once, acting_user=getattr(district, second))
    assert done.state == AdjustmentState.APPROVED
    project = district.project_s1
    project.refresh_from_db()
    assert project.current_target == done.new_version
    assert done.new_version.number == 2
    assert done.new_version.source_url == f"/adjustments/{done.pk}/"
    assert "政策变化" in done.new_version.reason
    assert [i.target_display for i in done.new_version.indicators.order_by("position")] == [
        "≥400人",
        "=100%",
        "≤2026-11-30",
    ]
    assert [t.organisation for t in done.transitions.filter(action="adjustment.approve")] == (
        [district.section_a, district.supervision]
        if first == "counterpart_a"
        else [district.supervision, district.section_a]
    )


def test_the_new_version_is_made_exactly_once(district, request_sent):
    done = approve_both(district, request_sent)
    for user in ("counterpart_a", "supervision_staff"):
        with pytest.raises(ValidationError, match="已批准"):
            adjustment_approve(adjustment=done, acting_user=getattr(district, user))
    assert TargetVersion.objects.filter(project=district.project_s1).count() == 2
    assert AuditRecord.objects.filter(action="target_version.create", to_state="2").count() == 1


def test_the_goal_text_is_replaced_when_asked(district):
    adjustment = submitted(district, new_goal="完成调整后的年度任务。")
    done = approve_both(district, adjustment)
    assert done.new_version.annual_goal == "完成调整后的年度任务。"


def test_a_refusal_needs_a_reason_and_ends_the_request(district, request_sent):
    with pytest.raises(ValidationError, match="理由"):
        adjustment_refuse(adjustment=request_sent, reason="  ", acting_user=district.supervision_staff)
    once = adjustment_approve(adjustment=request_sent, acting_user=district.counterpart_a)
    with pytest.raises(ValidationError, match="本股室已同意"):
        adjustment_refuse(adjustment=once, reason="改主意", acting_user=district.counterpart_a)
    refused = adjustment_refuse(adjustment=once, reason="理由不充分", acting_user=district.supervision_staff)
    assert refused.state == AdjustmentState.REFUSED
    assert refused.refusal_reason == "理由不充分"
    assert district.project_s1.target_versions.count() == 1
    with pytest.raises(ValidationError):
        adjustment_approve(adjustment=refused, acting_user=district.supervision_staff)
    again = draft(district)  # the unit may ask again
    assert again.state == AdjustmentState.DRAFT


def test_a_request_overtaken_by_a_newer_goal_cannot_be_approved(district, request_sent):
    project = district.project_s1
    specs = [IndicatorSpec.of(i) for i in project.current_target.indicators.all()]
    target_version_create(
        project=project,
        annual_goal="按绩效目标表更新。",
        indicators=specs,
        reason="按绩效目标表更新（t.xlsx）",
    )
    for user in (district.counterpart_a, district.supervision_staff):
        with pytest.raises(ValidationError, match="已更新"):
            adjustment_approve(adjustment=request_sent, acting_user=user)
    refused = adjustment_refuse(
        adjustment=request_sent, reason="目标已更新", acting_user=district.supervision_staff
    )
    assert refused.state == AdjustmentState.REFUSED


# --- reports -----------------------------------------------------------------------------------------


def test_a_sent_report_keeps_its_version_and_one_filled_afterwards_uses_the_new(district):
    send_s1_package(district)
    sent = AnalysisReport.objects.get(project=district.project_s1, cycle=district.cycle)
    old_version = sent.target_version
    done = approve_both(district, submitted(district))
    sent.refresh_from_db()
    assert sent.locked and sent.target_version == old_version
    later_cycle = cycle_open(
        year=2026,
        period_end_month=10,
        kind=CycleKind.SELF_INITIATED,
        organisation=district.s1,
        acting_user=None,
    )
    project = district.project_s1
    project.refresh_from_db()
    later = report_save(
        project=project,
        cycle=later_cycle,
        values={},
        entries={},
        expected_revision=0,
        acting_user=district.s1_filler,
    )
    assert later.target_version == done.new_version


def test_a_report_not_yet_sent_moves_to_the_new_version_with_what_was_filled(district):
    report = fill_report(district, district.project_s1, district.s1_filler)
    entries_before = {e.indicator.position: e.actual_number for e in report.entries.all()}
    done = approve_both(district, submitted(district))
    report.refresh_from_db()
    assert report.target_version == done.new_version
    assert report.revision == 2  # a page opened before the move cannot save over it
    assert {
        e.indicator.position: e.actual_number for e in report.entries.select_related("indicator")
    } == entries_before
    assert {e.indicator.version_id for e in report.entries.select_related("indicator")} == {
        done.new_version.pk
    }
    assert AuditRecord.objects.filter(action="report.retarget", object_id=str(report.pk)).count() == 1
    assert all(
        w.indicator_id is None or w.indicator.version_id == done.new_version.pk for w in report.warnings.all()
    )


def test_a_report_of_a_closed_cycle_keeps_its_version(district):
    report = fill_report(district, district.project_s1, district.s1_filler)
    old_version = report.target_version
    adjustment = submitted(district)
    district.sysadmin.is_superuser = True
    cycle_update(cycle=district.cycle, values={"status": CycleStatus.CLOSED}, acting_user=district.sysadmin)
    approve_both(district, adjustment)
    report.refresh_from_db()
    assert report.target_version == old_version


# --- notices -----------------------------------------------------------------------------------------


def _told(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("message", flat=True))


def test_sending_tells_both_sections_and_only_an_emergency_tells_the_leaders(
    district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted(district)
    assert len(_told(district.counterpart_a)) == len(_told(district.supervision_staff)) == 1
    assert _told(district.bureau_leader) == []
    assert _told(district.counterpart_b) == []


def test_an_emergency_is_flagged_to_the_supervision_section_and_the_leaders_at_once(
    district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        adjustment = submitted(
            district,
            project=district.project_town,
            user=district.town_filler,
            cause="emergency",
            targets={"完工时间": "≤2026-12-31"},
        )
    assert adjustment.urgent
    for user in (district.supervision_staff, district.bureau_leader, district.counterpart_a):
        assert [m for m in _told(user) if m.startswith("【紧急】")], user


def test_approval_and_refusal_are_told_to_the_unit(district, django_capture_on_commit_callbacks):
    adjustment = submitted(district)
    with django_capture_on_commit_callbacks(execute=True):
        approve_both(district, adjustment)
    assert any("已批准" in m and "第2版" in m for m in _told(district.s1_filler))
    other = submitted(
        district, project=district.project_town, user=district.town_filler, targets={"培训人数": "≥300人"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        adjustment_refuse(adjustment=other, reason="理由不充分", acting_user=district.counterpart_a)
    assert any("理由不充分" in m for m in _told(district.town_filler))
    assert any("理由不充分" in m for m in _told(district.supervision_staff))


def test_the_date_target_keeps_its_type(district):
    adjustment = draft(district, targets={"完工时间": "≤2026-12-31"})
    row = adjustment.indicators.get()
    assert (row.value_type, row.target_date) == ("date", date(2026, 12, 31))


def test_adjustment_create_refuses_a_cycle_of_another_year(district):
    other = cycle_open(year=2025, acting_user=None)
    project = district.project_s1
    with pytest.raises(ValidationError, match="年度"):
        adjustment_create(
            project=project,
            cycle=other,
            values=REQUEST,
            targets={indicator(project, "培训人数").pk: "≥400人"},
            acting_user=district.s1_filler,
        )


def test_adjustment_create_refuses_a_closed_cycle(district):
    district.sysadmin.is_superuser = True
    cycle_update(cycle=district.cycle, values={"status": CycleStatus.CLOSED}, acting_user=district.sysadmin)
    district.cycle.refresh_from_db()
    with pytest.raises(ValidationError, match="已结束"):
        draft(district)
