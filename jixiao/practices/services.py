"""Marking a unit's 创新做法与可推广经验 as worth promoting (第十条(七)), unmarking it, exporting the list.

Each change locks its row, checks the actor through `policy`, writes the change, its 办理记录 row and its
audit record in one transaction (`transition_record`), and tells the unit after commit.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jixiao.audit.services import audit_record
from jixiao.core.errors import ServiceError
from jixiao.monitoring.models import AnalysisReport
from jixiao.notifications.services import people_of, transition_record
from jixiao.organisations.models import Role
from jixiao.organisations.selectors import UNIT_ROLES, memberships_of
from jixiao.practices.exports import practices_xlsx
from jixiao.practices.models import Practice, PracticeSource, PracticeState, PracticeTransition
from jixiao.practices.policy import can_mark, can_unmark, can_view_practice_list
from jixiao.workflow.models import Submission


def source_url(practice: Practice) -> str:
    """Where the unit reads the marked text: its 附件1, or its package with the 书面说明材料."""
    if practice.report_id:
        return reverse("monitoring:report_edit", args=[practice.cycle_id, practice.report.project_id])
    return reverse("workflow:package", args=[practice.cycle_id, practice.organisation_id])


def _section_of(user):
    return next((m.organisation for m in memberships_of(user) if m.role == Role.SUPERVISION_STAFF), None)


def _what(practice: Practice) -> str:
    if practice.report_id:
        return f"“{practice.report.project.name}”监控分析表"
    return "书面说明材料"


@transaction.atomic
def practice_mark(
    *, report: AnalysisReport | None = None, submission: Submission | None = None, note: str, acting_user
) -> Practice:
    """列为可推广经验: the text as the unit sent it, with the bureau's note (why it is worth promoting)."""
    if (report is None) == (submission is None):
        raise ServiceError("请指定一份监控分析表或书面说明材料。")
    if report is not None:
        report = AnalysisReport.objects.select_for_update().select_related("project__owner").get(pk=report.pk)
        practice = Practice.objects.select_for_update().filter(report=report).first()
        unit, cycle_id, text = report.project.owner, report.cycle_id, report.narrative_innovation
    else:
        submission = (
            Submission.objects.select_for_update().select_related("organisation").get(pk=submission.pk)
        )
        practice = Practice.objects.select_for_update().filter(submission=submission).first()
        unit, cycle_id, text = submission.organisation, submission.cycle_id, submission.narrative_innovation
    can_mark(acting_user, report=report, submission=submission, practice=practice).enforce()
    previous = practice.state if practice is not None else ""
    if practice is None:
        practice = Practice(
            report=report,
            submission=submission,
            source=PracticeSource.REPORT if report is not None else PracticeSource.EXPLANATION,
            organisation=unit,
            cycle_id=cycle_id,
        )
    practice.text = text.strip()
    practice.note = (note or "").strip()
    practice.state = PracticeState.PROMOTED
    practice.marked_at = timezone.now()
    practice.marked_by = acting_user
    practice.save()
    transition_record(
        history=PracticeTransition,
        subject=practice,
        action="practice.mark",
        acting_user=acting_user,
        organisation=_section_of(acting_user),
        from_state=previous,
        to_state=practice.state,
        comment=practice.note,
        notice=(
            people_of(unit.pk, UNIT_ROLES),
            f"区财政局已将本单位{_what(practice)}中的创新做法列为可推广经验。",
            source_url(practice),
        ),
    )
    return practice


@transaction.atomic
def practice_unmark(*, practice: Practice, comment: str = "", acting_user) -> Practice:
    """取消推广: the row and its history stay; marking again reuses it."""
    practice = (
        Practice.objects.select_for_update(of=("self",)).select_related("report__project").get(pk=practice.pk)
    )
    can_unmark(acting_user, practice).enforce()
    previous = practice.state
    practice.state = PracticeState.WITHDRAWN
    practice.save(update_fields=["state"])
    transition_record(
        history=PracticeTransition,
        subject=practice,
        action="practice.unmark",
        acting_user=acting_user,
        organisation=_section_of(acting_user),
        from_state=previous,
        to_state=practice.state,
        comment=(comment or "").strip(),
    )
    return practice


def practices_export(*, cycle, practices, acting_user) -> bytes:
    """The cycle's promoted practices as .xlsx, the export on record."""
    if not can_view_practice_list(acting_user):
        raise ServiceError("只有区财政局的股室和局领导可以导出可推广经验。")
    rows = list(practices)
    content = practices_xlsx(cycle=cycle, practices=rows)
    audit_record(
        actor=acting_user,
        action="practice.export",
        target=cycle,
        organisation=next((m.organisation for m in memberships_of(acting_user)), None),
        comment=f"可推广经验 {len(rows)} 条",
    )
    return content
