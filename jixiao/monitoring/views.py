from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jixiao.core.files import XLSX_TYPE
from jixiao.core.http import download
from jixiao.core.xlsx_loader import XlsxBudget
from jixiao.funding.selectors import funding_status_of
from jixiao.jobs.services import job_start
from jixiao.monitoring import plausibility, rules
from jixiao.monitoring.evaluation import indicator_figures
from jixiao.monitoring.exports import report_export_workbook
from jixiao.monitoring.forms import EntryForm, ImportForm, ReportForm
from jixiao.monitoring.jobs import unit_zip_params
from jixiao.monitoring.models import (
    DEVIATION_FIELDS,
    NARRATIVE_FIELDS,
    THRESHOLD_FIELDS,
    IndicatorEntry,
)
from jixiao.monitoring.policy import can_fill, can_import
from jixiao.monitoring.selectors import cycle_get, cycle_list, report_evaluation, report_for, report_readiness
from jixiao.monitoring.services import StaleReport, report_save
from jixiao.monitoring.workbook import REPORT_LIMITS, import_report_workbook
from jixiao.organisations.selectors import organisation_get
from jixiao.projects.models import ValueType, in_form_order
from jixiao.projects.selectors import paid_to_date


def cycle_index(request):
    return render(
        request,
        "monitoring/cycle_list.html",
        {"cycles": cycle_list(user=request.user), "crumbs": [("监控周期", None)]},
    )


def cycle_detail(request, pk: int):
    cycle = cycle_get(user=request.user, pk=pk)
    thresholds = [
        (cycle._meta.get_field(name).verbose_name, getattr(cycle, name))
        for name in [*THRESHOLD_FIELDS, "disposition_working_days"]
    ]
    return render(
        request,
        "monitoring/cycle_detail.html",
        {
            "cycle": cycle,
            "thresholds": thresholds,
            "can_import": can_import(request.user, cycle),
            "crumbs": [("监控周期", reverse("monitoring:cycle_list")), (cycle.name, None)],
        },
    )


def _report_forms(request_data, project, cycle, report):
    version = report.target_version if report else project.current_target
    indicators = in_form_order(version.indicators.all()) if version else []
    entries = {e.indicator_id: e for e in report.entries.all()} if report else {}
    report_form = ReportForm(request_data, report=report, cycle=cycle)
    entry_forms = [
        EntryForm(request_data, indicator=i, entry=entries.get(i.pk), cycle=cycle) for i in indicators
    ]
    return report_form, entry_forms


# The report's own fields above the indicator table, in the order they stand on the page.
_FIELDS_ABOVE_INDICATORS = [
    "projected_fiscal",
    "projected_other",
    *(name for name, _label in DEVIATION_FIELDS),
    "corrective_measures",
    "goal_progress",
]


def _focus_first_error(report_form, entry_forms) -> None:
    """The page opens scrolled to the first field marked wrong (the browser focuses `autofocus`)."""
    above = [name for name in _FIELDS_ABOVE_INDICATORS if name in report_form.errors]
    below = [name for name in report_form.fields if name in report_form.errors and name not in above]
    candidates = [(report_form, name) for name in above]
    candidates += [(form, name) for form in entry_forms for name in form.fields if name in form.errors]
    candidates += [(report_form, name) for name in below]
    if candidates:
        form, name = candidates[0]
        form.fields[name].widget.attrs["autofocus"] = True


def _entry_on_screen(form) -> IndicatorEntry:
    """The entry as shown: what is typed (a mistyped field counts as empty until corrected) or as saved."""
    if not form.is_bound:
        return IndicatorEntry(**form.initial)
    form.is_valid()
    return IndicatorEntry(**form.cleaned_data)


def _projected_total(report_form, report):
    """P as currently typed (or as saved when the form is not bound)."""
    if not report_form.is_bound:
        return report.projected_total if report else None
    if not report_form.is_valid():
        return None
    fiscal, other = (
        report_form.cleaned_data.get("projected_fiscal"),
        report_form.cleaned_data.get("projected_other"),
    )
    if fiscal is None and other is None:
        return None
    return (fiscal or 0) + (other or 0)


def _live_warnings(project, cycle, report_form, entry_forms):
    """Warnings of what is on the screen, valid or not yet saved, for the live panel."""
    return report_evaluation(
        project=project,
        cycle=cycle,
        projected=_projected_total(report_form, None),
        rows=[(form.indicator, _entry_on_screen(form)) for form in entry_forms],
    )


def _report_context(*, project, cycle, report, report_form, entry_forms, warnings, can_edit):
    fiscal, other = paid_to_date(project, cycle.period_end_month)
    by_indicator: dict = {}
    for warning in warnings:
        by_indicator.setdefault(warning.indicator_key, []).append(warning)
    rows = [
        {
            "form": form,
            "indicator": form.indicator,
            "warnings": by_indicator.get(form.indicator.pk, []),
            "level": rules.project_level(by_indicator.get(form.indicator.pk, [])),
            "progress": _progress(form, cycle),
            "notes": _notes(form, cycle),
        }
        for form in entry_forms
    ]
    funds_warnings = by_indicator.get(None, [])
    return {
        "project": project,
        "funding": funding_status_of(project),
        "cycle": cycle,
        "report": report,
        "projected_total": _projected_total(report_form, report),
        "funds_level": rules.project_level(funds_warnings),
        "form": report_form,
        "rows": rows,
        "warnings": warnings,
        "funds_warnings": funds_warnings,
        "level": rules.project_level(warnings),
        "paid_fiscal": fiscal,
        "paid_other": other,
        "paid_total": fiscal + other,
        "can_edit": can_edit,
        "readiness": report_readiness(report) if report else None,
        "crumbs": [
            ("项目", reverse("projects:project_list")),
            (project.name, reverse("projects:project_detail", args=[project.pk])),
            (f"监控分析表（{cycle.period_label}）", None),
        ],
    }


def _notes(form, cycle) -> list[str]:
    figures = indicator_figures(form.indicator, _entry_on_screen(form))
    return plausibility.entry_notes(figures, year=cycle.year, period_end_month=cycle.period_end_month)


def _progress(form, cycle):
    figures = indicator_figures(form.indicator, _entry_on_screen(form))
    return rules.indicator_progress(figures, period_end_month=cycle.period_end_month)


def report_edit(request, cycle_pk: int, project_pk: int):
    cycle = cycle_get(user=request.user, pk=cycle_pk)
    project, report = report_for(user=request.user, project_pk=project_pk, cycle=cycle)
    can_edit = can_fill(request.user, project, cycle=cycle, report=report)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        report_form, entry_forms = _report_forms(request.POST, project, cycle, report)
        status = 400
        if report_form.is_valid() and all(form.is_valid() for form in entry_forms):
            try:
                report_save(
                    project=project,
                    cycle=cycle,
                    values=report_form.values(),
                    entries={form.indicator.pk: form.values() for form in entry_forms},
                    expected_revision=report_form.cleaned_data["revision"],
                    acting_user=request.user,
                )
            except StaleReport as exc:
                status = 409
                messages.error(request, exc.messages[0])
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(request, "已保存。")
                return redirect(request.path)
        else:
            messages.error(request, "有填写错误，请按提示修改后再保存；已填写的内容仍保留在页面上。")
            _focus_first_error(report_form, entry_forms)
        warnings = _live_warnings(project, cycle, report_form, entry_forms)
    else:
        status = 200
        report_form, entry_forms = _report_forms(None, project, cycle, report)
        if not can_edit:
            for form in (report_form, *entry_forms):
                form.make_read_only()
        warnings = (
            _stored_warnings(report) if report else _live_warnings(project, cycle, report_form, entry_forms)
        )
    context = _report_context(
        project=project,
        cycle=cycle,
        report=report,
        report_form=report_form,
        entry_forms=entry_forms,
        warnings=warnings,
        can_edit=can_edit,
    )
    return render(request, "monitoring/report_form.html", context, status=status)


def _stored_warnings(report):
    return [
        rules.Warning(
            code=w.code,
            level=w.level,
            message=w.message,
            indicator_key=w.indicator_id,
            indicator_name=w.indicator.name if w.indicator_id else None,
            figures=w.figures,
        )
        for w in report.warnings.all()  # read with their indicators by `report_for`
    ]


@require_POST
def report_preview(request, cycle_pk: int, project_pk: int):
    """htmx: the warnings and progress figures of what is typed, without saving anything."""
    cycle = cycle_get(user=request.user, pk=cycle_pk)
    project, report = report_for(user=request.user, project_pk=project_pk, cycle=cycle)
    report_form, entry_forms = _report_forms(request.POST, project, cycle, report)
    warnings = _live_warnings(project, cycle, report_form, entry_forms)
    context = _report_context(
        project=project,
        cycle=cycle,
        report=report,
        report_form=report_form,
        entry_forms=entry_forms,
        warnings=warnings,
        can_edit=can_fill(request.user, project, cycle=cycle, report=report),
    )
    return render(request, "monitoring/_report_live.html", context)


def _value_shown(indicator, entry, kind: str) -> str:
    """An entry's actual or projected value as written on paper."""
    if entry is None:
        return ""
    if indicator.value_type == ValueType.TEXT:
        if kind == "projected":
            return ""
        assessment = entry.get_self_assessment_display() if entry.self_assessment else ""
        return f"{entry.actual_text}（{assessment}）" if assessment else entry.actual_text
    if indicator.value_type == ValueType.DATE:
        value = entry.actual_date if kind == "actual" else entry.projected_date
        return f"{value:%Y-%m-%d}" if value else ""
    value = entry.actual_number if kind == "actual" else entry.projected_number
    if value is None:
        return ""
    unit = "%" if indicator.value_type == ValueType.PERCENT else indicator.unit
    return f"{value.normalize():f}{unit}"


def report_print(request, cycle_pk: int, project_pk: int):
    """The paper layout of 附件1 (A4 landscape), to print, stamp and file."""
    cycle = cycle_get(user=request.user, pk=cycle_pk)
    project, report = report_for(user=request.user, project_pk=project_pk, cycle=cycle)
    version = report.target_version if report else project.current_target
    entries = {e.indicator_id: e for e in report.entries.all()} if report else {}
    warnings = list(report.warnings.select_related("indicator")) if report else []
    levels: dict = {}
    for warning in warnings:
        levels.setdefault(warning.indicator_id, []).append(warning)
    indicators = in_form_order(version.indicators.all())
    rows, previous = [], None
    for index, indicator in enumerate(indicators):
        entry = entries.get(indicator.pk)
        level1_span = category_span = 0
        if previous is None or previous.level1 != indicator.level1:
            level1_span = sum(1 for other in indicators[index:] if other.level1 == indicator.level1)
        if previous is None or previous.category != indicator.category:
            category_span = sum(1 for other in indicators[index:] if other.category == indicator.category)
        figures = indicator_figures(indicator, entry)
        rows.append(
            {
                "indicator": indicator,
                "entry": entry,
                "actual": _value_shown(indicator, entry, "actual"),
                "projected": _value_shown(indicator, entry, "projected"),
                "progress": rules.indicator_progress(figures, period_end_month=cycle.period_end_month),
                "level": rules.project_level(levels.get(indicator.pk, [])),
                "level1_span": level1_span,
                "category_span": category_span,
            }
        )
        previous = indicator
    fiscal, other = paid_to_date(project, cycle.period_end_month)
    context = {
        "project": project,
        "funding": funding_status_of(project),
        "cycle": cycle,
        "report": report,
        "version": version,
        "rows": rows,
        "paid_fiscal": fiscal,
        "paid_other": other,
        "paid_total": fiscal + other,
        "funds_level": rules.project_level(levels.get(None, [])),
        "narratives": [(label, getattr(report, name) if report else "") for name, label in NARRATIVE_FIELDS],
        "warnings": warnings,
    }
    return render(request, "monitoring/report_print.html", context)


def report_export(request, cycle_pk: int, project_pk: int):
    """附件1 of one project as the paper-like workbook, prefilled with everything saved."""
    cycle = cycle_get(user=request.user, pk=cycle_pk)
    project, report = report_for(user=request.user, project_pk=project_pk, cycle=cycle)
    content, filename = report_export_workbook(
        project=project, cycle=cycle, report=report, acting_user=request.user
    )
    return download(content, filename, XLSX_TYPE)


@require_POST
def unit_export(request, cycle_pk: int, unit_pk: int):
    """Every visible project's 附件1 of a unit (and the units below it) in one zip, made in the background."""
    cycle = cycle_get(user=request.user, pk=cycle_pk)
    unit = organisation_get(user=request.user, pk=unit_pk)
    job = job_start(
        kind="monitoring.unit_zip", params=unit_zip_params(unit=unit, cycle=cycle), acting_user=request.user
    )
    return redirect("jobs:detail", pk=job.pk)


def report_import(request, cycle_pk: int):
    """Upload one or many filled workbooks; each is imported whole or not at all."""
    cycle = cycle_get(user=request.user, pk=cycle_pk)
    results = []
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        budget = XlsxBudget(REPORT_LIMITS)
        for upload in form.cleaned_data["files"]:
            results.append(
                import_report_workbook(
                    file_obj_or_path=upload,
                    filename=upload.name,
                    user=request.user,
                    cycle=cycle,
                    budget=budget,
                )
            )
    context = {
        "cycle": cycle,
        "form": form,
        "results": results,
        "imported": sum(1 for r in results if r.ok),
        "crumbs": [
            ("监控周期", reverse("monitoring:cycle_list")),
            (cycle.name, reverse("monitoring:cycle_detail", args=[cycle.pk])),
            ("导入附件1", None),
        ],
    }
    return render(request, "monitoring/report_import.html", context, status=200)
