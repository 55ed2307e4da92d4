"""The project list and a project's page: projects with their warning level and report in the current cycle."""

from django.shortcuts import render
from django.urls import reverse

from jixiao.core.pagination import page_by_ids
from jixiao.funding.policy import can_decide
from jixiao.funding.selectors import funding_decisions_of, funding_status_of, with_funding_state
from jixiao.monitoring.models import LEVEL_RANK
from jixiao.monitoring.policy import is_unit_of
from jixiao.monitoring.selectors import (
    attach_warning_messages,
    cycle_current,
    project_list_in_cycle,
    report_in_cycle,
)
from jixiao.projects.forms import ProjectFilterForm
from jixiao.projects.models import in_form_order
from jixiao.projects.selectors import project_get
from jixiao.projects.services import user_can_edit_project_details
from jixiao.projects.targets import version_changes

PAGE_SIZE = 50


def _period_month(cycle) -> int:
    return cycle.period_end_month if cycle else 12


def project_index(request):
    cycle = cycle_current()
    data = request.GET.copy()
    if "year" not in data and cycle:
        data["year"] = str(cycle.year)
    form = ProjectFilterForm(data, user=request.user)
    projects = with_funding_state(
        project_list_in_cycle(
            user=request.user, filters=form.to_filters(), cycle=cycle, level=form.warning_level()
        )
    )
    page = page_by_ids(
        projects, request.GET.get("page"), PAGE_SIZE, rows=lambda ids: projects.filter(pk__in=ids)
    )
    attach_warning_messages(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "cycle": cycle,
        "time_progress": cycle.time_progress if cycle else None,
        "query": query.urlencode(),
        "crumbs": [("项目", None)],
    }
    template = (
        "projects/_project_table.html" if request.headers.get("HX-Request") else "projects/project_list.html"
    )
    return render(request, template, context)


def _indicator_groups(version):
    """Indicators grouped by 一级 then 二级, in the order of the national framework."""
    groups: dict[str, dict[str, list]] = {}
    for indicator in in_form_order(version.indicators.all()):
        groups.setdefault(indicator.get_level1_display(), {}).setdefault(
            indicator.get_category_display(), []
        ).append(indicator)
    return groups


def _target_history(versions) -> list[dict]:
    """Each version (newest first) with what it changed against the one before it."""
    previous = {v.number: v for v in versions}
    return [{"version": v, "changes": version_changes(previous.get(v.number - 1), v)} for v in versions]


def project_detail(request, pk: int):
    project = project_get(user=request.user, pk=pk)
    cycle = cycle_current()
    period_month = _period_month(cycle)
    months, cumulative = [], 0
    for month in project.months.all():
        cumulative += month.paid_total
        months.append({"row": month, "cumulative": cumulative, "in_period": month.month <= period_month})
    paid_to_date = sum((m["row"].paid_total for m in months if m["in_period"]), 0)
    paid_fiscal = sum((m["row"].paid_fiscal for m in months if m["in_period"]), 0)
    paid_other = sum((m["row"].paid_other for m in months if m["in_period"]), 0)
    versions = list(project.target_versions.all())
    report = report_in_cycle(project=project, cycle=cycle)
    current = next((v for v in versions if v.pk == project.current_target_id), None)
    context = {
        "project": project,
        "cycle": cycle,
        "period_month": period_month,
        "months": months,
        "paid_to_date": paid_to_date,
        "paid_fiscal": paid_fiscal,
        "paid_other": paid_other,
        "planned_total": sum((m["row"].planned for m in months), 0),
        "current_version": current,
        "indicator_groups": _indicator_groups(current) if current else {},
        "versions": versions,
        "target_history": _target_history(versions),
        "is_project_unit": is_unit_of(request.user, project),
        "report": report,
        "can_edit_details": user_can_edit_project_details(request.user),
        "funding": funding_status_of(project),
        "decisions": funding_decisions_of(project),
        "can_decide_funding": can_decide(request.user, project),
        "warnings": sorted(report.warnings.all(), key=lambda w: (LEVEL_RANK[w.level], w.pk))
        if report
        else [],
        "crumbs": [("项目", reverse("projects:project_list")), (project.name, None)],
    }
    return render(request, "projects/project_detail.html", context)
