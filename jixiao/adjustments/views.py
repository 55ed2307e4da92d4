"""Pages of goal adjustment (第十四条): the request form (from a project or its 附件1), the request with its
办理记录 and the buttons its policy allows, and the bureau sections' list (pending for me, urgent first).

Every action posts to its own URL and goes through the service; a refusal shows the page again with the
messages beside the fields that caused them.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jixiao.adjustments.forms import AdjustmentForm, DecisionForm
from jixiao.adjustments.models import OPEN_STATES, AdjustmentState
from jixiao.adjustments.policy import SECTION_LABELS, adjustment_actions, can_request, deciding_section
from jixiao.adjustments.selectors import (
    adjustment_get,
    adjustment_history,
    adjustment_list,
    adjustment_of_project,
    adjustment_pending_for,
)
from jixiao.adjustments.services import (
    adjustment_approve,
    adjustment_create,
    adjustment_refuse,
    adjustment_submit,
    adjustment_update,
    adjustment_url,
)
from jixiao.core.errors import error_parts, press
from jixiao.monitoring.models import CycleKind, CycleStatus
from jixiao.monitoring.selectors import cycle_get, cycle_list, report_in_cycle
from jixiao.organisations.models import Role
from jixiao.organisations.permissions import require_roles
from jixiao.projects.models import in_form_order
from jixiao.projects.selectors import project_get

BUREAU_ROLES = (Role.COUNTERPART_STAFF, Role.SUPERVISION_STAFF, Role.BUREAU_LEADER)
PAGE_ROLES = (Role.FILLER, Role.UNIT_LEADER, *BUREAU_ROLES)
PAGE_SIZE = 50


def _show_refusal(form, exc: ValidationError) -> None:
    """The service's message on top, each field's message beside its field."""
    message, fields = error_parts(exc)
    for name, texts in fields.items():
        for text in texts if name in form.fields else []:
            form.add_error(name, text)
    form.add_error(None, message)


def _refused(request, verdict, back: str):
    """The wrong person is refused (403); the right person at the wrong time is told why."""
    if verdict.forbidden:
        raise PermissionDenied(verdict.reason)
    messages.error(request, verdict.reason)
    return redirect(back)


def _project_crumbs(project, label: str) -> list:
    return [
        ("项目", reverse("projects:project_list")),
        (project.name, reverse("projects:project_detail", args=[project.pk])),
        (label, None),
    ]


def _cycle_for(request, project):
    """The cycle the request is made in: the 附件1's when asked from it, else the project year's open
    annual cycle."""
    if request.GET.get("cycle", "").isdigit():
        return cycle_get(user=request.user, pk=int(request.GET["cycle"]))
    return (
        cycle_list(user=request.user)
        .filter(year=project.year, kind=CycleKind.ANNUAL, status=CycleStatus.OPEN)
        .first()
    )


def _form_page(request, *, project, form, adjustment=None, status=200):
    return render(
        request,
        "adjustments/form.html",
        {
            "project": project,
            "version": project.current_target,
            "form": form,
            "adjustment": adjustment,
            "crumbs": _project_crumbs(project, "申请调整绩效目标" if adjustment is None else "修改调整申请"),
        },
        status=status,
    )


@require_roles(Role.FILLER, Role.UNIT_LEADER)
def adjustment_new(request, project_pk: int):
    project = project_get(user=request.user, pk=project_pk)
    open_request = (
        adjustment_of_project(user=request.user, project=project).filter(state__in=OPEN_STATES).first()
    )
    if open_request is not None:
        messages.info(request, "该项目已有一份尚未办结的绩效目标调整申请。")
        return redirect(adjustment_url(open_request))
    verdict = can_request(request.user, project)
    if not verdict:
        return _refused(request, verdict, reverse("projects:project_detail", args=[project.pk]))
    cycle = _cycle_for(request, project)
    if cycle is None:
        messages.error(request, f"{project.year}年度没有进行中的监控周期，暂不能申请调整绩效目标。")
        return redirect("projects:project_detail", pk=project.pk)
    report = report_in_cycle(project=project, cycle=cycle)
    initial = {"cause_description": report.narrative_conditions} if report else {}
    form = AdjustmentForm(request.POST or None, version=project.current_target, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            adjustment = adjustment_create(
                project=project,
                cycle=cycle,
                values=form.values(),
                targets=form.targets(),
                acting_user=request.user,
            )
            if "submit" in request.POST:
                adjustment_submit(adjustment=adjustment, acting_user=request.user)
        except ValidationError as exc:
            _show_refusal(form, exc)
        else:
            messages.success(request, "已报送区财政局审批。" if "submit" in request.POST else "已保存草稿。")
            return redirect(adjustment_url(adjustment))
    return _form_page(request, project=project, form=form, status=400 if form.errors else 200)


@require_roles(Role.FILLER, Role.UNIT_LEADER)
def adjustment_edit(request, pk: int):
    adjustment = adjustment_get(user=request.user, pk=pk)
    verdict = adjustment_actions(request.user, adjustment)["edit"]
    if not verdict:
        return _refused(request, verdict, adjustment_url(adjustment))
    project = adjustment.project
    form = AdjustmentForm(
        request.POST or None, version=project.current_target, initial=AdjustmentForm.initial_of(adjustment)
    )
    if request.method == "POST" and form.is_valid():
        try:
            adjustment = adjustment_update(
                adjustment=adjustment, values=form.values(), targets=form.targets(), acting_user=request.user
            )
            if "submit" in request.POST:
                adjustment_submit(adjustment=adjustment, acting_user=request.user)
        except ValidationError as exc:
            _show_refusal(form, exc)
        else:
            messages.success(request, "已报送区财政局审批。" if "submit" in request.POST else "已保存草稿。")
            return redirect(adjustment_url(adjustment))
    return _form_page(
        request, project=project, form=form, adjustment=adjustment, status=400 if form.errors else 200
    )


def _detail_context(request, adjustment, decision_form=None) -> dict:
    actions = adjustment_actions(request.user, adjustment)
    section = deciding_section(request.user, adjustment)
    if decision_form is None and (actions["approve"] or actions["refuse"]):
        decision_form = DecisionForm()
    adjusted = {row.indicator_id: row for row in adjustment.indicators.select_related("indicator")}
    indicators = in_form_order(adjustment.base_version.indicators.all())
    return {
        "adjustment": adjustment,
        "project": adjustment.project,
        "rows": [(indicator, adjusted.get(indicator.pk)) for indicator in indicators],
        "actions": actions,
        "section_label": SECTION_LABELS.get(section, ""),
        "decision_form": decision_form,
        "history": adjustment_history(adjustment),
        "crumbs": _project_crumbs(adjustment.project, f"绩效目标调整申请 #{adjustment.pk}"),
    }


@require_roles(*PAGE_ROLES)
def adjustment_detail(request, pk: int):
    adjustment = adjustment_get(user=request.user, pk=pk)
    return render(request, "adjustments/detail.html", _detail_context(request, adjustment))


@require_roles(Role.FILLER, Role.UNIT_LEADER)
@require_POST
def adjustment_submit_view(request, pk: int):
    adjustment = adjustment_get(user=request.user, pk=pk)
    press(
        request,
        lambda: adjustment_submit(adjustment=adjustment, acting_user=request.user),
        done="已报送区财政局审批。",
    )
    return redirect(adjustment_url(adjustment))


def _decide(request, pk: int, *, refuse: bool):
    adjustment = adjustment_get(user=request.user, pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    try:
        if refuse:
            adjustment = adjustment_refuse(adjustment=adjustment, reason=comment, acting_user=request.user)
        else:
            adjustment = adjustment_approve(adjustment=adjustment, comment=comment, acting_user=request.user)
    except ValidationError as exc:
        message, fields = error_parts(exc)
        form.add_error("comment" if "reason" in fields else None, fields.get("reason", [message])[0])
        context = _detail_context(request, adjustment_get(user=request.user, pk=pk), decision_form=form)
        return render(request, "adjustments/detail.html", context, status=400)
    if refuse:
        messages.success(request, "已不同意该申请，单位会收到理由。")
    elif adjustment.state == AdjustmentState.APPROVED:
        messages.success(
            request, f"已同意。绩效目标调整已批准，现行为第 {adjustment.new_version.number} 版。"
        )
    else:
        messages.success(request, "已同意，等待另一股室审批。")
    return redirect(adjustment_url(adjustment))


@require_roles(*BUREAU_ROLES)
@require_POST
def adjustment_approve_view(request, pk: int):
    return _decide(request, pk, refuse=False)


@require_roles(*BUREAU_ROLES)
@require_POST
def adjustment_refuse_view(request, pk: int):
    return _decide(request, pk, refuse=True)


@require_roles(*BUREAU_ROLES)
def adjustment_index(request):
    """待我审批 (urgent first, then the longest waiting), then every sent request, filterable by state."""
    state = request.GET.get("state", "")
    if state not in AdjustmentState.values:
        state = ""
    pending = adjustment_pending_for(user=request.user)
    page = Paginator(adjustment_list(user=request.user, state=state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "adjustments/index.html",
        {
            "pending": list(pending[:PAGE_SIZE]),
            "pending_count": pending.count(),
            "page": page,
            "state": state,
            "states": [
                (value, label) for value, label in AdjustmentState.choices if value != AdjustmentState.DRAFT
            ],
            "query": f"state={state}" if state else "",
            "crumbs": [("绩效目标调整", None)],
        },
    )
