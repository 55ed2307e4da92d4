"""The cockpit's figures and chart data, worked out on the first view after a change and read back after.

An entry is keyed on the viewer's scope (their roles and organisations: people with the same see the
same), the filters, the day (overdue items and late packages count from today) and the cycle's data
version (`jixiao.monitoring.versions`), which goes up once a change the cockpit shows is committed: the
roll-up rewritten (monitoring's `rollup_changed`), a package saved (sent, withdrawn, signed, returned,
extended), a 附件2 saved, a rectification item opened, answered or verified (the bureau's work counts
overdue items of every cycle), a funding decision, a cycle or an organisation edited (their models' own
signals, received in `apps.py`). A view reads that number with its cycle, in the same statement
(`cockpit_cycle`), to know whether what is cached still holds; the figures themselves cost nothing until
the next change. Each process also keeps its own copies of the entries it read lately (the "process"
cache), so that a repeated view does not wait on the shared cache: a key names one state of the cycle, so
a copy cannot outlive it while versions only go up. After a restore from backup, empty the shared cache
and restart the workers (emptying the shared cache does not reach their copies).
"""

import hashlib
from collections.abc import Callable
from functools import lru_cache, partial

from django.utils import timezone

from jixiao.core.caching import computed_once
from jixiao.core.statements import column, columns, instance_from_row, rows_of, table
from jixiao.dashboards.charts import chart_build
from jixiao.dashboards.cockpit import Cockpit, CockpitFilters, cockpit_build
from jixiao.monitoring.models import CycleKind, CycleStatus, CycleVersion, MonitoringCycle
from jixiao.monitoring.versions import cycle_version
from jixiao.organisations.selectors import viewer_scope

# A bump makes an entry unreachable at once; the timeout only gives the memory back.
CACHE_SECONDS = 60 * 60


@lru_cache
def _cycle_sql(by_pk: bool) -> str:
    cycle, version = MonitoringCycle, CycleVersion
    chosen = f"{column(cycle, 'id', 'c')} = %s" if by_pk else "1 = 1"
    return (
        f"SELECT {columns(cycle, 'c')}, COALESCE({column(version, 'number', 'v')}, 0) AS cockpit_number "
        f"FROM {table(cycle)} c LEFT OUTER JOIN {table(version)} v "
        f"ON {column(version, 'cycle', 'v')} = {column(cycle, 'id', 'c')} "
        f"WHERE {column(cycle, 'kind', 'c')} = %s AND {chosen} "
        f"ORDER BY CASE WHEN {column(cycle, 'status', 'c')} = %s THEN 0 ELSE 1 END, {column(cycle, 'year', 'c')} DESC "
        f"LIMIT 1"
    )


def cockpit_cycle(pk: int | None = None) -> MonitoringCycle | None:
    """The annual cycle `pk`, or else the current one (the open cycle of the latest year), or else the
    latest; with its version number (`cockpit_number`) read in the same statement, written out
    (`jixiao.core.statements`): the cockpit's pages pay one query to know whether what is cached holds."""
    params = [CycleKind.ANNUAL, *([pk] if pk is not None else []), CycleStatus.OPEN]
    rows = rows_of(_cycle_sql(pk is not None), params)
    if not rows:
        return None
    cycle = instance_from_row(MonitoringCycle, rows[0])
    cycle.cockpit_number = rows[0][-1]
    return cycle


def _key(user, filters: CockpitFilters, name: str) -> str:
    scope = hashlib.sha256(repr((viewer_scope(user), filters.query())).encode()).hexdigest()
    cycle_id = filters.cycle.pk
    version = getattr(filters.cycle, "cockpit_number", None)
    if version is None:
        version = cycle_version(cycle_id)
    return f"jixiao:cockpit:{cycle_id}:{version}:{timezone.localdate():%Y%m%d}:{name}:{scope}"


def cockpit_value(name: str, *, user, filters: CockpitFilters, compute: Callable):
    """`compute()` of the scope for the current state of the cycle: worked out once, then read back."""
    return computed_once(_key(user, filters, name), compute, seconds=CACHE_SECONDS)


def cockpit_cached(*, user, filters: CockpitFilters) -> Cockpit:
    """`cockpit_build` for the current state of the cycle."""
    return cockpit_value(
        "cockpit", user=user, filters=filters, compute=partial(cockpit_build, user=user, filters=filters)
    )


def chart_cached(name: str, *, user, filters: CockpitFilters) -> dict:
    """The JSON of chart `name` for the current state of the cycle."""

    def compute() -> dict:
        return chart_build(name, cockpit_cached(user=user, filters=filters), user=user).as_json()

    return cockpit_value(f"chart-{name}", user=user, filters=filters, compute=compute)
