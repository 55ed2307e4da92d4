from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jixiao.monitoring import rules
from jixiao.monitoring.evaluation import evaluate, indicator_figures
from jixiao.monitoring.forms import EntryForm, ReportForm
from jixiao.monitoring.models import CycleStatus, IndicatorEntry
from jixiao.monitoring.selectors import cycle_get, cycle_list, report_for, report_readiness
from jixiao.monitoring.services import StaleReport, report_save, user_can_fill
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
        for name in (
            "exec_lag_red_pp",
            "exec_lag_yellow_pp",
            "exec_zero_min_progress_pct",
            "projected_low_pct",
            "indicator_lag_red_pp",
            "indicator_lag_yellow_pp",
            "shortfall_red_pct",
            "excess_red_pct",
            "over_target_note_pct",
            "output_spend_mismatch_pp",
            "output_ratio_cap_pct",
            "disposition_working_days",
        )
    ]
    return render(
        request,
        "monitoring/cycle_detail.html",
        {
            "cycle": cycle,
            "thresholds": thresholds,
            "crumbs": [("监控周期", reverse("monitoring:cycle_list")), (cycle.name, None)],
        },
    )


def _report_forms(request_data, project, report):
    version = report.target_version if report else project.current_target
    indicators = list(version.indicators.all()) if version else []
    entries = {e.indicator_id: e for e in report.entries.all()} if report else {}
    report_form = ReportForm(request_data, report=report)
    entry_forms = [EntryForm(request_data, indicator=i, entry=entries.get(i.pk)) for i in indicators]
    return report_form, entry_forms


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
    projected = _projected_total(report_form, None)
    rows = []
    for form in entry_forms:
        rows.append((form.indicator, _entry_on_screen(form)))
    fiscal, other = paid_to_date(project, cycle.period_end_month)
    return evaluate(
        cycle=cycle,
        thresholds=rules.Thresholds.from_cycle(cycle),
        budget=project.budget,
        paid=fiscal + other,
        projected=projected,
        rows=rows,
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
        }
        for form in entry_forms
    ]
    funds_warnings = by_indicator.get(None, [])
    return {
        "project": project,
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


def _progress(form, cycle):
    figures = indicator_figures(form.indicator, _entry_on_screen(form))
    return rules.indicator_progress(figures, period_end_month=cycle.period_end_month)


def report_edit(request, cycle_pk: int, project_pk: int):
    cycle = cycle_get(user=request.user, pk=cycle_pk)
    project, report = report_for(user=request.user, project_pk=project_pk, cycle=cycle)
    can_edit = user_can_fill(request.user, project) and cycle.status == CycleStatus.OPEN
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        report_form, entry_forms = _report_forms(request.POST, project, report)
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
        warnings = _live_warnings(project, cycle, report_form, entry_forms)
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
    report_form, entry_forms = _report_forms(None, project, report)
    warnings = _stored_warnings(report) if report else _live_warnings(project, cycle, report_form, entry_forms)
    context = _report_context(
        project=project,
        cycle=cycle,
        report=report,
        report_form=report_form,
        entry_forms=entry_forms,
        warnings=warnings,
        can_edit=can_edit,
    )
    return render(request, "monitoring/report_form.html", context)


def _stored_warnings(report):
    return [
        rules.Warning(
            code=w.code,
            level=w.level,
            message=w.message,
            indicator_key=w.indicator_id,
            indicator_name=None,
            figures=w.figures,
        )
        for w in report.warnings.all()
    ]


@require_POST
def report_preview(request, cycle_pk: int, project_pk: int):
    """htmx: the warnings and progress figures of what is typed, without saving anything."""
    cycle = cycle_get(user=request.user, pk=cycle_pk)
    project, report = report_for(user=request.user, project_pk=project_pk, cycle=cycle)
    report_form, entry_forms = _report_forms(request.POST, project, report)
    warnings = _live_warnings(project, cycle, report_form, entry_forms)
    context = _report_context(
        project=project,
        cycle=cycle,
        report=report,
        report_form=report_form,
        entry_forms=entry_forms,
        warnings=warnings,
        can_edit=True,
    )
    return render(request, "monitoring/_report_live.html", context)
