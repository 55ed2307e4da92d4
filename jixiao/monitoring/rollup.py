"""The cycle roll-up (`CycleRollup`): totals per owning unit, level, project type and key flag.

The services that change what it counts call it — a 附件1 saved or retargeted (`report_recompute`), a
cycle recomputed, a cycle opened, projects, targets or payments loaded — so that readers such as the
bureau's cockpit never sum projects on a page view. One INSERT ... SELECT ... GROUP BY statement writes the
rows of the units concerned (or of the whole cycle) in place of the stored ones, in the caller's transaction, under
a lock on the units' organisation rows (in id order): two saves of one unit, or a save and a whole-cycle
recount, never interleave their replacements, while saves of different units do not wait for each other.
Once the transaction commits, `rollup_changed` tells the readers that cache what the rows add up to.
"""

from collections.abc import Iterable
from decimal import Decimal
from functools import partial

from django.db import connection, transaction
from django.db.models import F

from jixiao.monitoring.models import (
    LEVEL_NONE,
    AnalysisReport,
    CycleKind,
    CycleRollup,
    IndicatorEntry,
    MonitoringCycle,
)
from jixiao.monitoring.signals import rollup_changed
from jixiao.monitoring.versions import unit_versions_bump
from jixiao.organisations.models import BUDGET_UNIT_KINDS, Organisation
from jixiao.projects.models import ZERO, Comparator, Indicator, Project, ProjectMonth, ValueType

TABLES = {
    "project": Project._meta.db_table,
    "report": AnalysisReport._meta.db_table,
    "month": ProjectMonth._meta.db_table,
    "indicator": Indicator._meta.db_table,
    "entry": IndicatorEntry._meta.db_table,
}
CENTS = Decimal("0.01")

ID_BATCH = 5_000  # project ids per lookup of their owners

# A project's budget: the adjusted figures once either is set, else the initial ones (`budget_of`).
BUDGET_SQL = """CASE WHEN p.adjusted_fiscal IS NULL AND p.adjusted_other IS NULL
                     THEN p.initial_fiscal + p.initial_other
                     ELSE COALESCE(p.adjusted_fiscal, p.initial_fiscal)
                          + COALESCE(p.adjusted_other, p.initial_other) END"""

ROLLUP_SQL = """
    SELECT %(cycle)s, p.owner_id, COALESCE(r.level, %(none)s), p.project_type, p.is_key_project, COUNT(*),
           SUM({budget}), SUM(COALESCE(paid.total, 0)), SUM(COALESCE(ind.quantitative, 0)),
           SUM(COALESCE(ind.qualitative, 0)), SUM(COALESCE(comp.c_none, 0)), SUM(COALESCE(comp.c_low, 0)),
           SUM(COALESCE(comp.c_mid, 0)), SUM(COALESCE(comp.c_high, 0)), SUM(COALESCE(comp.c_met, 0))
    FROM {project} p
    LEFT JOIN {report} r ON r.project_id = p.id AND r.cycle_id = %(cycle)s
    LEFT JOIN (
        SELECT m.project_id, SUM(m.paid_fiscal + m.paid_other) AS total
        FROM {month} m JOIN {project} mp ON mp.id = m.project_id
        WHERE m.month <= %(month)s AND mp.year = %(year)s {mp_scope}
        GROUP BY m.project_id
    ) paid ON paid.project_id = p.id
    LEFT JOIN (
        SELECT i.version_id,
               SUM(CASE WHEN i.comparator = %(qualitative)s THEN 0 ELSE 1 END) AS quantitative,
               SUM(CASE WHEN i.comparator = %(qualitative)s THEN 1 ELSE 0 END) AS qualitative
        FROM {indicator} i JOIN {project} ip ON ip.current_target_id = i.version_id
        WHERE ip.year = %(year)s {ip_scope}
        GROUP BY i.version_id
    ) ind ON ind.version_id = p.current_target_id
    LEFT JOIN (
        SELECT cr.id AS report_id,
               SUM(CASE WHEN ce.actual_number IS NULL THEN 1 ELSE 0 END) AS c_none,
               SUM(CASE WHEN ce.actual_number < ci.target_number * 0.6 THEN 1 ELSE 0 END) AS c_low,
               SUM(CASE WHEN ce.actual_number >= ci.target_number * 0.6
                         AND ce.actual_number < ci.target_number * 0.8 THEN 1 ELSE 0 END) AS c_mid,
               SUM(CASE WHEN ce.actual_number >= ci.target_number * 0.8
                         AND ce.actual_number < ci.target_number THEN 1 ELSE 0 END) AS c_high,
               SUM(CASE WHEN ce.actual_number >= ci.target_number THEN 1 ELSE 0 END) AS c_met
        FROM {report} cr
        JOIN {project} cp ON cp.id = cr.project_id
        JOIN {indicator} ci ON ci.version_id = cr.target_version_id
        LEFT JOIN {entry} ce ON ce.report_id = cr.id AND ce.indicator_id = ci.id
        WHERE cr.cycle_id = %(cycle)s AND ci.comparator = %(at_least)s
              AND ci.value_type IN (%(number)s, %(percent)s) AND ci.target_number > 0 {cp_scope}
        GROUP BY cr.id
    ) comp ON comp.report_id = r.id
    WHERE p.year = %(year)s {p_scope}
    GROUP BY p.owner_id, COALESCE(r.level, %(none)s), p.project_type, p.is_key_project
"""

# What a whole-cycle rebuild compares with the stored rows before recounting anything: the groups' project
# counts and budgets (projects and reports only), and the reports whose level moved since it was counted.
CHECK_SQL = """
    SELECT p.owner_id, COALESCE(r.level, %(none)s), p.project_type, p.is_key_project, COUNT(*), SUM({budget}),
           SUM(CASE WHEN r.id IS NOT NULL AND r.counted_level <> r.level
                    THEN 1 ELSE 0 END)
    FROM {project} p
    LEFT JOIN {report} r ON r.project_id = p.id AND r.cycle_id = %(cycle)s
    WHERE p.year = %(year)s
    GROUP BY p.owner_id, COALESCE(r.level, %(none)s), p.project_type, p.is_key_project
"""

# The computed rows go straight into the table: nothing travels through Python.
INSERT_SQL = """
    INSERT INTO {rollup} (cycle_id, organisation_id, level, project_type, is_key_project, projects, budget,
                          paid, quantitative, qualitative, completion_none, completion_low, completion_mid,
                          completion_high, completion_met)
    {select}
"""


def _money(value) -> Decimal:
    """A sum as Decimal yuan: PostgreSQL returns one, SQLite an int or float."""
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(repr(value)).quantize(CENTS)


def _statement(
    cycle: MonitoringCycle, owner_ids: list[int] | None, project_ids: list[int] | None = None
) -> tuple[str, dict]:
    """ROLLUP_SQL and its parameters for the given owners (all when None), or the given projects only."""
    params = {
        "none": LEVEL_NONE,
        "cycle": cycle.pk,
        "month": cycle.period_end_month,
        "year": cycle.year,
        "qualitative": Comparator.QUALITATIVE.value,
        "at_least": Comparator.AT_LEAST.value,
        "number": ValueType.NUMBER.value,
        "percent": ValueType.PERCENT.value,
    }
    column, ids = ("id", project_ids) if project_ids is not None else ("owner_id", owner_ids)
    scope = ""
    if ids is not None:
        params.update({f"id{n}": pk for n, pk in enumerate(ids)})
        scope = ", ".join(f"%(id{n})s" for n in range(len(ids)))
    filters = {
        f"{alias}_scope": f"AND {alias}.{column} IN ({scope})" if ids is not None else ""
        for alias in ("mp", "ip", "cp", "p")
    }
    return ROLLUP_SQL.format(**TABLES, **filters, budget=BUDGET_SQL), params


def rollup_of_projects(*, cycle: MonitoringCycle, project_ids: list[int]) -> list[CycleRollup]:
    """The roll-up rows a few projects make (computed, not stored): a reader's view of a small set, such
    as the projects on hold, in the same groups as the stored rows."""
    if not project_ids or cycle.kind != CycleKind.ANNUAL:
        return []
    sql, params = _statement(cycle, None, sorted(project_ids))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [_row(cycle, row) for row in cursor.fetchall()]


def _row(cycle: MonitoringCycle, row: tuple) -> CycleRollup:
    _cycle_id, owner_id, level, project_type, is_key, count, budget, paid, *counts = row
    quantitative, qualitative, c_none, c_low, c_mid, c_high, c_met = (int(n) for n in counts)
    return CycleRollup(
        cycle=cycle,
        organisation_id=owner_id,
        level=level,
        project_type=project_type,
        is_key_project=bool(is_key),
        projects=count,
        budget=_money(budget),
        paid=_money(paid),
        quantitative=quantitative,
        qualitative=qualitative,
        completion_none=c_none,
        completion_low=c_low,
        completion_mid=c_mid,
        completion_high=c_high,
        completion_met=c_met,
    )


def _replace(cycle: MonitoringCycle, owner_ids: list[int] | None) -> None:
    owners = Organisation.objects.filter(kind__in=BUDGET_UNIT_KINDS)
    if owner_ids is not None:
        owners = owners.filter(pk__in=owner_ids)
    list(owners.select_for_update().order_by("pk").values_list("pk", flat=True))
    stored = CycleRollup.objects.filter(cycle=cycle)
    if owner_ids is not None:
        stored = stored.filter(organisation_id__in=owner_ids)
    stored.delete()
    sql, params = _statement(cycle, owner_ids)
    with connection.cursor() as cursor:
        cursor.execute(INSERT_SQL.format(rollup=CycleRollup._meta.db_table, select=sql), params)
    counted = AnalysisReport.objects.filter(cycle=cycle).exclude(counted_level=F("level"))
    if owner_ids is not None:
        counted = counted.filter(project__owner_id__in=owner_ids)
    counted.update(counted_level=F("level"))
    transaction.on_commit(partial(rollup_changed.send, sender=CycleRollup, cycle_id=cycle.pk))


def _units_out_of_line(cycle: MonitoringCycle) -> list[int] | None:
    """The owners whose stored rows differ from their projects and reports in a group's count or budget, or
    who have a report whose level moved since it was counted; None when that is every owner (nothing is
    stored yet, or every unit moved): the whole cycle is then recounted in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            CHECK_SQL.format(**TABLES, budget=BUDGET_SQL),
            {"none": LEVEL_NONE, "cycle": cycle.pk, "year": cycle.year},
        )
        rows = cursor.fetchall()
    stored = {
        (owner_id, level, project_type, is_key): (projects, budget)
        for owner_id, level, project_type, is_key, projects, budget in CycleRollup.objects.filter(
            cycle=cycle
        ).values_list("organisation_id", "level", "project_type", "is_key_project", "projects", "budget")
    }
    changed, owners = set(), set()
    for owner_id, level, project_type, is_key, count, budget, moved in rows:
        owners.add(owner_id)
        group = (owner_id, level, project_type, bool(is_key))
        if moved or stored.pop(group, None) != (count, _money(budget)):
            changed.add(owner_id)
    changed.update(owner_id for owner_id, *_rest in stored)  # groups left without projects
    return None if changed >= owners else sorted(changed)


@transaction.atomic
def cycle_rollup_rebuild(*, cycle: MonitoringCycle) -> None:
    """Bring the whole cycle in line (after it is opened or its warnings recomputed, or on demand).

    One pass over projects and reports finds the units out of line, and only those are recounted: a
    recompute moves levels only, and payments, targets and entries change through the services that
    refresh their own units.
    """
    if cycle.kind == CycleKind.ANNUAL:
        owner_ids = _units_out_of_line(cycle)
        if owner_ids is None or owner_ids:
            _replace(cycle, owner_ids)


@transaction.atomic
def rollup_refresh_units(*, cycle: MonitoringCycle, owner_ids: Iterable[int]) -> None:
    """Recount the rows of the given owning units in one cycle (a report of theirs changed)."""
    owner_ids = sorted(set(owner_ids))
    if cycle.kind == CycleKind.ANNUAL and owner_ids:
        _replace(cycle, owner_ids)


# The counted figures of a row, which a change of one project moves by what that project counted.
COUNTED_FIELDS = (
    "projects",
    "budget",
    "paid",
    "quantitative",
    "qualitative",
    "completion_none",
    "completion_low",
    "completion_mid",
    "completion_high",
    "completion_met",
)


def _group(row: CycleRollup) -> tuple:
    return (row.organisation_id, row.level, row.project_type, row.is_key_project)


@transaction.atomic
def rollup_move_project(
    *, cycle: MonitoringCycle, project: Project, counted_before: list[CycleRollup]
) -> None:
    """Move the stored rows by what one project counts now against what it counted before its change
    (`rollup_of_projects`, read under the report's lock before the change): a 附件1 save costs the same
    whatever the size of its unit. Rows that would not add up (stored out of line) are recounted whole."""
    if cycle.kind != CycleKind.ANNUAL:
        return
    list(Organisation.objects.filter(pk=project.owner_id).select_for_update().values_list("pk", flat=True))
    moves: dict[tuple, dict] = {}
    for sign, rows in ((-1, counted_before), (1, rollup_of_projects(cycle=cycle, project_ids=[project.pk]))):
        for row in rows:
            move = moves.setdefault(_group(row), dict.fromkeys(COUNTED_FIELDS, 0))
            for name in COUNTED_FIELDS:
                move[name] += sign * getattr(row, name)
    stored = CycleRollup.objects.filter(cycle=cycle)
    for (owner_id, level, project_type, is_key), move in moves.items():
        if not any(move.values()):
            continue
        group = stored.filter(
            organisation_id=owner_id, level=level, project_type=project_type, is_key_project=is_key
        )
        row = group.select_for_update().first()
        if row is None and move["projects"] > 0:
            CycleRollup.objects.create(
                cycle=cycle,
                organisation_id=owner_id,
                level=level,
                project_type=project_type,
                is_key_project=is_key,
                **move,
            )
        elif row is None or any(getattr(row, name) + move[name] < 0 for name in COUNTED_FIELDS):
            _replace(cycle, [project.owner_id])
            return
        elif row.projects + move["projects"] == 0:
            row.delete()
        else:
            group.update(**{name: F(name) + value for name, value in move.items() if value})
    AnalysisReport.objects.filter(cycle=cycle, project=project).exclude(counted_level=F("level")).update(
        counted_level=F("level")
    )
    transaction.on_commit(partial(rollup_changed.send, sender=CycleRollup, cycle_id=cycle.pk))


def project_owners_by_year(project_ids: Iterable[int]) -> dict[int, set[int]]:
    """The units owning these projects, by the projects' year."""
    owners_by_year: dict[int, set[int]] = {}
    project_ids = list(project_ids)
    for start in range(0, len(project_ids), ID_BATCH):
        part = project_ids[start : start + ID_BATCH]
        for year, owner_id in (
            Project.objects.filter(pk__in=part).order_by().values_list("year", "owner_id").distinct()
        ):
            owners_by_year.setdefault(year, set()).add(owner_id)
    return owners_by_year


@transaction.atomic
def rollup_refresh_owners(*, owners_by_year: dict[int, set[int]]) -> None:
    """Recount these units in every annual cycle of the given years (a load changed their projects), and
    outdate what was worked out from their data."""
    for cycle in MonitoringCycle.objects.filter(kind=CycleKind.ANNUAL, year__in=owners_by_year):
        _replace(cycle, sorted(owners_by_year[cycle.year]))
    unit_versions_bump(set().union(*owners_by_year.values()))


def rollup_refresh_projects(*, project_ids: Iterable[int]) -> None:
    """Recount the units owning these projects in every annual cycle of the projects' years (a load
    changed their budgets, targets or payments)."""
    rollup_refresh_owners(owners_by_year=project_owners_by_year(project_ids))
