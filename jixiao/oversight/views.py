"""Pages of oversight actions: the list (filtered), planning, one action with its findings, files, the
unit's answer and its 办理记录, and the supervision section's 委托跟踪机构 page. Anyone who may not read
oversight actions gets 404 on every action page, as for another unit's id."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jixiao.core.errors import press, show_on_form, submit
from jixiao.core.http import hidden_unless, stored_file_download
from jixiao.core.pagination import paged
from jixiao.oversight import forms
from jixiao.oversight.models import OversightKind, OversightTarget
from jixiao.oversight.policy import (
    action_actions,
    can_assign_agency,
    can_edit,
    can_open_rectification,
    can_plan_any,
    can_remove_attachment,
    can_view_oversight,
    sees_internal,
)
from jixiao.oversight.selectors import (
    OversightFilters,
    action_attachments,
    action_findings,
    action_history,
    agencies,
    agency_projects,
    attachment_get,
    bureau_staff,
    finding_get,
    oversight_get,
    oversight_search,
    plannable_items,
    plannable_project,
    plannable_units,
)
from jixiao.oversight.services import (
    agency_assign,
    agency_unassign,
    attachment_add,
    attachment_remove,
    finding_add,
    finding_open_rectification,
    inquiry_answer,
    oversight_close,
    oversight_edit,
    oversight_plan,
    oversight_record_findings,
    oversight_start,
)
from jixiao.projects.selectors import project_visible
from jixiao.rectification.services import EVIDENCE_CONTENT_TYPES

PAGE_SIZE = 50
CRUMB = ("监督检查", "oversight:index")


readers_only = hidden_unless(can_view_oversight)


def _crumbs(*tail) -> list:
    return [(CRUMB[0], reverse(CRUMB[1])), *tail]


@readers_only
def action_list(request):
    units = plannable_units(user=request.user)
    form = forms.FilterForm(request.GET, units=units)
    if form.is_valid():
        data = form.cleaned_data
        filters = OversightFilters(
            q=data["q"].strip(),
            kind=data["kind"],
            state=data["state"],
            unit=data["unit"].pk if data["unit"] else None,
            year=data["year"],
        )
    else:
        filters = OversightFilters(invalid=True)
    page, query = paged(request, oversight_search(user=request.user, filters=filters), PAGE_SIZE)
    context = {
        "form": form,
        "page": page,
        "query": query,
        "may_plan": bool(can_plan_any(request.user)),
        "may_assign": bool(can_assign_agency(request.user)),
        "crumbs": [(CRUMB[0], None)],
    }
    return render(request, "oversight/list.html", context)


def _plan_form(request):
    return forms.PlanForm(
        request.POST or None,
        initial={"target": OversightTarget.PROJECT},
        units=plannable_units(user=request.user),
        items=plannable_items(user=request.user),
        staff=bureau_staff(),
        agencies=agencies(),
    )


@readers_only
def action_plan(request):
    can_plan_any(request.user).enforce()
    form = _plan_form(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        project = None
        if data["target"] == OversightTarget.PROJECT and data["project_code"].strip():
            project = plannable_project(user=request.user, code=data["project_code"])
            if project is None:
                form.add_error(
                    "project_code", f"没有您可以查看的编码为“{data['project_code'].strip()}”的项目。"
                )
        if not form.errors:
            try:
                action = oversight_plan(
                    acting_user=request.user,
                    kind=data["kind"],
                    target=data["target"],
                    organisation=data["organisation"],
                    project=project,
                    rectification_item=data["rectification_item"],
                    subject=data["subject"],
                    planned_start=data["planned_start"],
                    planned_end=data["planned_end"],
                    staff=data["staff"],
                    agency=data["agency"],
                    internal_note=data["internal_note"],
                )
            except ValidationError as exc:
                show_on_form(form, exc, {"project": "project_code"})
            else:
                messages.success(request, f"已安排 {action.number}。")
                return redirect(action.get_absolute_url())
    context = {"form": form, "crumbs": _crumbs(("安排监督检查", None))}
    return render(request, "oversight/plan.html", context, status=400 if form.errors else 200)


@readers_only
def action_edit(request, pk: int):
    action = oversight_get(user=request.user, pk=pk)
    verdict = can_edit(request.user, action)
    if verdict.forbidden:
        raise PermissionDenied(verdict.reason)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect(action.get_absolute_url())
    initial = {
        "subject": action.subject,
        "planned_start": action.planned_start,
        "planned_end": action.planned_end,
        "staff": list(action.staff.all()),
        "internal_note": action.internal_note,
    }
    form = forms.EditForm(request.POST or None, initial=initial, staff=bureau_staff())
    if request.method == "POST" and form.is_valid():
        try:
            oversight_edit(action=action, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            show_on_form(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect(action.get_absolute_url())
    context = {
        "form": form,
        "action": action,
        "crumbs": _crumbs((action.number, action.get_absolute_url()), ("修改计划", None)),
    }
    return render(request, "oversight/edit.html", context, status=400 if form.errors else 200)


ACTION_FORMS = {
    "start": forms.StartForm,
    "finding": forms.FindingForm,
    "findings": forms.RecordFindingsForm,
    "close": forms.CloseForm,
    "answer": forms.AnswerForm,
}
ACTION_DONE = {
    "start": "已开始实施。",
    "finding": "已记录发现的问题。",
    "findings": "已结束检查，发现的问题已记录。",
    "close": "已办结。",
    "answer": "已报送答复。",
}


def _finding_project(request, action, code: str):
    if not code.strip():
        return None
    project = (
        project_visible(request.user)
        .filter(code=code.strip(), owner__path__startswith=action.organisation.path)
        .order_by("-year")
        .first()
    )
    if project is None:
        raise ValidationError(
            {"project_code": f"{action.organisation.name}没有编码为“{code.strip()}”的项目。"}
        )
    return project


def _run(request, name: str, action, data: dict):
    user = request.user
    if name == "start":
        return oversight_start(action=action, actual_start=data["actual_start"], acting_user=user)
    if name == "finding":
        return finding_add(
            action=action,
            text=data["text"],
            severity=data["severity"],
            project=_finding_project(request, action, data["project_code"]),
            acting_user=user,
        )
    if name == "findings":
        return oversight_record_findings(action=action, actual_end=data["actual_end"], acting_user=user)
    if name == "close":
        return oversight_close(action=action, conclusion=data["conclusion"], acting_user=user)
    return inquiry_answer(action=action, answer=data["answer"], acting_user=user)


def _detail_context(
    request, action, bound: dict | None = None, bound_finding=None, attachment_form=None
) -> dict:
    """The page's facts and the controls the person's verdicts allow; a refused form comes back bound."""
    user = request.user
    actions = action_actions(user, action)
    action_forms = {
        name: form_class(prefix=name) for name, form_class in ACTION_FORMS.items() if actions[name]
    }
    if "answer" in action_forms:
        action_forms["answer"] = forms.AnswerForm(prefix="answer", initial={"answer": action.answer})
    action_forms.update(bound or {})
    findings = []
    for finding in action_findings(action):
        finding.action = action
        verdict = can_open_rectification(user, finding)
        form = None
        if verdict:
            form = bound_finding[1] if bound_finding and bound_finding[0] == finding.pk else None
            form = form or forms.RectifyForm(prefix=f"rectify-{finding.pk}")
        findings.append({"finding": finding, "rectify_form": form})
    attachments = [
        {"attachment": a, "removable": bool(can_remove_attachment(user, a))}
        for a in action_attachments(action)
    ]
    return {
        "action": action,
        "actions": actions,
        "forms": action_forms,
        "findings": findings,
        "attachments": attachments,
        "attachment_form": attachment_form or (forms.AttachmentForm() if actions["attach"] else None),
        "show_internal": sees_internal(user),
        "staff": list(action.staff.order_by("username")),
        "history": action_history(action),
        "crumbs": _crumbs((action.number, None)),
    }


@readers_only
def action_detail(request, pk: int):
    action = oversight_get(user=request.user, pk=pk)
    return render(request, "oversight/detail.html", _detail_context(request, action))


@readers_only
@require_POST
def action_act(request, pk: int, name: str):
    action = oversight_get(user=request.user, pk=pk)
    if name not in ACTION_FORMS:
        raise Http404
    form = ACTION_FORMS[name](request.POST, prefix=name)
    if submit(request, form, lambda data: _run(request, name, action, data), done=ACTION_DONE[name]):
        return redirect(action.get_absolute_url())
    action = oversight_get(user=request.user, pk=pk)
    return render(
        request, "oversight/detail.html", _detail_context(request, action, bound={name: form}), status=400
    )


@readers_only
@require_POST
def finding_rectify(request, pk: int):
    finding = finding_get(user=request.user, pk=pk)
    form = forms.RectifyForm(request.POST, prefix=f"rectify-{finding.pk}")
    opened = submit(
        request,
        form,
        lambda data: finding_open_rectification(
            finding=finding,
            requirement=data["requirement"],
            due_date=data["due_date"],
            acting_user=request.user,
        ),
        done=lambda item: f"已开具整改事项，已通知{item.organisation.name}。",
    )
    if opened:
        return redirect(finding.action.get_absolute_url())
    action = oversight_get(user=request.user, pk=finding.action_id)
    context = _detail_context(request, action, bound_finding=(finding.pk, form))
    return render(request, "oversight/detail.html", context, status=400)


@readers_only
@require_POST
def attachment_upload(request, pk: int):
    action = oversight_get(user=request.user, pk=pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    uploaded = submit(
        request,
        form,
        lambda data: attachment_add(action=action, upload=data["file"], acting_user=request.user),
        done="已上传附件。",
    )
    if uploaded:
        return redirect(action.get_absolute_url())
    action = oversight_get(user=request.user, pk=pk)
    return render(
        request,
        "oversight/detail.html",
        _detail_context(request, action, attachment_form=form),
        status=400,
    )


@readers_only
@require_POST
def attachment_delete(request, pk: int):
    attachment = attachment_get(user=request.user, pk=pk)
    press(
        request,
        lambda: attachment_remove(attachment=attachment, acting_user=request.user),
        done="已删除附件。",
    )
    return redirect(attachment.action.get_absolute_url())


@readers_only
def attachment_download(request, pk: int):
    """Served through this view (scope checked), never from a public media URL."""
    attachment = attachment_get(user=request.user, pk=pk)
    return stored_file_download(
        attachment.file, filename=attachment.original_name, content_types=EVIDENCE_CONTENT_TYPES
    )


def agency_index(request):
    """委托跟踪机构: each agency with the projects entrusted to it; entrust another by its code."""
    can_assign_agency(request.user).enforce()
    listed = agencies()
    form = forms.AssignForm(request.POST or None, agencies=listed)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        project = plannable_project(user=request.user, code=data["project_code"], year=data["year"])
        if project is None:
            form.add_error("project_code", f"没有编码为“{data['project_code'].strip()}”的项目。")
        else:
            try:
                changed = agency_assign(agency=data["agency"], project=project, acting_user=request.user)
            except ValidationError as exc:
                show_on_form(form, exc)
            else:
                if changed:
                    messages.success(request, f"已委托{data['agency'].name}跟踪“{project.name}”。")
                else:
                    messages.info(request, f"“{project.name}”已委托{data['agency'].name}跟踪。")
                return redirect("oversight:agencies")
    rows = [
        {"agency": agency, "projects": list(agency_projects(user=request.user, agency=agency))}
        for agency in listed
    ]
    context = {
        "form": form,
        "rows": rows,
        "entrusted_kind": OversightKind.ENTRUSTED,
        "crumbs": _crumbs(("委托跟踪机构", None)),
    }
    return render(request, "oversight/agencies.html", context, status=400 if form.errors else 200)


@require_POST
def agency_remove(request, agency_pk: int, project_pk: int):
    can_assign_agency(request.user).enforce()
    agency = get_object_or_404(agencies(), pk=agency_pk)
    project = get_object_or_404(agency_projects(user=request.user, agency=agency), pk=project_pk)
    press(
        request,
        lambda: agency_unassign(agency=agency, project=project, acting_user=request.user),
        done=f"已取消委托{agency.name}跟踪“{project.name}”。",
    )
    return redirect("oversight:agencies")
