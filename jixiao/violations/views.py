"""Pages of the violations register: the list (filtered, exported), registration, one case with its
办理记录 and the next steps. Anyone who may not read the register gets 404 on every one of them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jixiao.core.errors import show_on_form, submit
from jixiao.core.files import XLSX_TYPE
from jixiao.core.http import download, hidden_unless
from jixiao.core.pagination import paged
from jixiao.violations import forms
from jixiao.violations.policy import can_edit, can_register, can_view_violations, case_actions
from jixiao.violations.selectors import (
    ViolationFilters,
    violation_get,
    violation_history,
    violation_project,
    violation_search,
    violation_units,
)
from jixiao.violations.services import (
    case_url,
    violation_close,
    violation_edit,
    violation_handle,
    violation_investigate,
    violation_refer,
    violation_register,
    violations_export,
)

PAGE_SIZE = 50
VIOLATION_ALIASES = {"project": "project_code"}


readers_only = hidden_unless(can_view_violations)


def _filters(request) -> tuple[forms.FilterForm, ViolationFilters]:
    form = forms.FilterForm(request.GET, units=violation_units(user=request.user))
    if not form.is_valid():
        return form, ViolationFilters(invalid=True)
    data = form.cleaned_data
    unit = data["unit"]
    return form, ViolationFilters(
        q=data["q"].strip(),
        state=data["state"],
        law=data["law"],
        unit=unit.pk if unit else None,
        year=data["year"],
    )


@readers_only
def case_list(request):
    form, filters = _filters(request)
    page, query = paged(request, violation_search(user=request.user, filters=filters), PAGE_SIZE)
    context = {
        "form": form,
        "page": page,
        "query": query,
        "may_register": can_register(request.user),
        "crumbs": [("违法违规问题", None)],
    }
    return render(request, "violations/list.html", context)


@readers_only
def case_export(request):
    _form, filters = _filters(request)
    content = violations_export(
        cases=violation_search(user=request.user, filters=filters), acting_user=request.user
    )
    return download(content, f"违法违规问题台账-{timezone.localdate():%Y%m%d}.xlsx", XLSX_TYPE)


def _values(request, form: forms.CaseForm, unit) -> dict | None:
    """The form's values for the service, the project looked up by its code; None when the form is wrong."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    project = None
    if data["project_code"].strip():
        project = violation_project(user=request.user, unit=unit, code=data["project_code"])
        if project is None:
            form.add_error("project_code", f"{unit.name}没有编码为“{data['project_code'].strip()}”的项目。")
            return None
    return {name: data[name] for name in ("title", "facts", "law", "article", "amount")} | {
        "project": project
    }


@readers_only
def case_register(request):
    can_register(request.user).enforce()
    units = violation_units(user=request.user)
    form = forms.CaseForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["organisation"]
        values = _values(request, form, unit)
        if values is not None:
            try:
                case = violation_register(organisation=unit, values=values, acting_user=request.user)
            except ValidationError as exc:
                show_on_form(form, exc, VIOLATION_ALIASES)
            else:
                messages.success(request, f"已登记 {case.number}。")
                return redirect(case_url(case))
    context = {
        "form": form,
        "heading": "登记违法违规问题",
        "crumbs": [("违法违规问题", reverse("violations:index")), ("登记", None)],
    }
    return render(request, "violations/form.html", context, status=400 if form.errors else 200)


@readers_only
def case_edit(request, pk: int):
    case = violation_get(user=request.user, pk=pk)
    verdict = can_edit(request.user, case)
    if verdict.forbidden:
        raise PermissionDenied(verdict.reason)
    if not verdict:
        messages.error(request, verdict.reason)
        return redirect(case_url(case))
    initial = {
        "title": case.title,
        "facts": case.facts,
        "law": case.law,
        "article": case.article,
        "amount": case.amount,
        "project_code": case.project.code if case.project else "",
    }
    form = forms.CaseForm(
        request.POST or None,
        initial=initial,
        units=violation_units(user=request.user),
        fixed_unit=case.organisation,
    )
    if request.method == "POST" and form.is_valid():
        values = _values(request, form, case.organisation)
        if values is not None:
            try:
                violation_edit(case=case, values=values, acting_user=request.user)
            except ValidationError as exc:
                show_on_form(form, exc, VIOLATION_ALIASES)
            else:
                messages.success(request, "已保存。")
                return redirect(case_url(case))
    context = {
        "form": form,
        "case": case,
        "heading": f"修改 {case.number}",
        "crumbs": [
            ("违法违规问题", reverse("violations:index")),
            (case.number, case_url(case)),
            ("修改", None),
        ],
    }
    return render(request, "violations/form.html", context, status=400 if form.errors else 200)


ACTION_FORMS = {
    "investigate": forms.InvestigateForm,
    "handle": forms.HandleForm,
    "refer": forms.ReferForm,
    "close": forms.CloseForm,
}
ACTION_DONE = {
    "investigate": "已开始调查核实。",
    "handle": "已记录处理情况。",
    "refer": "已移送司法机关。",
    "close": "已结案。",
}


def _run(action: str, case, data: dict, user):
    if action == "investigate":
        return violation_investigate(case=case, comment=data["comment"], acting_user=user)
    if action == "handle":
        return violation_handle(case=case, handling=data["handling"], acting_user=user)
    if action == "refer":
        return violation_refer(
            case=case,
            referred_to=data["referred_to"],
            referred_on=data["referred_on"],
            comment=data["comment"],
            acting_user=user,
        )
    return violation_close(case=case, conclusion=data["conclusion"], acting_user=user)


def _detail_context(request, case, bound: dict | None = None) -> dict:
    actions = case_actions(request.user, case)
    action_forms = {
        name: form_class(prefix=name) for name, form_class in ACTION_FORMS.items() if actions[name]
    }
    action_forms.update(bound or {})
    return {
        "case": case,
        "actions": actions,
        "forms": action_forms,
        "history": violation_history(case),
        "crumbs": [("违法违规问题", reverse("violations:index")), (case.number, None)],
    }


@readers_only
def case_detail(request, pk: int):
    case = violation_get(user=request.user, pk=pk)
    return render(request, "violations/detail.html", _detail_context(request, case))


@readers_only
@require_POST
def case_act(request, pk: int, action: str):
    case = violation_get(user=request.user, pk=pk)
    if action not in ACTION_FORMS:
        raise Http404
    form = ACTION_FORMS[action](request.POST, prefix=action)
    done = submit(
        request,
        form,
        lambda data: _run(action, case, data, request.user),
        done=ACTION_DONE[action],
        aliases=VIOLATION_ALIASES,
    )
    if done:
        return redirect(case_url(case))
    context = _detail_context(request, case, bound={action: form})
    return render(request, "violations/detail.html", context, status=400)
