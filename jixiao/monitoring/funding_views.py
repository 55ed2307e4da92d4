"""Funding control pages (第十五条): the leader's decision page for one project, and the bureau's list of
projects whose payments are suspended or stopped, with its .xlsx export.

The decision page takes prefilled basis items in its query string (`jixiao.funding.basis`), so that a
page listing candidates (warnings, dispositions, overdue rectification) can send the leader here with
the findings already listed; the project's red warnings of the current cycle are offered beside them.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse

from jixiao.core.errors import error_parts
from jixiao.core.files import XLSX_TYPE
from jixiao.core.http import download
from jixiao.funding.basis import basis_item, clean_basis, decode_basis, encode_basis
from jixiao.funding.exports import hold_list_export
from jixiao.funding.models import BASIS_KINDS, DECISION_LABELS
from jixiao.funding.policy import HOLD_LIST_ROLES
from jixiao.funding.selectors import funding_decisions_of, funding_hold_list, funding_status_of
from jixiao.funding.services import funding_decide
from jixiao.monitoring.models import WarningLevel
from jixiao.monitoring.selectors import cycle_current, report_in_cycle
from jixiao.organisations.models import Role
from jixiao.organisations.permissions import require_roles
from jixiao.projects.selectors import project_get

PAGE_SIZE = 100


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        label="拨款决定", choices=list(DECISION_LABELS.items()), widget=forms.RadioSelect, required=False
    )
    reason = forms.CharField(label="决定原因", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    other_basis = forms.CharField(
        label="其他依据",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "每行一项，如：2026年实地核查发现资金闲置"}),
    )


def _offered(request, project, cycle) -> list[dict]:
    """Basis items to tick: those passed in the query string (only well-formed ones, links only to this
    site), then the project's red warnings now."""
    items, _problems = clean_basis([decode_basis(text) for text in request.GET.getlist("basis")])
    report = report_in_cycle(project=project, cycle=cycle)
    if report is not None:
        url = reverse("monitoring:report_edit", args=[cycle.pk, project.pk])
        items += [
            basis_item("warning", f"{cycle.period_label}红色预警：{w.message}", url)
            for w in sorted(report.warnings.all(), key=lambda w: w.pk)
            if w.level == WarningLevel.RED
        ]
    offered, seen = [], set()
    for item in items:
        value = encode_basis(item)
        if value not in seen:
            seen.add(value)
            offered.append(
                {**item, "value": value, "kind_label": BASIS_KINDS.get(item["kind"], item["kind"])}
            )
    return offered


@require_roles(Role.BUREAU_LEADER)
def decide(request, pk: int):
    """The leader sets 暂缓拨款 / 停止拨款 or lifts the hold, with the reason and the basis."""
    project = project_get(user=request.user, pk=pk)
    cycle = cycle_current()
    offered = _offered(request, project, cycle)
    prefilled = {encode_basis(decode_basis(text)) for text in request.GET.getlist("basis")}
    chosen = set(request.POST.getlist("basis")) if request.method == "POST" else prefilled
    form = DecisionForm(request.POST or None)
    basis_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        others = [line.strip() for line in form.cleaned_data["other_basis"].splitlines() if line.strip()]
        basis = [decode_basis(text) for text in request.POST.getlist("basis")]
        basis += [basis_item("other", line) for line in others]
        try:
            funding_decide(
                project=project,
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                basis=basis,
                acting_user=request.user,
            )
        except ValidationError as exc:
            message, fields = error_parts(exc)
            basis_errors = fields.pop("basis", [])
            for name, texts in fields.items():
                for text in texts:
                    form.add_error(name if name in form.fields else None, text)
            if not fields:
                form.add_error(None, message)
        else:
            label = DECISION_LABELS[form.cleaned_data["status"]]
            messages.success(request, f"已决定{label}，已通知项目单位及对口服务股室。")
            return redirect("projects:project_detail", pk=project.pk)
    funding = funding_status_of(project)
    context = {
        "project": project,
        "funding": funding,
        "decisions": funding_decisions_of(project),
        "form": form,
        "choices": [(value, label) for value, label in DECISION_LABELS.items() if value != funding.status],
        "offered": [{**item, "checked": item["value"] in chosen} for item in offered],
        "basis_errors": basis_errors,
        "crumbs": [
            ("项目", reverse("projects:project_list")),
            (project.name, reverse("projects:project_detail", args=[project.pk])),
            ("拨款控制", None),
        ],
    }
    return render(request, "funding/decide.html", context)


@require_roles(*HOLD_LIST_ROLES)
def hold_list(request):
    """Projects whose payments are suspended or stopped now, for the leaders and both sections."""
    page = Paginator(funding_hold_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "crumbs": [("暂缓及停止拨款项目", None)]}
    return render(request, "funding/hold_list.html", context)


@require_roles(*HOLD_LIST_ROLES)
def hold_list_download(request):
    content, filename = hold_list_export(acting_user=request.user)
    return download(content, filename, XLSX_TYPE)
