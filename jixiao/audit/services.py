from collections.abc import Iterable

from django.db import models
from django.utils import timezone

from jixiao.audit.models import AuditRecord
from jixiao.core.bulk import insert_rows
from jixiao.core.request_context import current_ip


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model,
    organisation=None,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    changes: dict | None = None,
) -> AuditRecord:
    """Write one audit row; call it inside the transaction of the change it describes."""
    return AuditRecord.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_name=str(actor) if actor is not None else "系统",
        organisation=organisation,
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        object_repr=str(target)[:200],
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        changes=changes or {},
        ip_address=current_ip(),
    )


def audit_records(*, actor, action: str, entries: Iterable[dict]) -> None:
    """Write one audit row per entry at once (a load that changes thousands of objects); each entry gives
    `target` (or `object_type`, `object_id`, `object_repr`) and optionally `organisation_id`, `from_state`,
    `to_state`, `comment` and `changes`. Call it inside the transaction of the changes it describes."""
    now, ip = timezone.now(), current_ip()
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    actor_name = str(actor) if actor is not None else "系统"

    def rows():
        for entry in entries:
            target = entry.get("target")
            yield (
                now,
                actor_id,
                actor_name,
                entry.get("organisation_id"),
                action,
                entry["object_type"] if target is None else target._meta.label_lower,
                str(entry["object_id"] if target is None else target.pk),
                (entry["object_repr"] if target is None else str(target))[:200],
                entry.get("from_state", ""),
                entry.get("to_state", ""),
                entry.get("comment", ""),
                entry.get("changes") or {},
                ip,
            )

    insert_rows(AuditRecord, AUDIT_COLUMNS, rows())


AUDIT_COLUMNS = ["occurred_at", "actor_id", "actor_name", "organisation_id", "action", "object_type",
                 "object_id", "object_repr", "from_state", "to_state", "comment", "changes", "ip_address"]  # fmt: skip
