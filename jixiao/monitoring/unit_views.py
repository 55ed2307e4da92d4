"""The unit list and a unit's page: the units a person sees with their projects' totals in the current cycle."""

from django.shortcuts import render
from django.urls import reverse

from jixiao.funding.selectors import funding_hold_list, funding_holds_by_unit
from jixiao.monitoring.policy import can_import
from jixiao.monitoring.selectors import cycle_current
from jixiao.organisations.selectors import organisation_get, organisation_list
from jixiao.projects.selectors import project_visible, rollup, totals_by_unit, totals_of


def _period(cycle):
    return (cycle.year, cycle.period_end_month) if cycle else (None, 12)


def unit_index(request):
    cycle = cycle_current()
    year, month = _period(cycle)
    units = list(
        organisation_list(user=request.user).select_related("parent", "counterpart_section").order_by("path")
    )
    projects = project_visible(request.user)
    if year:
        projects = projects.filter(year=year)
    totals = totals_by_unit(projects=projects, up_to_month=month)
    rolled = rollup(units, totals)
    held = funding_holds_by_unit(projects)
    rows = [
        {"unit": unit, "own": totals.get(unit.pk), "totals": rolled[unit.pk], "held": held.get(unit.pk)}
        for unit in units
    ]
    return render(
        request,
        "organisations/unit_list.html",
        {"rows": rows, "cycle": cycle, "overall": totals_of(totals), "crumbs": [("单位", None)]},
    )


def unit_detail(request, pk: int):
    unit = organisation_get(user=request.user, pk=pk)
    cycle = cycle_current()
    year, month = _period(cycle)
    subtree = organisation_list(user=request.user).filter(path__startswith=unit.path).order_by("path")
    projects = project_visible(request.user).filter(owner__path__startswith=unit.path)
    if year:
        projects = projects.filter(year=year)
    totals = totals_by_unit(projects=projects, up_to_month=month)
    subtree = list(subtree)
    rolled = rollup(subtree, totals)
    held = funding_holds_by_unit(projects)
    rows = [
        {
            "unit": member,
            "own": totals.get(member.pk),
            "totals": rolled[member.pk],
            "held": held.get(member.pk),
        }
        for member in subtree
    ]
    return render(
        request,
        "organisations/unit_detail.html",
        {
            "unit": unit,
            "rows": rows,
            "cycle": cycle,
            "overall": totals_of(totals),
            "can_import": can_import(request.user, cycle) if cycle else False,
            "held_projects": funding_hold_list(user=request.user).filter(
                project__owner__path__startswith=unit.path
            ),
            "crumbs": [("单位", reverse("organisations:unit_list")), (unit.name, None)],
        },
    )
