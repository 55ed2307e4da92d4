"""The cockpit pages: the page of a scope, its charts' data (JSON) and its tables as .xlsx."""

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from jixiao.core.files import XLSX_TYPE
from jixiao.core.http import download
from jixiao.dashboards.charts import CHARTS, TABLES, chart_build
from jixiao.dashboards.cockpit import (
    LEVEL_LABELS,
    LEVELS,
    CockpitFilters,
    can_view_cockpit,
    cockpit_build,
    cockpit_cycles,
    cockpit_scope,
)
from jixiao.dashboards.cockpit_exports import chart_xlsx
from jixiao.monitoring.selectors import cycle_current
from jixiao.projects.models import ProjectType


class CockpitFilterForm(forms.Form):
    cycle = forms.IntegerField(required=False, label="监控周期")
    section = forms.IntegerField(required=False)
    unit = forms.IntegerField(required=False)
    scope = forms.ChoiceField(required=False, choices=[("", "对口单位"), ("district", "全区")])
    type = forms.ChoiceField(required=False, label="项目类型", choices=[("", "全部"), *ProjectType.choices])
    key = forms.BooleanField(required=False, label="仅重点项目")
    level = forms.ChoiceField(
        required=False, label="预警等级", choices=[("", "全部"), *((lv, LEVEL_LABELS[lv]) for lv in LEVELS)]
    )


def _filters(request) -> tuple[CockpitFilters | None, CockpitFilterForm]:
    """The requested scope and filters; an id the person may not open answers 404."""
    if not can_view_cockpit(request.user):
        raise PermissionDenied
    form = CockpitFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    cycles = cockpit_cycles(user=request.user)
    cycle = cycles.filter(pk=data["cycle"]).first() if data.get("cycle") else cycle_current()
    if data.get("cycle") and cycle is None:
        raise Http404
    if cycle is None:
        cycle = cycles.first()
    if cycle is None:
        return None, form
    section, unit, district = cockpit_scope(
        user=request.user,
        section_id=data.get("section"),
        unit_id=data.get("unit"),
        district=data.get("scope") == "district",
    )
    filters = CockpitFilters(
        cycle=cycle,
        section=section,
        unit=unit,
        district=district and unit is None and section is None,
        project_type=data.get("type", ""),
        key_only=bool(data.get("key")),
        level=data.get("level", ""),
    )
    return filters, form


def cockpit_page(request):
    filters, form = _filters(request)
    if filters is None:
        return render(request, "dashboards/cockpit.html", {"cockpit": None, "form": form})
    cockpit = cockpit_build(user=request.user, filters=filters)
    return render(
        request,
        "dashboards/cockpit.html",
        {
            "cockpit": cockpit,
            "cycle": filters.cycle,
            "form": form,
            "cycles": cockpit_cycles(user=request.user),
            "charts": CHARTS,
            "query": filters.query(),
        },
    )


def cockpit_chart(request, name: str):
    if name not in CHARTS:
        raise Http404
    filters, _form = _filters(request)
    if filters is None:
        raise Http404
    cockpit = cockpit_build(user=request.user, filters=filters)
    return JsonResponse(chart_build(name, cockpit, user=request.user).as_json())


def cockpit_export(request, name: str):
    if name not in CHARTS and name not in TABLES:
        raise Http404
    filters, _form = _filters(request)
    if filters is None:
        raise Http404
    cockpit = cockpit_build(user=request.user, filters=filters)
    chart = TABLES[name](cockpit) if name in TABLES else chart_build(name, cockpit, user=request.user)
    subtitle = f"{cockpit.title} · {filters.cycle.period_label} · 单位：万元 · 导出于 {timezone.localtime():%Y-%m-%d %H:%M}"
    return download(
        chart_xlsx(chart, subtitle=subtitle),
        f"{chart.title}_{timezone.localdate():%Y%m%d}.xlsx",
        XLSX_TYPE,
    )
