from django.db import models

from jixiao.audit.models import AuditRecord
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
