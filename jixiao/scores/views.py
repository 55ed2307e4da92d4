"""Pages of the monitoring score (第十六条): the bureau's ranked table and its export, the scheme, and a
unit's own breakdown."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from jixiao.core.errors import error_parts
from jixiao.core.files import XLSX_TYPE
from jixiao.core.http import download
from jixiao.monitoring.models import CycleKind
from jixiao.monitoring.selectors import cycle_current, cycle_get, cycle_list
from jixiao.organisations.permissions import require_roles
from jixiao.scores import rules
from jixiao.scores.exports import scheme_summary
from jixiao.scores.forms import SchemeForm
from jixiao.scores.policy import BREAKDOWN_ROLES, TABLE_ROLES, can_edit_scheme, can_view_table, cycle_scored
from jixiao.scores.selectors import own_unit, scheme_of, score_table, unit_score
from jixiao.scores.services import scheme_update, scores_export

table_readers = require_roles(*TABLE_ROLES)
breakdown_readers = require_roles(*BREAKDOWN_ROLES)


def _annual_cycles(user):
    return cycle_list(user=user).filter(kind=CycleKind.ANNUAL).order_by("-year")


def _latest_cycle(user):
    return cycle_current() or _annual_cycles(user).first()


@breakdown_readers
def score_index(request):
    """The bureau's table of the current cycle; a unit's people go to their own breakdown."""
    cycle = _latest_cycle(request.user)
    if can_view_table(request.user):
        return _table_page(request, cycle)
    unit = own_unit(user=request.user)
    if cycle is None or unit is None:
        return render(request, "scores/none.html", {"crumbs": [("监控评分", None)]})
    return redirect("scores:unit", cycle.pk, unit.pk)


@table_readers
def score_cycle(request, cycle_pk: int):
    return _table_page(request, cycle_get(user=request.user, pk=cycle_pk))


def _table_page(request, cycle):
    table = score_table(user=request.user, cycle=cycle) if cycle else None
    context = {
        "cycle": cycle,
        "cycles": _annual_cycles(request.user),
        "table": table,
        "components": rules.COMPONENTS,
        "rows": [
            (row, [row.breakdown.component(key) for key, _label in rules.COMPONENTS]) for row in table.rows
        ]
        if table
        else [],
        "weights": [(label, table.scheme.weight(key)) for key, label in rules.COMPONENTS] if table else [],
        "summary": scheme_summary(table.scheme) if table else "",
        "may_edit": cycle is not None and can_edit_scheme(request.user, cycle),
        "crumbs": [("监控评分", None)],
    }
    return render(request, "scores/table.html", context)


@table_readers
def score_export(request, cycle_pk: int):
    cycle = cycle_get(user=request.user, pk=cycle_pk)
    content = scores_export(table=score_table(user=request.user, cycle=cycle), acting_user=request.user)
    return download(content, f"监控评分-{cycle.year}.xlsx", XLSX_TYPE)


@table_readers
def scheme_edit(request, cycle_pk: int):
    cycle = cycle_get(user=request.user, pk=cycle_pk)
    if not cycle_scored(cycle):
        raise Http404("自行开展的监控不计监控评分。")
    verdict = can_edit_scheme(request.user, cycle)
    if verdict.forbidden:
        verdict.enforce()
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect("scores:cycle", cycle.pk)
    scheme = scheme_of(cycle)
    form = SchemeForm(request.POST or None, instance=scheme)
    if request.method == "POST" and form.is_valid():
        try:
            scheme_update(cycle=cycle, values=form.cleaned_data, acting_user=request.user)
        except ValidationError as exc:
            message, fields = error_parts(exc)
            for name, texts in fields.items():
                for text in texts if name in form.fields else []:
                    form.add_error(name, text)
            form.add_error(None, message)
        else:
            messages.success(request, "评分规则已保存，评分按新规则计算。")
            return redirect("scores:cycle", cycle.pk)
    context = {
        "cycle": cycle,
        "form": form,
        "crumbs": [("监控评分", reverse("scores:cycle", args=[cycle.pk])), ("评分规则", None)],
    }
    return render(request, "scores/scheme.html", context, status=400 if form.errors else 200)


@breakdown_readers
def unit_breakdown(request, cycle_pk: int, unit_pk: int):
    cycle = cycle_get(user=request.user, pk=cycle_pk)
    table, score = unit_score(user=request.user, cycle=cycle, unit_pk=unit_pk)
    back = reverse("scores:cycle", args=[cycle.pk]) if can_view_table(request.user) else None
    context = {
        "cycle": cycle,
        "table": table,
        "score": score,
        "summary": scheme_summary(table.scheme),
        "share": rules.number_text(rules.red_share(score.inputs)),
        "crumbs": [("监控评分", back), (score.organisation.name, None)],
    }
    return render(request, "scores/unit.html", context)
