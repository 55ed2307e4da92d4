"""Recompute every warning of a cycle (after its thresholds change, or on demand).

Three ordered streams are read side by side — the reports with their budgets and payments, the
indicators with what was entered for them, and the warnings stored so far — the pure rules run on each
report, and only what changed is written: the warnings of reports whose result differs (COPY on
PostgreSQL) and the levels that moved; the cycle's roll-up is recounted at the end. Server-side cursors keep memory flat whatever the size.
"""

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from jixiao.monitoring import rules
from jixiao.monitoring.evaluation import record_red_since
from jixiao.monitoring.models import AnalysisReport, IndicatorEntry, MonitoringCycle, ReportWarning
from jixiao.monitoring.rollup import cycle_rollup_rebuild
from jixiao.monitoring.versions import unit_versions_bump
from jixiao.projects.models import ZERO, Indicator, Project, ProjectMonth, budget_of

FETCH_SIZE = 10_000
FLUSH_EVERY = 5_000  # reports per write batch
PROGRESS_EVERY = 1_000  # reports between two progress reports
# The first key of the PostgreSQL advisory lock that lets one recompute of a cycle run at a time.
LOCK_NAMESPACE = 7301

TABLES = {
    "report": AnalysisReport._meta.db_table,
    "project": Project._meta.db_table,
    "indicator": Indicator._meta.db_table,
    "entry": IndicatorEntry._meta.db_table,
    "month": ProjectMonth._meta.db_table,
    "warning": ReportWarning._meta.db_table,
}
# Each statement is ordered by report id so that the three streams can be merged in one pass.
REPORTS_SQL = """
    SELECT r.id, r.level, r.projected_fiscal, r.projected_other,
           p.initial_fiscal, p.initial_other, p.adjusted_fiscal, p.adjusted_other, paid.total
    FROM {report} r
    JOIN {project} p ON p.id = r.project_id
    LEFT JOIN (
        SELECT m.project_id, SUM(m.paid_fiscal + m.paid_other) AS total
        FROM {month} m WHERE m.month <= %s GROUP BY m.project_id
    ) paid ON paid.project_id = r.project_id
    WHERE r.cycle_id = %s ORDER BY r.id
"""
# Columns after the report id are in the field order of rules.IndicatorFigures.
INDICATORS_SQL = """
    SELECT r.id, i.id, i.name, i.category, i.comparator, i.value_type, i.progress_type,
           i.target_number, i.target_date, e.actual_number, e.actual_date, e.projected_number,
           e.projected_date, COALESCE(e.likelihood, ''), COALESCE(e.self_assessment, ''), i.unit
    FROM {report} r
    JOIN {indicator} i ON i.version_id = r.target_version_id
    LEFT JOIN {entry} e ON e.report_id = r.id AND e.indicator_id = i.id
    WHERE r.cycle_id = %s ORDER BY r.id, i.position
"""
WARNINGS_SQL = """
    SELECT w.report_id, w.indicator_id, w.code, w.level, w.message, w.figures
    FROM {warning} w JOIN {report} r ON r.id = w.report_id
    WHERE r.cycle_id = %s ORDER BY w.report_id, w.id
"""


@dataclass
class RecomputeStats:
    reports: int = 0
    warnings: int = 0
    changed: int = 0  # reports whose warnings were rewritten


CENTS = Decimal("0.01")
FOUR_PLACES = Decimal("0.0001")


def _decimal(value, places: Decimal = CENTS) -> Decimal | None:
    """The column's Decimal, as the ORM gives it: PostgreSQL returns one, SQLite an int or float."""
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(repr(value)).quantize(places)


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _json(value) -> dict:
    return json.loads(value) if isinstance(value, str) else value


def _stream(sql: str, params: list) -> Iterator[tuple]:
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql.format(**TABLES), params)
        while rows := cursor.fetchmany(FETCH_SIZE):
            yield from rows


class _ByReport:
    """Rows of a stream ordered by report id, handed out one report at a time."""

    def __init__(self, rows: Iterator[tuple]):
        self.rows = rows
        self.pending = next(rows, None)

    def take(self, report_id: int) -> list[tuple]:
        taken = []
        while self.pending is not None and self.pending[0] <= report_id:
            if self.pending[0] == report_id:
                taken.append(self.pending)
            self.pending = next(self.rows, None)
        return taken


def _funds(row) -> rules.FundsFigures:
    _id, _level, projected_fiscal, projected_other, *budget_parts, paid = row
    projected_fiscal, projected_other = _decimal(projected_fiscal), _decimal(projected_other)
    projected = None
    if projected_fiscal is not None or projected_other is not None:
        projected = (projected_fiscal or ZERO) + (projected_other or ZERO)
    return rules.FundsFigures(
        budget=budget_of(*(_decimal(part) for part in budget_parts)),
        paid=_decimal(paid) or ZERO,
        projected=projected,
    )


def _figures(row) -> rules.IndicatorFigures:
    """The figures of one indicator row; SQLite's numbers and dates need typing, PostgreSQL's are typed."""
    (_report_id, key, name, category, comparator, value_type, progress_type, target, due,
     actual, actual_date, projected, projected_date, likelihood, self_assessment, unit) = row  # fmt: skip
    return rules.IndicatorFigures(
        key,
        name,
        category,
        comparator,
        value_type,
        progress_type,
        _decimal(target, FOUR_PLACES),
        _date(due),
        _decimal(actual, FOUR_PLACES),
        _date(actual_date),
        _decimal(projected, FOUR_PLACES),
        _date(projected_date),
        likelihood,
        self_assessment,
        unit,
    )


def _typed_figures(row) -> rules.IndicatorFigures:
    return rules.IndicatorFigures._make(row[1:])


class _Writer:
    """Collects what changed and writes it in bulk every FLUSH_EVERY reports."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.replaced: list[int] = []
        self.rows: list[tuple] = []
        self.levels: list[tuple[int, str]] = []

    def add(self, report_id: int, rows: list[tuple], level: str | None) -> None:
        if rows is not None:
            self.replaced.append(report_id)
            self.rows.extend(rows)
        if level is not None:
            self.levels.append((report_id, level))
        if len(self.replaced) + len(self.levels) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        if self.replaced:
            ReportWarning.objects.filter(report_id__in=self.replaced).delete()
        if self.postgres:
            self._write_postgresql()
        else:
            self._write_generic()
        record_red_since([report_id for report_id, level in self.levels if level == rules.LEVEL_RED])
        self.replaced, self.rows, self.levels = [], [], []

    def _write_postgresql(self) -> None:
        with connection.cursor() as cursor:
            if self.rows:
                columns = "report_id, indicator_id, code, level, message, figures"
                with cursor.copy(f"COPY {TABLES['warning']} ({columns}) FROM STDIN") as copy:
                    for *values, figures in self.rows:
                        copy.write_row((*values, json.dumps(figures, ensure_ascii=False)))
            if self.levels:
                cursor.execute(
                    f"UPDATE {TABLES['report']} AS r SET level = l.level "
                    "FROM unnest(%s::bigint[], %s::varchar[]) AS l(id, level) WHERE r.id = l.id",
                    [[report_id for report_id, _ in self.levels], [level for _, level in self.levels]],
                )

    def _write_generic(self) -> None:
        ReportWarning.objects.bulk_create(
            [
                ReportWarning(report_id=r, indicator_id=i, code=c, level=lv, message=m, figures=f)
                for r, i, c, lv, m, f in self.rows
            ],
            batch_size=1000,
        )
        AnalysisReport.objects.bulk_update(
            [AnalysisReport(pk=report_id, level=level) for report_id, level in self.levels],
            ["level"],
            batch_size=1000,
        )


def _one_at_a_time(cycle_id: int) -> None:
    """A second recompute of the cycle waits for the first to commit, then reads what it wrote: two side by
    side would each compare with the warnings stored before either ran. SQLite's writers queue anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, cycle_id])


@transaction.atomic
def cycle_recompute_warnings(
    cycle: MonitoringCycle, *, progress: Callable[..., None] | None = None, bump_units: bool = True
) -> RecomputeStats:
    """Bring every stored warning and level of the cycle's reports in line with its thresholds as stored.

    `progress(done, total, step=…)` is told every PROGRESS_EVERY reports (a background job's progress bar).
    When anything changed, every unit's data version goes up as the last statement (nothing is locked
    after it); a load passes `bump_units=False` and bumps the units it changed at its own end.
    """
    _one_at_a_time(cycle.pk)
    cycle = MonitoringCycle.objects.get(pk=cycle.pk)
    thresholds = rules.Thresholds.from_cycle(cycle)
    year, month = cycle.year, cycle.period_end_month
    total = AnalysisReport.objects.filter(cycle=cycle).count() if progress else 0
    if progress:
        progress(0, total, step="重新计算预警")
    indicators = _ByReport(_stream(INDICATORS_SQL, [cycle.pk]))
    stored = _ByReport(_stream(WARNINGS_SQL, [cycle.pk]))
    writer = _Writer()
    stats = RecomputeStats()
    touched = False
    figures_of = _typed_figures if connection.vendor == "postgresql" else _figures
    for report in _stream(REPORTS_SQL, [month, cycle.pk]):
        report_id, level = report[0], report[1]
        figures = [figures_of(row) for row in indicators.take(report_id)]
        warnings = rules.project_warnings(
            _funds(report), figures, year=year, period_end_month=month, thresholds=thresholds
        )
        rows = [(report_id, w.indicator_key, w.code, w.level, w.message[:300], w.figures) for w in warnings]
        before = [(r, i, c, lv, m, _json(f)) for r, i, c, lv, m, f in stored.take(report_id)]
        new_level = rules.project_level(warnings)
        writer.add(report_id, rows if rows != before else None, new_level if new_level != level else None)
        stats.reports += 1
        stats.warnings += len(rows)
        stats.changed += rows != before
        touched = touched or rows != before or new_level != level
        if progress and stats.reports % PROGRESS_EVERY == 0:
            progress(stats.reports, total)
    writer.flush()
    if progress:
        progress(stats.reports, max(total, stats.reports), step="重算汇总数")
    cycle_rollup_rebuild(cycle=cycle)
    if touched and bump_units:
        unit_versions_bump(None)
    return stats
