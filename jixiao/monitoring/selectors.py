from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, FilteredRelation, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from jixiao.monitoring import rules
from jixiao.monitoring.evaluation import evaluate
from jixiao.monitoring.models import (
    AnalysisReport,
    CycleKind,
    CycleStatus,
    IndicatorEntry,
    MonitoringCycle,
    ReportWarning,
    WarningLevel,
)
from jixiao.organisations.selectors import UNIT_ROLES, memberships_of
from jixiao.projects.models import Indicator, Project
from jixiao.projects.selectors import ProjectFilters, paid_to_date, project_get, project_list


def cycle_list(*, user) -> QuerySet[MonitoringCycle]:
    """Annual cycles are open to every signed-in person; a self-initiated one to the people of the unit that
    opened it and of the units below it (who report into it)."""
    own_paths = [
        m.organisation.path for m in memberships_of(user) if m.role in UNIT_ROLES and m.organisation.is_active
    ]
    inside = Q(pk__in=[])
    for path in own_paths:
        ancestors = [
            f"/{'/'.join(path.strip('/').split('/')[:depth])}/" for depth in range(1, path.count("/"))
        ]
        inside |= Q(organisation__path__in=ancestors)
    return MonitoringCycle.objects.filter(
        Q(kind=CycleKind.ANNUAL) | (Q(kind=CycleKind.SELF_INITIATED) & inside)
    ).select_related("organisation")


def cycle_get(*, user, pk: int) -> MonitoringCycle:
    return get_object_or_404(cycle_list(user=user), pk=pk)


def cycle_current() -> MonitoringCycle | None:
    """The open annual cycle of the latest year: the one every home page counts against."""
    return (
        MonitoringCycle.objects.filter(kind=CycleKind.ANNUAL, status=CycleStatus.OPEN)
        .order_by("-year")
        .first()
    )


@dataclass(frozen=True)
class ReadinessProblem:
    subject: str
    missing: str

    def __str__(self):
        return f"{self.subject}：{self.missing}"


def report_readiness(report: AnalysisReport) -> list[ReadinessProblem]:
    """Every warned item that lacks a deviation analysis or corrective measures (warnings.md), all at once.

    Blue notes demand nothing; an empty list means the report may be submitted.
    """
    warned = {
        w.indicator_id for w in report.warnings.all() if w.level in (WarningLevel.RED, WarningLevel.YELLOW)
    }
    if not warned:
        return []
    entries = {e.indicator_id: e for e in report.entries.all()}
    subjects: list[tuple[str, object]] = []
    if None in warned:
        subjects.append(("资金执行情况", report))
    for indicator in report.target_version.indicators.all():
        if indicator.pk in warned:
            subjects.append((f"指标“{indicator.name}”", entries.get(indicator.pk)))
    problems = []
    for subject, item in subjects:
        if item is None or not item.has_deviation_analysis:
            problems.append(
                ReadinessProblem(subject, "缺少偏差原因分析（经费、制度、人员、硬件条件、其他至少填写一项）")
            )
        if item is None or not item.has_corrective_measures:
            problems.append(ReadinessProblem(subject, "缺少纠偏措施"))
    return problems


def report_for(*, user, project_pk: int, cycle: MonitoringCycle):
    """The project (visible to the person) and its report in the cycle, or None before the first save."""
    project = project_get(user=user, pk=project_pk)
    report = (
        AnalysisReport.objects.filter(project=project, cycle=cycle)
        .prefetch_related(
            "entries", Prefetch("warnings", queryset=ReportWarning.objects.select_related("indicator"))
        )
        .first()
    )
    if report is not None:
        # `project_get` has read every version of the goal with its indicators: the report's is one of them.
        versions = {version.pk: version for version in project.target_versions.all()}
        if report.target_version_id in versions:
            report.target_version = versions[report.target_version_id]
    return project, report


def report_evaluation(
    *,
    project: Project,
    cycle: MonitoringCycle,
    projected: Decimal | None,
    rows: Iterable[tuple[Indicator, IndicatorEntry | None]],
) -> list[rules.Warning]:
    """The warnings of a report's figures against the project's budget and payments to the cycle's
    period end: what is typed on the page (live preview) or what is saved (recompute); writes nothing."""
    fiscal, other = paid_to_date(project, cycle.period_end_month)
    return evaluate(
        cycle=cycle,
        thresholds=rules.Thresholds.from_cycle(cycle),
        budget=project.budget,
        paid=fiscal + other,
        projected=projected,
        rows=rows,
    )


def project_list_in_cycle(
    *, user, filters: ProjectFilters, cycle: MonitoringCycle | None, level: str = ""
) -> QuerySet[Project]:
    """Visible projects (`project_list`) paid to the cycle's period end, each with its report in the cycle
    (`report_id`, `report_level`); `level` keeps one warning level, or "none" the projects without a report."""
    if cycle is None:
        return project_list(user=user, filters=filters)
    queryset = project_list(user=user, filters=filters, up_to_month=cycle.period_end_month).annotate(
        cycle_report=FilteredRelation("reports", condition=Q(reports__cycle=cycle)),
        report_level=F("cycle_report__level"),
        report_id=F("cycle_report__id"),
    )
    if level == "none":
        return queryset.filter(cycle_report__isnull=True)
    if level:
        return queryset.filter(cycle_report__level=level)
    return queryset


def attach_warning_messages(projects) -> None:
    """Give each listed project (annotated with `report_id`) its report's warnings, in one query."""
    projects = list(projects)
    report_ids = [p.report_id for p in projects if getattr(p, "report_id", None)]
    by_report: dict[int, list] = {}
    for warning in (
        ReportWarning.objects.filter(report_id__in=report_ids).exclude(level="blue").order_by("id")
    ):
        by_report.setdefault(warning.report_id, []).append(warning)
    for project in projects:
        project.warning_list = by_report.get(getattr(project, "report_id", None), [])


def report_in_cycle(*, project: Project, cycle: MonitoringCycle | None) -> AnalysisReport | None:
    """The project's report in the cycle (the caller has read the project through a scoped selector)."""
    if cycle is None:
        return None
    return AnalysisReport.objects.filter(project=project, cycle=cycle).prefetch_related("warnings").first()
