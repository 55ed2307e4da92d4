from django.db.models import QuerySet

from jixiao.audit.models import AuditRecord


def audit_record_list(*, action: str = "", text: str = "") -> QuerySet[AuditRecord]:
    """The audit trail, newest first; only the auditor's pages call this."""
    records = AuditRecord.objects.select_related("organisation")
    if action:
        records = records.filter(action=action)
    if text:
        records = records.filter(object_repr__icontains=text) | records.filter(actor_name__icontains=text)
    return records
