"""The cockpit's figures and chart data, worked out on the first view after a change and read back after.

An entry is keyed on the viewer's scope (their roles and organisations: people with the same see the
same), the filters, the day (overdue items and late packages count from today) and the cycle's
`CockpitVersion`. That number goes up once a change the cockpit shows is committed: the roll-up rewritten
(monitoring's `rollup_changed`), a package saved (sent, withdrawn, signed, returned, extended), a 附件2
saved, a rectification item opened, answered or verified (the bureau's work counts overdue items of every
cycle), a funding decision, a cycle or an organisation edited (their models' own signals, received in
`apps.py`). A view reads that number with its cycle, in the same
statement (`cockpit_cycle`), to know whether what is cached still holds; the figures themselves cost
nothing until the next change. Each process also keeps its own copies of the entries it read lately (the
"process" cache), so that a repeated view does not wait on the shared cache: a key names one state of the
cycle, so a copy cannot outlive it while versions only go up. A database restored from a backup can
bring an old version number back: after a restore, empty the shared cache and restart the workers
(emptying the shared cache does not reach their copies).
"""

import hashlib
from collections.abc import Callable, Iterable
from functools import lru_cache, partial

from django.core.cache import cache, caches
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from jixiao.core.statements import column, columns, instance_from_row, rows_of, table
from jixiao.dashboards.charts import chart_build
from jixiao.dashboards.cockpit import Cockpit, CockpitFilters, cockpit_build
from jixiao.dashboards.models import CockpitVersion
from jixiao.monitoring.models import CycleKind, CycleStatus, MonitoringCycle
from jixiao.organisations.selectors import memberships_of

# A bump makes an entry unreachable at once; the timeout only gives the memory back.
CACHE_SECONDS = 60 * 60


def cockpit_version(cycle_id: int) -> int:
    return CockpitVersion.objects.filter(cycle_id=cycle_id).values_list("number", flat=True).first() or 0


@lru_cache
def _cycle_sql(by_pk: bool) -> str:
    cycle, version = MonitoringCycle, CockpitVersion
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


def cockpit_version_bump(*, cycle_ids: Iterable[int]) -> None:
    """Outdate what is cached of these cycles. Called after the commit, so that a reader who sees the new
    number also sees the change, and no save waits on this row while its own transaction is open."""
    for cycle_id in sorted(set(cycle_ids)):
        versions = CockpitVersion.objects.filter(cycle_id=cycle_id)
        if versions.update(number=F("number") + 1):
            continue
        _version, created = CockpitVersion.objects.get_or_create(cycle_id=cycle_id, defaults={"number": 1})
        if not created:  # another bump created it first
            versions.update(number=F("number") + 1)


def bump_after_commit(cycles: QuerySet | Iterable[int | None]) -> None:
    """Bump these cycles (ids, or a queryset of ids read then) once the current transaction commits."""

    def bump():
        cockpit_version_bump(cycle_ids=[pk for pk in cycles if pk is not None])

    transaction.on_commit(bump)


def _key(user, filters: CockpitFilters, name: str) -> str:
    viewer = sorted((m.role, m.organisation_id) for m in memberships_of(user) if m.organisation.is_active)
    scope = hashlib.sha256(repr((viewer, filters.query())).encode()).hexdigest()
    cycle_id = filters.cycle.pk
    version = getattr(filters.cycle, "cockpit_number", None)
    if version is None:
        version = cockpit_version(cycle_id)
    return f"jixiao:cockpit:{cycle_id}:{version}:{timezone.localdate():%Y%m%d}:{name}:{scope}"


def cockpit_value(name: str, *, user, filters: CockpitFilters, compute: Callable):
    """`compute()` of the scope for the current state of the cycle: worked out once, then read back."""
    key = _key(user, filters, name)
    value = caches["process"].get(key)
    if value is None:
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, CACHE_SECONDS)
        caches["process"].set(key, value, CACHE_SECONDS)
    return value


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
