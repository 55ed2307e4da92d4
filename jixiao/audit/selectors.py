"""Reading the audit trail: only the auditor's pages call these."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from jixiao.audit.models import AuditRecord
from jixiao.core.search import contains_q

PAGE_SIZE = 50


def audit_record_list(
    *, action: str = "", text: str = "", until: date | None = None
) -> QuerySet[AuditRecord]:
    """The audit trail, newest first."""
    records = AuditRecord.objects.select_related("organisation")
    if action:
        records = records.filter(action=action)
    if text:
        records = records.filter(contains_q(text, ["object_repr", "actor_name"]))
    if until:
        end = timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min))
        records = records.filter(occurred_at__lt=end)
    return records


@dataclass(frozen=True)
class Cursor:
    """A place in the trail: the (time, id) of a record, so that a page costs the same at any depth."""

    occurred_at: datetime
    id: int

    def __str__(self):
        return f"{self.occurred_at.isoformat()}_{self.id}"

    @classmethod
    def parse(cls, text: str) -> "Cursor | None":
        stamp, _, number = (text or "").rpartition("_")
        try:
            moment = datetime.fromisoformat(stamp)
            return cls(moment if timezone.is_aware(moment) else timezone.make_aware(moment), int(number))
        except ValueError:
            return None

    @classmethod
    def of(cls, record: AuditRecord) -> "Cursor":
        return cls(record.occurred_at, record.pk)


@dataclass(frozen=True)
class AuditPage:
    records: list[AuditRecord]
    older: Cursor | None
    newer: Cursor | None


def audit_record_page(
    records: QuerySet[AuditRecord], *, older_than: Cursor | None = None, newer_than: Cursor | None = None
) -> AuditPage:
    """One page of `records` (newest first) before or after a cursor, read by keyset rather than OFFSET."""
    if newer_than is not None:
        t, pk = newer_than.occurred_at, newer_than.id
        rows = list(
            records.filter(Q(occurred_at__gte=t) & (Q(occurred_at__gt=t) | Q(id__gt=pk))).order_by(
                "occurred_at", "id"
            )[: PAGE_SIZE + 1]
        )
        more = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE][::-1]
        return AuditPage(
            rows,
            older=Cursor.of(rows[-1]) if rows else None,
            newer=Cursor.of(rows[0]) if more and rows else None,
        )
    if older_than is not None:
        t, pk = older_than.occurred_at, older_than.id
        records = records.filter(Q(occurred_at__lte=t) & (Q(occurred_at__lt=t) | Q(id__lt=pk)))
    rows = list(records.order_by("-occurred_at", "-id")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return AuditPage(
        rows,
        older=Cursor.of(rows[-1]) if more else None,
        newer=Cursor.of(rows[0]) if older_than is not None and rows else None,
    )
