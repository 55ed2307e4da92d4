"""Pages of the red-warning disposition: the red projects and their answers, one project's disposition
(the unit answers, the bureau acknowledges), the panel the project page loads, and the bureau's
资金处理建议清单 with its export.

GET never writes: a disposition is opened by the unit's first answer (a POST).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jixiao.core.files import XLSX_TYPE
from jixiao.core.http import download
from jixiao.core.pagination import paged
from jixiao.dispositions.exports import funding_list_workbook
from jixiao.dispositions.forms import AcknowledgeForm, AnswerForm, CandidateFilterForm, DaysForm
from jixiao.dispositions.links import funding_decide_url
from jixiao.dispositions.policy import BUREAU_ROLES, can_acknowledge, can_answer
from jixiao.dispositions.selectors import (
    describe,
    disposition_get,
    disposition_history,
    disposition_of,
    disposition_project_get,
    funding_candidates,
    red_projects,
    report_of,
)
from jixiao.dispositions.services import disposition_acknowledge, disposition_answer, disposition_url
from jixiao.monitoring.policy import can_set_disposition_days
from jixiao.monitoring.selectors import cycle_current, cycle_get, cycle_list
from jixiao.monitoring.services import cycle_set_disposition_days
from jixiao.organisations.models import Role
from jixiao.organisations.permissions import require_roles
from jixiao.workdays.selectors import work_calendar

PAGE_ROLES = (Role.FILLER, Role.UNIT_LEADER, *BUREAU_ROLES)
LIST_ROLES = tuple(BUREAU_ROLES)
PAGE_SIZE = 50


def _cycle(request, cycle_pk):
    return cycle_get(user=request.user, pk=cycle_pk) if cycle_pk else cycle_current()


def _rows(page_rows, *, cycle, today, calendar):
    return [describe(project, cycle=cycle, today=today, calendar=calendar) for project in page_rows]


@require_roles(*PAGE_ROLES)
def index(request, cycle_pk: int | None = None):
    """红色预警处置: every red project in the person's scope with its due date and answer."""
    cycle = _cycle(request, cycle_pk)
    context = {"cycle": cycle, "crumbs": [("红色预警处置", None)], "cycles": cycle_list(user=request.user)}
    if cycle is not None:
        today, calendar = timezone.localdate(), work_calendar()
        page = Paginator(red_projects(user=request.user, cycle=cycle), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context.update(
            page=page,
            rows=_rows(page.object_list, cycle=cycle, today=today, calendar=calendar),
            today=today,
            calendar_covered=calendar.is_covered(today),
            days_form=DaysForm(initial={"days": cycle.disposition_working_days})
            if can_set_disposition_days(request.user)
            else None,
        )
    return render(request, "dispositions/index.html", context)


@require_roles(*PAGE_ROLES)
@require_POST
def cycle_days(request, cycle_pk: int):
    cycle = cycle_get(user=request.user, pk=cycle_pk)
    form = DaysForm(request.POST)
    if form.is_valid():
        try:
            cycle_set_disposition_days(cycle=cycle, days=form.cleaned_data["days"], acting_user=request.user)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(
                request, f"答复时限已设为 {form.cleaned_data['days']} 个工作日，此后新答复的处置按此计算。"
            )
    else:
        messages.error(request, form.errors["days"][0])
    return redirect("dispositions:cycle", cycle.pk)


def _project_context(request, cycle, project, answer_form=None, acknowledge_form=None) -> dict:
    today, calendar = timezone.localdate(), work_calendar()
    report = report_of(project=project, cycle=cycle)
    disposition = disposition_of(project=project, cycle=cycle)
    may_answer = can_answer(request.user, project, cycle=cycle, report=report, disposition=disposition)
    may_acknowledge = can_acknowledge(request.user, disposition) if disposition else None
    if answer_form is None and may_answer:
        initial = (
            {"choice": disposition.choice, "measures": disposition.measures, "reason": disposition.reason}
            if disposition
            else {}
        )
        answer_form = AnswerForm(initial=initial)
    if acknowledge_form is None and may_acknowledge:
        acknowledge_form = AcknowledgeForm()
    return {
        "cycle": cycle,
        "project": project,
        "row": describe(project, cycle=cycle, today=today, calendar=calendar),
        "disposition": disposition,
        "history": disposition_history(disposition),
        "may_answer": may_answer,
        "answer_form": answer_form,
        "acknowledge_form": acknowledge_form,
        "calendar_covered": calendar.is_covered(today),
        "page_url": disposition_url(cycle_id=cycle.pk, project_id=project.pk),
    }


@require_roles(*PAGE_ROLES)
def project_page(request, cycle_pk: int, project_pk: int):
    cycle = cycle_get(user=request.user, pk=cycle_pk)
    project = disposition_project_get(user=request.user, cycle=cycle, project_pk=project_pk)
    context = _project_context(request, cycle, project)
    context["crumbs"] = [
        ("红色预警处置", reverse("dispositions:cycle", args=[cycle.pk])),
        (project.name, None),
    ]
    return render(request, "dispositions/project.html", context)


@require_roles(*PAGE_ROLES)
def project_panel(request, cycle_pk: int, project_pk: int):
    """The 红色预警处置 panel the project page loads (empty when the project needs none)."""
    cycle = cycle_get(user=request.user, pk=cycle_pk)
    project = disposition_project_get(user=request.user, cycle=cycle, project_pk=project_pk)
    context = _project_context(request, cycle, project)
    context["embedded"] = True
    return render(request, "dispositions/_panel.html", context)


@require_roles(*PAGE_ROLES)
@require_POST
def answer(request, cycle_pk: int, project_pk: int):
    cycle = cycle_get(user=request.user, pk=cycle_pk)
    project = disposition_project_get(user=request.user, cycle=cycle, project_pk=project_pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            disposition_answer(project=project, cycle=cycle, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "处置意见已报送对口服务股室；区财政局受理前可以修改。")
            return redirect(disposition_url(cycle_id=cycle.pk, project_id=project.pk))
    context = _project_context(request, cycle, project, answer_form=form)
    context["crumbs"] = [
        ("红色预警处置", reverse("dispositions:cycle", args=[cycle.pk])),
        (project.name, None),
    ]
    return render(request, "dispositions/project.html", context)


@require_roles(*PAGE_ROLES)
@require_POST
def acknowledge(request, pk: int):
    disposition = disposition_get(user=request.user, pk=pk)
    form = AcknowledgeForm(request.POST)
    form.is_valid()
    try:
        disposition_acknowledge(
            disposition=disposition, comment=form.cleaned_data.get("comment", ""), acting_user=request.user
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, "已受理处置意见。")
    return redirect(disposition_url(cycle_id=disposition.cycle_id, project_id=disposition.project_id))


def _candidates(request, cycle):
    form = CandidateFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    today, calendar = timezone.localdate(), work_calendar()
    queryset = funding_candidates(
        user=request.user,
        cycle=cycle,
        today=today,
        calendar=calendar,
        reason=filters.get("reason", ""),
        text=filters.get("q", "").strip(),
    )
    return form, queryset, today, calendar


@require_roles(*LIST_ROLES)
def candidates(request, cycle_pk: int | None = None):
    """资金处理建议清单 (第十五条): the projects a funding decision may be needed for, and why."""
    cycle = _cycle(request, cycle_pk)
    context = {
        "cycle": cycle,
        "cycles": cycle_list(user=request.user),
        "crumbs": [("资金处理建议清单", None)],
    }
    if cycle is not None:
        form, queryset, today, calendar = _candidates(request, cycle)
        page, query = paged(request, queryset, PAGE_SIZE)
        rows = _rows(page.object_list, cycle=cycle, today=today, calendar=calendar)
        for row in rows:
            row.decide_url = funding_decide_url(request.user, row.project, row.reasons)
        context.update(form=form, page=page, rows=rows, query=query, today=today)
    return render(request, "dispositions/candidates.html", context)


@require_roles(*LIST_ROLES)
def candidates_export(request, cycle_pk: int):
    cycle = cycle_get(user=request.user, pk=cycle_pk)
    _form, queryset, today, calendar = _candidates(request, cycle)
    rows = _rows(queryset, cycle=cycle, today=today, calendar=calendar)
    content, filename = funding_list_workbook(rows=rows, cycle=cycle, acting_user=request.user)
    return download(content, filename, XLSX_TYPE)
