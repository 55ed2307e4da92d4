"""The auditor's log page: a reader on top of the audit trail, which sits below the organisations it names."""

from django.core.paginator import Paginator
from django.shortcuts import render

from jixiao.audit.models import ACTION_LABELS, AuditRecord
from jixiao.audit.selectors import audit_record_list
from jixiao.organisations.models import Role
from jixiao.organisations.permissions import require_roles


@require_roles(Role.AUDITOR)
def audit_index(request):
    action = request.GET.get("action", "")
    text = request.GET.get("q", "").strip()
    page = Paginator(audit_record_list(action=action, text=text), 50).get_page(request.GET.get("page"))
    actions = [
        (value, ACTION_LABELS.get(value, value))
        for value in AuditRecord.objects.order_by("action").values_list("action", flat=True).distinct()
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/audit_list.html",
        {
            "page": page,
            "actions": actions,
            "action": action,
            "q": text,
            "query": query.urlencode(),
            "crumbs": [("审计日志", None)],
        },
    )
