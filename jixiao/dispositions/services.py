"""The unit answers its red project's warning (继续实施并采取措施 / 申请调剂 / 申请取消) and may revise the
answer until the bureau acknowledges it.

Each service locks, checks the actor through `policy`, writes the change, its 办理记录 row and its audit
record in one transaction (`transition_record`) and notifies after commit.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jixiao.core.errors import ServiceError
from jixiao.dispositions.models import Choice, DispositionState, DispositionTransition, WarningDisposition
from jixiao.dispositions.policy import can_acknowledge, can_answer, counterpart_section_id
from jixiao.dispositions.selectors import due_date_for
from jixiao.monitoring.models import AnalysisReport, MonitoringCycle
from jixiao.notifications.services import people_of, transition_record
from jixiao.organisations.models import Membership, Role, User
from jixiao.organisations.selectors import UNIT_ROLES
from jixiao.projects.models import Project
from jixiao.workdays.selectors import work_calendar


def disposition_url(*, cycle_id: int, project_id: int) -> str:
    return reverse("dispositions:project", args=[cycle_id, project_id])


def _section_people(disposition: WarningDisposition) -> list[User]:
    """The unit's counterpart section; the supervision section when the unit has none."""
    section_id = counterpart_section_id(disposition.organisation)
    people = people_of(section_id, {Role.COUNTERPART_STAFF}) if section_id else []
    if people:
        return people
    supervision = Membership.objects.filter(role=Role.SUPERVISION_STAFF, organisation__is_active=True)
    return list(User.objects.filter(is_active=True, pk__in=supervision.values("user")))


def _checked_text(choice: str, measures: str, reason: str) -> tuple[str, str]:
    measures, reason = (measures or "").strip(), (reason or "").strip()
    if choice not in Choice.values:
        raise ServiceError("请选择处置意见。", {"choice": "请选择处置意见。"})
    if choice == Choice.CONTINUE and not measures:
        raise ServiceError("继续实施须说明采取的措施。", {"measures": "请填写拟采取的整改措施。"})
    if choice != Choice.CONTINUE and not reason:
        label = Choice(choice).label
        raise ServiceError(f"{label}须说明理由。", {"reason": f"请填写{label}的理由。"})
    return (measures, "") if choice == Choice.CONTINUE else ("", reason)


@transaction.atomic
def disposition_answer(
    *,
    project: Project,
    cycle: MonitoringCycle,
    choice: str,
    acting_user,
    measures: str = "",
    reason: str = "",
) -> WarningDisposition:
    """State (or revise) how the unit handles its red project: the first answer opens the disposition with
    the due date counted from the day the project's 附件1 first turned red."""
    report = AnalysisReport.objects.select_for_update().filter(project=project, cycle=cycle).first()
    disposition = (
        WarningDisposition.objects.select_for_update(of=("self",))
        .select_related("organisation__parent")
        .filter(project=project, cycle=cycle)
        .first()
    )
    can_answer(acting_user, project, cycle=cycle, report=report, disposition=disposition).enforce()
    measures, reason = _checked_text(choice, measures, reason)
    today, now = timezone.localdate(), timezone.now()
    previous = disposition.state if disposition else ""
    if disposition is None:
        red_since = report.red_since or today
        due = due_date_for(red_since=red_since, cycle=cycle, calendar=work_calendar())
        disposition = WarningDisposition(
            cycle=cycle,
            project=project,
            organisation=project.owner,
            red_since=red_since,
            working_days=cycle.disposition_working_days,
            due_date=due,
            first_answered_on=today,
            answered_late=today > due,
        )
        action = "disposition.answer"
    elif (disposition.choice, disposition.measures, disposition.reason) == (choice, measures, reason):
        return disposition
    else:
        action = "disposition.revise"
    disposition.choice, disposition.measures, disposition.reason = choice, measures, reason
    disposition.answered_at, disposition.answered_by = now, acting_user
    disposition.save()
    late = "（逾期答复）" if disposition.answered_late and action == "disposition.answer" else ""
    label = disposition.get_choice_display()
    transition_record(
        history=DispositionTransition,
        subject=disposition,
        action=action,
        acting_user=acting_user,
        organisation=project.owner,
        from_state=previous,
        to_state=disposition.state,
        comment=f"{label}：{measures or reason}{late}",
        changes={"choice": choice},
        notice=(
            _section_people(disposition),
            f"{project.owner.name}“{project.name}”红色预警处置意见：{label}。",
            disposition_url(cycle_id=cycle.pk, project_id=project.pk),
        ),
    )
    return disposition


@transaction.atomic
def disposition_acknowledge(
    *, disposition: WarningDisposition, acting_user, comment: str = ""
) -> WarningDisposition:
    """The bureau takes the answer in hand (受理); the unit can no longer revise it."""
    disposition = (
        WarningDisposition.objects.select_for_update(of=("self",))
        .select_related("organisation__parent", "project", "cycle")
        .get(pk=disposition.pk)
    )
    can_acknowledge(acting_user, disposition).enforce()
    previous = disposition.state
    disposition.state = DispositionState.ACKNOWLEDGED
    disposition.acknowledged_at, disposition.acknowledged_by = timezone.now(), acting_user
    disposition.save(update_fields=["state", "acknowledged_at", "acknowledged_by"])
    transition_record(
        history=DispositionTransition,
        subject=disposition,
        action="disposition.acknowledge",
        acting_user=acting_user,
        organisation=disposition.organisation,
        from_state=previous,
        to_state=disposition.state,
        comment=(comment or "").strip(),
        notice=(
            people_of(disposition.organisation_id, UNIT_ROLES),
            f"区财政局已受理“{disposition.project.name}”的红色预警处置意见。",
            disposition_url(cycle_id=disposition.cycle_id, project_id=disposition.project_id),
        ),
    )
    return disposition
