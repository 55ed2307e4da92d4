"""Oversight services: who may plan and carry out each step (both directions), the states they move
through, and findings that open rectification items."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jixiao.audit.models import AuditRecord
from jixiao.organisations.models import OrganisationKind, Role
from jixiao.oversight.models import Attachment, OversightKind, OversightState, OversightTarget
from jixiao.oversight.services import (
    agency_assign,
    agency_unassign,
    attachment_add,
    attachment_remove,
    finding_add,
    finding_open_rectification,
    inquiry_answer,
    oversight_close,
    oversight_edit,
    oversight_plan,
    oversight_record_findings,
    oversight_start,
)
from jixiao.oversight.tests.helpers import pdf, plan, started, with_finding
from jixiao.rectification.models import RectificationSource, RectificationState
from jixiao.rectification.services import rectification_respond, rectification_verify

pytestmark = pytest.mark.django_db


def due():
    return timezone.localdate() + timedelta(days=30)


# ---------------------------------------------------------------------------------------------------
# Planning


def test_the_supervision_section_plans_a_check_of_a_project(district):
    action = plan(district, internal_note="重点看劳务费")
    assert (action.state, action.organisation, action.project) == (
        OversightState.PLANNED,
        district.s1,
        district.project_s1,
    )
    assert [(t.action, t.to_state) for t in action.transitions.all()] == [("oversight.plan", "planned")]
    assert list(action.staff.all()) == [district.supervision_staff]


def test_a_counterpart_section_plans_on_its_own_units_only(district):
    action = plan(district, by=district.counterpart_a, staff=[district.counterpart_a])
    assert action.organisation == district.s1
    with pytest.raises(PermissionDenied):
        plan(district, by=district.counterpart_b, staff=[district.counterpart_b])
    assert plan(
        district, by=district.counterpart_b, project=district.project_s3, staff=[district.counterpart_b]
    )


@pytest.mark.parametrize("username", ["s1_filler", "bureau_leader", "agency_staff", "nobody"])
def test_others_do_not_plan(district, username):
    with pytest.raises(PermissionDenied):
        plan(district, by=getattr(district, username))


def test_a_classified_unit_is_not_planned_here(district):
    with pytest.raises(ValidationError):
        plan(district, unit=district.sc)


def test_staff_are_the_bureaus_people_and_required(district):
    with pytest.raises(ValidationError) as refused:
        plan(district, staff=[])
    assert "staff" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        plan(district, staff=[district.s1_filler])
    assert "staff" in refused.value.message_dict


def test_entrusted_tracking_needs_the_project_entrusted_to_the_agency(district):
    with pytest.raises(ValidationError) as refused:
        plan(district, kind=OversightKind.ENTRUSTED)
    assert "agency" in refused.value.message_dict
    action = plan(district, kind=OversightKind.ENTRUSTED, project=district.project_s3)
    assert action.agency == district.agency
    with pytest.raises(ValidationError):
        plan(district, unit=district.s3, kind=OversightKind.ENTRUSTED)


def test_a_check_of_an_earlier_rectification_takes_the_items_unit(district):
    item, _finding = _opened_item(district)
    action = oversight_plan(
        acting_user=district.supervision_staff,
        kind=OversightKind.SUPERVISION,
        target=OversightTarget.RECTIFICATION,
        rectification_item=item,
        subject="督导整改落实",
        planned_start=timezone.localdate(),
        planned_end=timezone.localdate(),
        staff=[district.supervision_staff],
    )
    assert (action.organisation, action.project, action.rectification_item) == (
        district.s1,
        district.project_s1,
        item,
    )


def test_dates_are_checked(district):
    today = timezone.localdate()
    with pytest.raises(ValidationError) as refused:
        oversight_plan(
            acting_user=district.supervision_staff,
            kind=OversightKind.ONSITE,
            target=OversightTarget.UNIT,
            organisation=district.s1,
            subject="核查",
            planned_start=today,
            planned_end=today - timedelta(days=1),
            staff=[district.supervision_staff],
        )
    assert "planned_end" in refused.value.message_dict


# ---------------------------------------------------------------------------------------------------
# Carrying out


def _opened_item(district):
    _action, finding = with_finding(district)
    item = finding_open_rectification(
        finding=finding,
        requirement="补齐凭证并建立台账",
        due_date=due(),
        acting_user=district.supervision_staff,
    )
    return item, finding


def test_a_check_runs_from_plan_to_close_and_its_finding_opens_an_item(district):
    action, finding = with_finding(district)
    item = finding_open_rectification(
        finding=finding,
        requirement="补齐凭证并建立台账",
        due_date=due(),
        acting_user=district.supervision_staff,
    )
    assert (item.kind, item.organisation, item.project, item.state) == (
        RectificationSource.OVERSIGHT,
        district.s1,
        district.project_s1,
        RectificationState.OPEN,
    )
    assert item.problem == "部分支出无原始凭证"
    assert list(finding.rectification_items.all()) == [item]
    assert action.number in item.source_label

    oversight_record_findings(action=action, actual_end=None, acting_user=district.supervision_staff)
    oversight_close(action=action, conclusion="问题已开具整改", acting_user=district.supervision_staff)
    action.refresh_from_db()
    assert action.state == OversightState.CLOSED
    assert [(t.action, t.from_state, t.to_state) for t in action.transitions.all()] == [
        ("oversight.plan", "", "planned"),
        ("oversight.start", "planned", "in_progress"),
        ("oversight.finding", "", ""),
        ("oversight.rectification_open", "", ""),
        ("oversight.findings", "in_progress", "findings"),
        ("oversight.close", "findings", "closed"),
    ]
    # The unit answers the item in the register and the bureau verifies it there.
    rectification_respond(
        item=item,
        response="已补齐凭证",
        completed_on=timezone.localdate(),
        no_evidence_reason="凭证原件在单位存档",
        acting_user=district.s1_filler,
    )
    rectification_verify(item=item, acting_user=district.supervision_staff)
    item.refresh_from_db()
    assert item.state == RectificationState.VERIFIED


def test_only_the_supervision_section_opens_items_from_findings(district):
    _action, finding = with_finding(district, by=district.counterpart_a, staff=[district.counterpart_a])
    with pytest.raises(PermissionDenied):
        finding_open_rectification(
            finding=finding, requirement="整改", due_date=due(), acting_user=district.counterpart_a
        )
    with pytest.raises(PermissionDenied):
        finding_open_rectification(
            finding=finding, requirement="整改", due_date=due(), acting_user=district.s1_filler
        )
    assert finding_open_rectification(
        finding=finding, requirement="整改", due_date=due(), acting_user=district.supervision_staff
    )


def test_no_item_is_opened_once_the_check_is_closed_or_without_a_requirement(district):
    action, finding = with_finding(district)
    with pytest.raises(ValidationError):
        finding_open_rectification(
            finding=finding, requirement="", due_date=due(), acting_user=district.supervision_staff
        )
    oversight_record_findings(action=action, actual_end=None, acting_user=district.supervision_staff)
    oversight_close(action=action, conclusion="办结", acting_user=district.supervision_staff)
    with pytest.raises(ValidationError):
        finding_open_rectification(
            finding=finding, requirement="整改", due_date=due(), acting_user=district.supervision_staff
        )
    assert not finding.rectification_items.exists()


def test_steps_follow_the_states(district):
    action = plan(district)
    with pytest.raises(ValidationError):
        finding_add(action=action, text="问题", severity="minor", acting_user=district.supervision_staff)
    with pytest.raises(ValidationError):
        oversight_close(action=action, conclusion="办结", acting_user=district.supervision_staff)
    oversight_start(action=action, actual_start=None, acting_user=district.supervision_staff)
    with pytest.raises(ValidationError):
        oversight_start(action=action, actual_start=None, acting_user=district.supervision_staff)
    with pytest.raises(PermissionDenied):
        finding_add(action=action, text="问题", severity="minor", acting_user=district.counterpart_b)


def test_a_finding_names_only_a_project_of_the_unit_checked(district):
    action = started(district, unit=district.p1)
    assert (
        finding_add(
            action=action,
            text="问题",
            severity="minor",
            project=district.project_s1,
            acting_user=district.supervision_staff,
        ).project
        == district.project_s1
    )
    with pytest.raises(ValidationError):
        finding_add(
            action=action,
            text="问题",
            severity="minor",
            project=district.project_s3,
            acting_user=district.supervision_staff,
        )


def test_the_unit_asked_answers_an_inquiry(district, make_user):
    action = started(district, kind=OversightKind.INQUIRY, unit=district.s1)
    with pytest.raises(ValidationError):
        oversight_record_findings(action=action, actual_end=None, acting_user=district.supervision_staff)
    with pytest.raises(PermissionDenied):
        inquiry_answer(action=action, answer="说明", acting_user=make_user(district.s2, Role.FILLER))
    with pytest.raises(PermissionDenied):
        inquiry_answer(action=action, answer="说明", acting_user=district.counterpart_a)
    inquiry_answer(action=action, answer="已按合同支付", acting_user=district.s1_filler)
    attachment = attachment_add(action=action, upload=pdf("合同.pdf"), acting_user=district.s1_filler)
    assert attachment.is_answer
    oversight_record_findings(action=action, actual_end=None, acting_user=district.supervision_staff)
    with pytest.raises(ValidationError):
        inquiry_answer(action=action, answer="补充", acting_user=district.s1_filler)
    action.refresh_from_db()
    assert (action.answer, action.answered_by) == ("已按合同支付", district.s1_filler)


def test_a_unit_answers_nothing_but_inquiries(district):
    action = started(district)
    with pytest.raises(ValidationError):
        inquiry_answer(action=action, answer="说明", acting_user=district.s1_filler)
    with pytest.raises(PermissionDenied):
        attachment_add(action=action, upload=pdf(), acting_user=district.s1_filler)


def test_the_agency_files_its_tracking_but_does_not_close_it(district, make_organisation, make_user):
    action = plan(district, kind=OversightKind.ENTRUSTED, project=district.project_s3)
    other = make_user(make_organisation(OrganisationKind.AGENCY, "另一事务所"), Role.AGENCY_STAFF)
    with pytest.raises(PermissionDenied):
        oversight_start(action=action, actual_start=None, acting_user=other)
    oversight_start(action=action, actual_start=None, acting_user=district.agency_staff)
    finding_add(action=action, text="进度滞后", severity="minor", acting_user=district.agency_staff)
    report = attachment_add(action=action, upload=pdf("跟踪报告.pdf"), acting_user=district.agency_staff)
    assert not report.is_answer
    oversight_record_findings(action=action, actual_end=None, acting_user=district.agency_staff)
    with pytest.raises(PermissionDenied):
        oversight_close(action=action, conclusion="办结", acting_user=district.agency_staff)
    with pytest.raises(PermissionDenied):
        finding_open_rectification(
            finding=action.findings.get(),
            requirement="整改",
            due_date=due(),
            acting_user=district.agency_staff,
        )
    oversight_close(action=action, conclusion="办结", acting_user=district.supervision_staff)


def test_attachments_are_checked_on_their_bytes_and_removed_by_their_uploader(district):
    action = started(district)
    with pytest.raises(ValidationError):
        attachment_add(
            action=action,
            upload=pdf("底稿.pdf", b"PK\x03\x04not a pdf"),
            acting_user=district.supervision_staff,
        )
    attachment = attachment_add(action=action, upload=pdf(), acting_user=district.supervision_staff)
    with pytest.raises(PermissionDenied):
        attachment_remove(attachment=attachment, acting_user=district.counterpart_a)
    attachment_remove(attachment=attachment, acting_user=district.supervision_staff)
    assert not Attachment.objects.exists()
    assert [t.action for t in action.transitions.all()][-2:] == [
        "oversight.attachment_upload",
        "oversight.attachment_remove",
    ]


# ---------------------------------------------------------------------------------------------------
# Entrusting projects to agencies


def test_the_supervision_section_entrusts_and_withdraws_a_project(district):
    assert agency_assign(
        agency=district.agency, project=district.project_s1, acting_user=district.supervision_staff
    )
    assert not agency_assign(
        agency=district.agency, project=district.project_s1, acting_user=district.supervision_staff
    )
    assert district.project_s1.agencies.filter(pk=district.agency.pk).exists()
    assert agency_unassign(
        agency=district.agency, project=district.project_s1, acting_user=district.supervision_staff
    )
    assert not district.project_s1.agencies.exists()


@pytest.mark.parametrize("username", ["counterpart_a", "bureau_leader", "agency_staff", "s1_leader"])
def test_nobody_else_entrusts_projects(district, username):
    with pytest.raises(PermissionDenied):
        agency_assign(
            agency=district.agency, project=district.project_s1, acting_user=getattr(district, username)
        )


def test_a_classified_project_is_not_entrusted(district):
    with pytest.raises(ValidationError):
        agency_assign(
            agency=district.agency, project=district.project_sc, acting_user=district.supervision_staff
        )


def test_an_entrustment_stays_while_its_tracking_is_open(district):
    action = plan(district, kind=OversightKind.ENTRUSTED, project=district.project_s3)
    with pytest.raises(ValidationError):
        agency_unassign(
            agency=district.agency, project=district.project_s3, acting_user=district.supervision_staff
        )
    oversight_start(action=action, actual_start=None, acting_user=district.agency_staff)
    oversight_record_findings(action=action, actual_end=None, acting_user=district.agency_staff)
    oversight_close(action=action, conclusion="办结", acting_user=district.supervision_staff)
    assert agency_unassign(
        agency=district.agency, project=district.project_s3, acting_user=district.supervision_staff
    )


# ---------------------------------------------------------------------------------------------------
# Who is told, and what is on record


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the notices queued for after commit, as a real request would."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def test_the_unit_hears_of_a_check_when_it_starts_not_when_planned(district, committed):
    action = committed(lambda: plan(district))
    assert not district.s1_filler.notifications.exists()
    committed(oversight_start, action=action, actual_start=None, acting_user=district.supervision_staff)
    assert action.number in district.s1_filler.notifications.get().message


def test_the_agency_hears_of_its_entrusted_projects_and_the_change_is_audited(district, committed):
    committed(
        agency_assign,
        agency=district.agency,
        project=district.project_s1,
        acting_user=district.supervision_staff,
    )
    assert district.project_s1.code in district.agency_staff.notifications.get().message
    record = AuditRecord.objects.get(action="project.agency_assign")
    assert (record.actor, record.organisation) == (district.supervision_staff, district.supervision)


def test_the_agencys_report_tells_the_planner(district, committed):
    action = plan(district, kind=OversightKind.ENTRUSTED, project=district.project_s3)
    oversight_start(action=action, actual_start=None, acting_user=district.agency_staff)
    committed(oversight_record_findings, action=action, actual_end=None, acting_user=district.agency_staff)
    assert district.agency.name in district.supervision_staff.notifications.get().message


def test_the_plan_changes_until_the_check_starts(district):
    action = plan(district)
    today = timezone.localdate()
    values = {
        "subject": "改为核查 7 月凭证",
        "planned_start": today + timedelta(days=1),
        "planned_end": today + timedelta(days=2),
        "staff": [district.supervision_staff, district.counterpart_a],
        "internal_note": "",
    }
    with pytest.raises(PermissionDenied):
        oversight_edit(action=action, acting_user=district.counterpart_b, **values)
    with pytest.raises(PermissionDenied):
        oversight_edit(action=action, acting_user=district.s1_filler, **values)
    oversight_edit(action=action, acting_user=district.counterpart_a, **values)
    action.refresh_from_db()
    assert (action.subject, action.staff.count()) == ("改为核查 7 月凭证", 2)
    edit = action.transitions.get(action="oversight.edit")
    assert "检查内容" in edit.comment and "检查人员" in edit.comment
    oversight_start(action=action, actual_start=None, acting_user=district.supervision_staff)
    with pytest.raises(ValidationError):
        oversight_edit(action=action, acting_user=district.supervision_staff, **values)


def test_the_target_decides_what_is_kept(district):
    item, _finding = _opened_item(district)
    action = plan(district, unit=district.s2, rectification_item=item)
    assert (action.organisation, action.project, action.rectification_item) == (district.s2, None, None)
