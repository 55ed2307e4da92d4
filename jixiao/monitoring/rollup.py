"""The cycle roll-up (`CycleRollup`): totals per owning unit, level, project type and key flag.

The services that change what it counts call it — a 附件1 saved or retargeted (`report_recompute`), a
cycle recomputed, a cycle opened, projects, targets or payments loaded — so that readers such as the
bureau's cockpit never sum projects on a page view. One GROUP BY statement computes the rows of the
units concerned (or of the whole cycle); they replace the stored rows in the caller's transaction, under
a lock on the cycle so that two saves never interleave their replacements.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.db import connection, transaction

from jixiao.monitoring.models import LEVEL_NONE, AnalysisReport, CycleKind, CycleRollup, MonitoringCycle
from jixiao.projects.models import ZERO, Comparator, Indicator, Project, ProjectMonth

TABLES = {
    "project": Project._meta.db_table,
    "report": AnalysisReport._meta.db_table,
    "month": ProjectMonth._meta.db_table,
    "indicator": Indicator._meta.db_table,
}
CENTS = Decimal("0.01")

ID_BATCH = 5_000  # project ids per lookup of their owners

ROLLUP_SQL = """
    SELECT p.owner_id, COALESCE(r.level, %s), p.project_type, p.is_key_project, COUNT(*),
           SUM(CASE WHEN p.adjusted_fiscal IS NULL AND p.adjusted_other IS NULL
                    THEN p.initial_fiscal + p.initial_other
                    ELSE COALESCE(p.adjusted_fiscal, p.initial_fiscal)
                         + COALESCE(p.adjusted_other, p.initial_other) END),
           SUM(COALESCE(paid.total, 0)), SUM(COALESCE(ind.quantitative, 0)),
           SUM(COALESCE(ind.qualitative, 0))
    FROM {project} p
    LEFT JOIN {report} r ON r.project_id = p.id AND r.cycle_id = %s
    LEFT JOIN (
        SELECT m.project_id, SUM(m.paid_fiscal + m.paid_other) AS total
        FROM {month} m JOIN {project} mp ON mp.id = m.project_id
        WHERE m.month <= %s AND mp.year = %s {month_owner_filter}
        GROUP BY m.project_id
    ) paid ON paid.project_id = p.id
    LEFT JOIN (
        SELECT i.version_id,
               SUM(CASE WHEN i.comparator = %s THEN 0 ELSE 1 END) AS quantitative,
               SUM(CASE WHEN i.comparator = %s THEN 1 ELSE 0 END) AS qualitative
        FROM {indicator} i JOIN {project} ip ON ip.current_target_id = i.version_id
        WHERE ip.year = %s {indicator_owner_filter}
        GROUP BY i.version_id
    ) ind ON ind.version_id = p.current_target_id
    WHERE p.year = %s {owner_filter}
    GROUP BY p.owner_id, COALESCE(r.level, %s), p.project_type, p.is_key_project
"""


def _money(value) -> Decimal:
    """A sum as Decimal yuan: PostgreSQL returns one, SQLite an int or float."""
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(repr(value)).quantize(CENTS)


def _owner_filter(alias: str, owner_ids: list[int] | None) -> tuple[str, list]:
    if owner_ids is None:
        return "", []
    return f"AND {alias}.owner_id IN ({', '.join(['%s'] * len(owner_ids))})", list(owner_ids)


def _computed(cycle: MonitoringCycle, owner_ids: list[int] | None) -> list[CycleRollup]:
    month_filter, month_params = _owner_filter("mp", owner_ids)
    indicator_filter, indicator_params = _owner_filter("ip", owner_ids)
    owner_filter, owner_params = _owner_filter("p", owner_ids)
    sql = ROLLUP_SQL.format(
        **TABLES,
        month_owner_filter=month_filter,
        indicator_owner_filter=indicator_filter,
        owner_filter=owner_filter,
    )
    qualitative = Comparator.QUALITATIVE.value
    params = [
        LEVEL_NONE,
        cycle.pk,
        cycle.period_end_month,
        cycle.year,
        *month_params,
        qualitative,
        qualitative,
        cycle.year,
        *indicator_params,
        cycle.year,
        *owner_params,
        LEVEL_NONE,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        CycleRollup(
            cycle=cycle,
            organisation_id=owner_id,
            level=level,
            project_type=project_type,
            is_key_project=bool(is_key),
            projects=count,
            budget=_money(budget),
            paid=_money(paid),
            quantitative=int(quantitative),
            qualitative=int(qualitative_count),
        )
        for owner_id, level, project_type, is_key, count, budget, paid, quantitative, qualitative_count in rows
    ]


def _replace(cycle: MonitoringCycle, owner_ids: list[int] | None) -> None:
    MonitoringCycle.objects.select_for_update().filter(pk=cycle.pk).values_list("pk").first()
    stored = CycleRollup.objects.filter(cycle=cycle)
    if owner_ids is not None:
        stored = stored.filter(organisation_id__in=owner_ids)
    stored.delete()
    CycleRollup.objects.bulk_create(_computed(cycle, owner_ids), batch_size=1000)


@transaction.atomic
def cycle_rollup_rebuild(*, cycle: MonitoringCycle) -> None:
    """Recount the whole cycle (after it is opened or recomputed, or on demand)."""
    if cycle.kind == CycleKind.ANNUAL:
        _replace(cycle, None)


@transaction.atomic
def rollup_refresh_units(*, cycle: MonitoringCycle, owner_ids: Iterable[int]) -> None:
    """Recount the rows of the given owning units in one cycle (a report of theirs changed)."""
    owner_ids = sorted(set(owner_ids))
    if cycle.kind == CycleKind.ANNUAL and owner_ids:
        _replace(cycle, owner_ids)


@transaction.atomic
def rollup_refresh_projects(*, project_ids: Iterable[int]) -> None:
    """Recount the units owning these projects in every annual cycle of the projects' years (a load
    changed their budgets, targets or payments)."""
    owners_by_year: dict[int, set[int]] = {}
    project_ids = list(project_ids)
    for start in range(0, len(project_ids), ID_BATCH):
        part = project_ids[start : start + ID_BATCH]
        for year, owner_id in (
            Project.objects.filter(pk__in=part).order_by().values_list("year", "owner_id").distinct()
        ):
            owners_by_year.setdefault(year, set()).add(owner_id)
    for cycle in MonitoringCycle.objects.filter(kind=CycleKind.ANNUAL, year__in=owners_by_year):
        _replace(cycle, sorted(owners_by_year[cycle.year]))
