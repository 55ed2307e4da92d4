"""局定工作日: the bureau's own rest and working days over the national calendar."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jixiao.organisations.models import Role
from jixiao.organisations.permissions import require_roles
from jixiao.workdays import rules
from jixiao.workdays.forms import BureauDayForm
from jixiao.workdays.policy import can_manage_days
from jixiao.workdays.selectors import bureau_day_list
from jixiao.workdays.services import bureau_day_remove, bureau_day_set

PAGE_ROLES = (Role.COUNTERPART_STAFF, Role.SUPERVISION_STAFF, Role.BUREAU_LEADER)


def _page(request, form):
    today = timezone.localdate()
    years = [today.year, today.year + 1]
    return render(
        request,
        "workdays/index.html",
        {
            "days": bureau_day_list(),
            "form": form,
            "can_manage": can_manage_days(request.user),
            "uncovered_years": [y for y in years if not rules.is_covered(date(y, 1, 1))],
            "crumbs": [("局定工作日", None)],
        },
    )


@require_roles(*PAGE_ROLES)
def index(request):
    return _page(request, BureauDayForm() if can_manage_days(request.user) else None)


@require_roles(*PAGE_ROLES)
@require_POST
def day_set(request):
    form = BureauDayForm(request.POST)
    if form.is_valid():
        try:
            stored = bureau_day_set(**form.cleaned_data, acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"已设定 {stored.day:%Y-%m-%d} 为{stored.get_kind_display()}。")
            return redirect("workdays:index")
    return _page(request, form)


@require_roles(*PAGE_ROLES)
@require_POST
def day_remove(request, pk: int):
    bureau_day = get_object_or_404(bureau_day_list(), pk=pk)
    try:
        bureau_day_remove(bureau_day=bureau_day, acting_user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, f"{bureau_day.day:%Y-%m-%d} 恢复按国家法定工作日计算。")
    return redirect("workdays:index")
