"""Each cycle's and each unit's data version (`CycleVersion`, `UnitVersion`): what a page caches from a
cycle, or from a unit's data, is keyed on them.

The number goes up once a change to what such pages show is committed. Monitoring's own roll-up writes
announce themselves (`rollup_changed`); the apps above follow their models' signals and call
`bump_after_commit` (they are connected where every such model is in reach, `jixiao.dashboards.apps`).
A unit's number goes up with each change to its own data, in the transaction of the service that makes
it (`unit_versions_bump`), so that the number and the data it stands for are always read together. A
key names one number, so a cached figure cannot outlive the state it was computed from while numbers
only go up. A database restored from a backup can bring an old number back: after a restore, empty the
shared cache and restart the workers.
"""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import F, QuerySet

from jixiao.core.statements import quoted, table
from jixiao.monitoring.models import CycleVersion, UnitVersion
from jixiao.organisations.models import Organisation


def cycle_version(cycle_id: int) -> int:
    return CycleVersion.objects.filter(cycle_id=cycle_id).values_list("number", flat=True).first() or 0


def cycle_version_bump(*, cycle_ids: Iterable[int]) -> None:
    """Outdate what is cached of these cycles. Called after the commit, so that a reader who sees the new
    number also sees the change, and no save waits on this row while its own transaction is open."""
    for cycle_id in sorted(set(cycle_ids)):
        versions = CycleVersion.objects.filter(cycle_id=cycle_id)
        if versions.update(number=F("number") + 1):
            continue
        _version, created = CycleVersion.objects.get_or_create(cycle_id=cycle_id, defaults={"number": 1})
        if not created:  # another bump created it first
            versions.update(number=F("number") + 1)


def bump_after_commit(cycles: QuerySet | Iterable[int | None]) -> None:
    """Bump these cycles (ids, or a queryset of ids read then) once the current transaction commits."""

    def bump():
        cycle_version_bump(cycle_ids=[pk for pk in cycles if pk is not None])

    transaction.on_commit(bump)


def unit_versions(unit_ids: Iterable[int]) -> list[tuple[int, int]]:
    """(unit, number) of those of the units whose data ever changed, in id order."""
    return list(
        UnitVersion.objects.filter(organisation_id__in=list(unit_ids))
        .order_by("organisation_id")
        .values_list("organisation_id", "number")
    )


@transaction.atomic
def unit_versions_bump(unit_ids: Iterable[int] | None) -> None:
    """Each unit's number up by one (None: every unit's), in the caller's transaction: the change and its
    number commit together, so a reader never pairs new data with an old number or the reverse.

    The units' organisation rows are locked first, in id order, then their numbers written in one
    statement (a row made at 1 where it had none): every transaction takes a unit's organisation row
    before its number, as the roll-up's writes already lock it, so two of them never wait for each other
    in opposite orders. Saves of one unit already wait for each other at that row."""
    units, chosen, params = Organisation.objects.order_by("pk"), "1 = 1", []
    if unit_ids is not None:
        params = sorted(set(unit_ids))
        if not params:
            return
        units = units.filter(pk__in=params)
        chosen = f"o.{quoted(Organisation._meta.pk.column)} IN ({', '.join(['%s'] * len(params))})"
    list(units.select_for_update().values_list("pk", flat=True))
    versions, unit, number = table(UnitVersion), quoted(UnitVersion._meta.pk.column), quoted("number")
    sql = (
        f"INSERT INTO {versions} ({unit}, {number}) "
        f"SELECT o.{quoted(Organisation._meta.pk.column)}, 1 FROM {table(Organisation)} o WHERE {chosen} "
        f"ORDER BY 1 ON CONFLICT ({unit}) DO UPDATE SET {number} = {versions}.{number} + 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
