"""Reads of the red-warning dispositions and the funding-decision list, scoped to the person.

Every read starts from `disposition_projects`: the cycle's projects of the units the person may see, each
with its 附件1 level, the day it first turned red and its disposition, in one query (another unit's id is
a 404). Due dates and days left are working days (`jixiao.workdays`), computed from one read of the
bureau's own days.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from jixiao.dispositions.models import (
    FUNDING_CHOICES,
    Choice,
    DispositionState,
    DispositionTransition,
    WarningDisposition,
)
from jixiao.monitoring.models import AnalysisReport, MonitoringCycle, WarningLevel
from jixiao.organisations.selectors import unit_scope_q
from jixiao.projects.models import Project
from jixiao.rectification.models import RectificationItem, RectificationState
from jixiao.workdays.selectors import WorkCalendar


def overdue_rectification_items(*, cycle: MonitoringCycle, today: date) -> QuerySet:
    """Rectification items about the cycle's projects still not verified once the cycle's rectification
    report date (11-30, 第十一条 4) has passed and their own due date too, whatever their source."""
    if today <= cycle.due_rectification_report:
        return RectificationItem.objects.none()
    return RectificationItem.objects.filter(
        project__isnull=False, project__year=cycle.year, due_date__lt=today
    ).exclude(state=RectificationState.VERIFIED)


def disposition_projects(*, user, cycle: MonitoringCycle) -> QuerySet[Project]:
    """The cycle's projects in the person's scope with `report_level`, `report_red_since` and their
    disposition's `disposition_*` fields (None when not answered)."""
    return (
        Project.objects.filter(unit_scope_q(user, via="owner__"), year=cycle.year)
        .annotate(
            cycle_report=FilteredRelation("reports", condition=Q(reports__cycle=cycle)),
            cycle_disposition=FilteredRelation("dispositions", condition=Q(dispositions__cycle=cycle)),
        )
        .annotate(
            report_level=F("cycle_report__level"),
            report_red_since=F("cycle_report__red_since"),
            disposition_id=F("cycle_disposition__id"),
            disposition_choice=F("cycle_disposition__choice"),
            disposition_state=F("cycle_disposition__state"),
            disposition_due=F("cycle_disposition__due_date"),
            disposition_late=F("cycle_disposition__answered_late"),
            disposition_answered_at=F("cycle_disposition__answered_at"),
        )
        .select_related("owner", "owner__parent")
    )


def red_projects(*, user, cycle: MonitoringCycle) -> QuerySet[Project]:
    """Projects whose 附件1 stands at red, and those already answered (a later change of level keeps the
    answer on record)."""
    return (
        disposition_projects(user=user, cycle=cycle)
        .filter(Q(report_level=WarningLevel.RED) | Q(disposition_id__isnull=False))
        .order_by("owner__path", "code")
    )


def _overdue_q(cycle: MonitoringCycle, today: date, calendar: WorkCalendar) -> Q:
    """Red and unanswered past the due date, or answered after it."""
    latest_start = calendar.latest_start_for(today, cycle.disposition_working_days)
    return Q(
        report_level=WarningLevel.RED, disposition_id__isnull=True, report_red_since__lte=latest_start
    ) | Q(disposition_late=True)


# The reasons a project is on the funding-decision list, as the filter offers them.
REASONS = [
    ("red", "红色预警"),
    ("overdue", "处置逾期"),
    ("reallocate", "申请调剂"),
    ("cancel", "申请取消"),
    ("rectification", "整改逾期"),
]


def funding_candidates(
    *, user, cycle: MonitoringCycle, today: date, calendar: WorkCalendar, reason: str = "", text: str = ""
) -> QuerySet[Project]:
    """资金处理建议清单: red projects, overdue or 调剂/取消 dispositions, rectification overdue past the
    cycle's 11-30, in the person's scope; `rectification_overdue` is annotated on each."""
    rectification = Exists(
        overdue_rectification_items(cycle=cycle, today=today).filter(project=OuterRef("pk"))
    )
    reason_q = {
        "red": Q(report_level=WarningLevel.RED),
        "overdue": _overdue_q(cycle, today, calendar),
        "reallocate": Q(disposition_choice=Choice.REALLOCATE),
        "cancel": Q(disposition_choice=Choice.CANCEL),
        "rectification": Q(rectification_overdue=True),
    }
    queryset = disposition_projects(user=user, cycle=cycle).annotate(rectification_overdue=rectification)
    queryset = queryset.filter(
        Q(report_level=WarningLevel.RED)
        | Q(disposition_choice__in=FUNDING_CHOICES)
        | Q(disposition_late=True)
        | Q(rectification_overdue=True)
    )
    if reason in reason_q:
        queryset = queryset.filter(reason_q[reason])
    if text:
        queryset = queryset.filter(
            Q(code__icontains=text) | Q(name__icontains=text) | Q(owner__name__icontains=text)
        )
    return queryset.order_by("owner__path", "code")


@dataclass
class DispositionRow:
    """One project as the lists show it: its deadline in working days and why it is listed."""

    project: Project
    level: str | None
    red_since: date | None
    due_date: date | None
    days_left: int | None
    overdue: bool
    choice: str | None
    state: str | None
    answered_late: bool
    rectification_overdue: bool = False
    reasons: list[tuple[str, str]] = field(default_factory=list)
    decide_url: str | None = None  # the funding decision page, set by the list that links to it

    @property
    def choice_label(self) -> str:
        return str(Choice(self.choice).label) if self.choice else ""

    @property
    def state_label(self) -> str:
        return str(DispositionState(self.state).label) if self.state else "待答复"


def due_date_for(*, red_since: date, cycle: MonitoringCycle, calendar: WorkCalendar) -> date:
    """The day a unit must answer by: the cycle's working days after the day the project turned red."""
    return calendar.add_working_days(red_since, cycle.disposition_working_days)


def describe(
    project: Project, *, cycle: MonitoringCycle, today: date, calendar: WorkCalendar
) -> DispositionRow:
    """A row of `disposition_projects` (or of `funding_candidates`) with its deadline and reasons."""
    red_since = project.report_red_since
    due = project.disposition_due
    if due is None and red_since is not None and project.report_level == WarningLevel.RED:
        due = due_date_for(red_since=red_since, cycle=cycle, calendar=calendar)
    answered = project.disposition_id is not None
    row = DispositionRow(
        project=project,
        level=project.report_level,
        red_since=red_since,
        due_date=due,
        days_left=None if answered or due is None else calendar.working_days_between(today, due),
        overdue=bool(project.disposition_late) or (not answered and due is not None and today > due),
        choice=project.disposition_choice,
        state=project.disposition_state,
        answered_late=bool(project.disposition_late),
        rectification_overdue=bool(getattr(project, "rectification_overdue", False)),
    )
    if row.level == WarningLevel.RED:
        row.reasons.append(("warning", "红色预警"))
    if row.overdue:
        row.reasons.append(("disposition", "处置逾期答复" if answered else "处置逾期未答复"))
    if row.choice in FUNDING_CHOICES:
        row.reasons.append(("disposition", row.choice_label))
    if row.rectification_overdue:
        row.reasons.append(("rectification", "整改逾期未销号"))
    return row


def disposition_project_get(*, user, cycle: MonitoringCycle, project_pk: int) -> Project:
    """One project of the person's scope for the disposition page (another unit's id is a 404)."""
    return get_object_or_404(disposition_projects(user=user, cycle=cycle), pk=project_pk)


def disposition_get(*, user, pk: int) -> WarningDisposition:
    return get_object_or_404(
        WarningDisposition.objects.filter(unit_scope_q(user, via="organisation__")).select_related(
            "cycle", "project__owner__parent", "organisation__parent"
        ),
        pk=pk,
    )


def disposition_of(*, project: Project, cycle: MonitoringCycle) -> WarningDisposition | None:
    """The project's disposition in the cycle; the caller has read `project` through a scoped selector."""
    return (
        WarningDisposition.objects.filter(project=project, cycle=cycle)
        .select_related("answered_by", "acknowledged_by", "organisation__parent")
        .first()
    )


def report_of(*, project: Project, cycle: MonitoringCycle) -> AnalysisReport | None:
    return AnalysisReport.objects.filter(project=project, cycle=cycle).first()


def disposition_history(disposition: WarningDisposition | None) -> list[DispositionTransition]:
    if disposition is None:
        return []
    return list(disposition.transitions.order_by("at", "id"))


def pending_count(*, user, cycle: MonitoringCycle, unit) -> int:
    """Red projects of the unit (and the units below it) still waiting for their answer."""
    return (
        disposition_projects(user=user, cycle=cycle)
        .filter(owner__path__startswith=unit.path, report_level=WarningLevel.RED, disposition_id__isnull=True)
        .count()
    )
