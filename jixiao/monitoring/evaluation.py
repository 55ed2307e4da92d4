"""Bridge from stored reports to the pure warning rules: build the figures, store what comes back."""

from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone

from jixiao.monitoring import rules
from jixiao.monitoring.models import (
    AnalysisReport,
    IndicatorEntry,
    MonitoringCycle,
    ReportWarning,
    WarningLevel,
)
from jixiao.projects.models import Indicator


def indicator_figures(indicator: Indicator, entry: IndicatorEntry | None) -> rules.IndicatorFigures:
    return rules.IndicatorFigures(
        key=indicator.id,
        name=indicator.name,
        category=indicator.category,
        comparator=indicator.comparator,
        value_type=indicator.value_type,
        progress_type=indicator.progress_type,
        target_number=indicator.target_number,
        target_date=indicator.target_date,
        unit=indicator.unit,
        actual_number=entry.actual_number if entry else None,
        actual_date=entry.actual_date if entry else None,
        projected_number=entry.projected_number if entry else None,
        projected_date=entry.projected_date if entry else None,
        likelihood=entry.likelihood if entry else "",
        self_assessment=entry.self_assessment if entry else "",
    )


def evaluate(
    *,
    cycle: MonitoringCycle,
    thresholds: rules.Thresholds,
    budget: Decimal,
    paid: Decimal,
    projected: Decimal | None,
    rows: Iterable[tuple[Indicator, IndicatorEntry | None]],
) -> list[rules.Warning]:
    """All warnings of one report, from its numbers; nothing is read or written."""
    funds = rules.FundsFigures(budget=budget, paid=paid, projected=projected)
    indicators = [indicator_figures(indicator, entry) for indicator, entry in rows]
    return rules.project_warnings(
        funds, indicators, year=cycle.year, period_end_month=cycle.period_end_month, thresholds=thresholds
    )


def warning_rows(report_id: int, warnings: Iterable[rules.Warning]) -> list[ReportWarning]:
    return [
        ReportWarning(
            report_id=report_id,
            indicator_id=warning.indicator_key,
            code=warning.code,
            level=warning.level,
            message=warning.message[:300],
            figures=warning.figures,
        )
        for warning in warnings
    ]


def store_warnings(report: AnalysisReport, warnings: list[rules.Warning]) -> None:
    """Replace a report's stored warnings and level; call inside the transaction of the save."""
    ReportWarning.objects.filter(report=report).delete()
    ReportWarning.objects.bulk_create(warning_rows(report.pk, warnings))
    report.level = rules.project_level(warnings)


def record_red_since(report_ids) -> None:
    """Remember the day each of these reports first stood at red in its cycle (the working-day deadline
    of the red-warning disposition counts from it); a later change of level never moves it."""
    AnalysisReport.objects.filter(pk__in=report_ids, level=WarningLevel.RED, red_since__isnull=True).update(
        red_since=timezone.localdate()
    )
