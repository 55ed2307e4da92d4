"""The auditor's log page: a reader on top of the audit trail, which sits below the organisations it names."""

from datetime import date

from django.shortcuts import render

from jixiao.audit.models import ACTION_LABELS
from jixiao.audit.selectors import Cursor, audit_record_list, audit_record_page
from jixiao.organisations.models import Role
from jixiao.organisations.permissions import require_roles

# Every action the system writes, by label (the log is never scanned for the ones it holds).
ACTION_CHOICES = sorted(((value, str(label)) for value, label in ACTION_LABELS.items()), key=lambda c: c[1])


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


@require_roles(Role.AUDITOR)
def audit_index(request):
    action = request.GET.get("action", "")
    text = request.GET.get("q", "").strip()[:100]
    until = _date(request.GET.get("until", ""))
    page = audit_record_page(
        audit_record_list(action=action, text=text, until=until),
        older_than=Cursor.parse(request.GET.get("older", "")),
        newer_than=Cursor.parse(request.GET.get("newer", "")),
    )
    query = request.GET.copy()
    for key in ("older", "newer", "page"):
        query.pop(key, None)
    return render(
        request,
        "audit/audit_list.html",
        {
            "page": page,
            "actions": ACTION_CHOICES,
            "action": action,
            "q": text,
            "until": until,
            "query": query.urlencode(),
            "crumbs": [("审计日志", None)],
        },
    )
