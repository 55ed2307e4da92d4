"""The cockpit pages: the page of a scope, its charts' data (JSON) and its tables as .xlsx."""

from functools import partial

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from jixiao.core.errors import press
from jixiao.core.files import DOCX_TYPE, XLSX_TYPE
from jixiao.core.http import download
from jixiao.dashboards.charts import CHARTS, TABLES, chart_build
from jixiao.dashboards.cockpit import (
    LEVEL_LABELS,
    LEVELS,
    CockpitFilters,
    bureau_work,
    can_view_cockpit,
    cockpit_cycles,
    cockpit_scope,
)
from jixiao.dashboards.cockpit_cache import chart_cached, cockpit_cached, cockpit_cycle, cockpit_value
from jixiao.dashboards.cockpit_exports import chart_xlsx
from jixiao.dashboards.district_report import CHART_IMAGE_MAX_BYTES, chart_image
from jixiao.dashboards.models import DistrictReport, DistrictReportVersion
from jixiao.dashboards.policy import can_view_district_report, can_write_district_report
from jixiao.dashboards.services import district_report_draft, district_report_upload
from jixiao.funding.models import FundingState
from jixiao.monitoring.models import MonitoringCycle
from jixiao.monitoring.selectors import cycle_current
from jixiao.projects.models import ProjectType


class CockpitFilterForm(forms.Form):
    cycle = forms.IntegerField(required=False, label="监控周期", min_value=1, max_value=2**63 - 1)
    section = forms.IntegerField(required=False)
    unit = forms.IntegerField(required=False)
    scope = forms.ChoiceField(required=False, choices=[("", "对口单位"), ("district", "全区")])
    type = forms.ChoiceField(required=False, label="项目类型", choices=[("", "全部"), *ProjectType.choices])
    key = forms.BooleanField(required=False, label="仅重点项目")
    level = forms.ChoiceField(
        required=False, label="预警等级", choices=[("", "全部"), *((lv, LEVEL_LABELS[lv]) for lv in LEVELS)]
    )
    funding = forms.ChoiceField(
        required=False, label="拨款状态", choices=[("", "全部"), *FundingState.choices]
    )


def _filters(request) -> tuple[CockpitFilters | None, CockpitFilterForm]:
    """The requested scope and filters; an id the person may not open answers 404. The plain address (a
    leader's home) has nothing to validate: its form is the empty one."""
    if not can_view_cockpit(request.user):
        raise PermissionDenied
    form = CockpitFilterForm(request.GET) if request.GET else CockpitFilterForm()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    cycle = cockpit_cycle(data.get("cycle") or None)
    if data.get("cycle") and cycle is None:
        raise Http404
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
        funding=data.get("funding", ""),
    )
    return filters, form


def cockpit_page(request):
    filters, form = _filters(request)

    def body() -> str:
        cockpit = cockpit_cached(user=request.user, filters=filters) if filters else None
        return render_to_string(
            "dashboards/_cockpit_body.html",
            {
                "cockpit": cockpit,
                "cycle": filters.cycle if filters else None,
                "form": form,
                "cycles": cockpit_cycles(user=request.user),
                "charts": CHARTS,
                "query": filters.query() if filters else "",
                "work": bureau_work(user=request.user, cycle=filters.cycle) if filters else None,
                "can_report": can_view_district_report(request.user),
            },
        )

    # The body is the same for everyone of the same scope asking the same: rendered once per change. A
    # refused filter is shown with its message and its own values, so it is rendered as asked.
    cached = filters is not None and not form.errors
    page = cockpit_value("body", user=request.user, filters=filters, compute=body) if cached else body()
    # The figures behind the body, read (from the cache) only by whoever asks: the template does not.
    cockpit = (
        SimpleLazyObject(partial(cockpit_cached, user=request.user, filters=filters)) if filters else None
    )
    return render(
        request,
        "dashboards/cockpit.html",
        {"body": mark_safe(page), "cockpit": cockpit},  # the body was escaped when rendered
    )


def cockpit_chart(request, name: str):
    if name not in CHARTS:
        raise Http404
    filters, _form = _filters(request)
    if filters is None:
        raise Http404
    return JsonResponse(chart_cached(name, user=request.user, filters=filters))


def cockpit_export(request, name: str):
    if name not in CHARTS and name not in TABLES:
        raise Http404
    filters, _form = _filters(request)
    if filters is None:
        raise Http404
    cockpit = cockpit_cached(user=request.user, filters=filters)
    chart = TABLES[name](cockpit) if name in TABLES else chart_build(name, cockpit, user=request.user)
    subtitle = f"{cockpit.title} · {filters.cycle.period_label} · 单位：万元 · 导出于 {timezone.localtime():%Y-%m-%d %H:%M}"
    return download(
        chart_xlsx(chart, subtitle=subtitle),
        f"{chart.title}_{timezone.localdate():%Y%m%d}.xlsx",
        XLSX_TYPE,
    )


class DistrictReportUploadForm(forms.Form):
    file = forms.FileField(label="修改稿（.docx）")
    note = forms.CharField(label="修改说明", max_length=200)


def _report_cycle(request) -> MonitoringCycle:
    if not can_view_district_report(request.user):
        raise PermissionDenied
    cycles = cockpit_cycles(user=request.user)
    cycle_pk = request.GET.get("cycle") or request.POST.get("cycle")
    cycle = cycles.filter(pk=int(cycle_pk)).first() if str(cycle_pk or "").isdigit() else cycle_current()
    if cycle is None:
        raise Http404
    return cycle


def district_report_page(request):
    """The report's versions (newest first) with their 办理记录; drafting and uploading for the supervision
    section. The district's charts are drawn here too: drafting sends their pictures with the request."""
    cycle = _report_cycle(request)
    report = DistrictReport.objects.filter(cycle=cycle).first()
    return render(
        request,
        "dashboards/district_report.html",
        {
            "cycle": cycle,
            "cycles": cockpit_cycles(user=request.user),
            "versions": report.versions.select_related("created_by") if report else [],
            "timeline": report.transitions.order_by("at", "id") if report else [],
            "can_write": can_write_district_report(request.user, cycle),
            "upload_form": DistrictReportUploadForm(),
            "charts": CHARTS,
            "query": CockpitFilters(cycle=cycle, district=True).query(),
        },
    )


def _back(cycle: MonitoringCycle) -> str:
    return f"{reverse('cockpit:report')}?cycle={cycle.pk}"


@require_POST
def district_report_draft_view(request):
    cycle = _report_cycle(request)
    images = {}
    for name in CHARTS:
        upload = request.FILES.get(f"chart_{name}")
        if upload is not None and upload.size <= CHART_IMAGE_MAX_BYTES:
            image = chart_image(upload.read())
            if image is not None:
                images[name] = image
    press(
        request,
        lambda: district_report_draft(cycle=cycle, images=images, acting_user=request.user),
        done=lambda version: f"已起草第 {version.number} 版。",
    )
    return redirect(_back(cycle))


@require_POST
def district_report_upload_view(request):
    cycle = _report_cycle(request)
    form = DistrictReportUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择修改稿并填写修改说明。")
        return redirect(_back(cycle))
    press(
        request,
        lambda: district_report_upload(
            cycle=cycle,
            upload=form.cleaned_data["file"],
            note=form.cleaned_data["note"],
            acting_user=request.user,
        ),
        done=lambda version: f"已保存为第 {version.number} 版。",
    )
    return redirect(_back(cycle))


def district_report_download(request, pk: int):
    if not can_view_district_report(request.user):
        raise PermissionDenied
    version = get_object_or_404(DistrictReportVersion.objects.select_related("report__cycle"), pk=pk)
    return download(
        version.file.read(),
        f"全区预算绩效运行监控情况报告_{version.report.cycle.year}_第{version.number}版.docx",
        DOCX_TYPE,
    )
