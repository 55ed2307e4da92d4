"""Pages of rectification (第十一条 4, 第十三条): the register of every item the person may see (filters,
export, the items still open at the year's end), the progress of the units' 附件2, one unit's issued 附件2
item by item, one item on its own, opening a first-level unit's requirement or a unit's own finding, and
evidence downloads.

Every action posts to its own URL; with htmx it answers with the item's fragment, without it the page
(errors shown in place) or a redirect back to the item.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jixiao.core.errors import error_parts
from jixiao.core.fields import IsoDateInput
from jixiao.core.files import XLSX_TYPE
from jixiao.core.http import download, stored_file_download
from jixiao.core.pagination import paged
from jixiao.core.uploads import MultipleFileField, MultipleFileInput
from jixiao.monitoring.models import MonitoringCycle
from jixiao.monitoring.selectors import cycle_current, cycle_get
from jixiao.organisations.models import OrganisationKind, Role
from jixiao.organisations.permissions import require_roles
from jixiao.organisations.selectors import UNIT_ROLES, memberships_of, organisation_list, roles_of
from jixiao.projects.selectors import project_visible
from jixiao.rectification.documents import register_xlsx
from jixiao.rectification.models import RectificationSource, RectificationState, RectificationTransition
from jixiao.rectification.policy import can_open, item_actions
from jixiao.rectification.selectors import (
    RegisterFilter,
    cycle_rectification_closed,
    evidence_get,
    feedback_closed,
    feedback_rectification_items,
    issued_feedback_get,
    issued_feedback_list,
    overdue_items,
    rectification_item_get,
    rectification_progress,
    register_items,
    register_units,
    register_years,
)
from jixiao.rectification.services import (
    ACCEPT_ATTRIBUTE,
    EVIDENCE_CONTENT_TYPES,
    MAX_EVIDENCE_BYTES,
    evidence_add,
    evidence_remove,
    item_open,
    rectification_respond,
    rectification_send_back,
    rectification_start_verification,
    rectification_verify,
)

PAGE_ROLES = (
    Role.FILLER,
    Role.UNIT_LEADER,
    Role.COUNTERPART_STAFF,
    Role.SUPERVISION_STAFF,
    Role.BUREAU_LEADER,
)
BUREAU_ROLES = {Role.COUNTERPART_STAFF, Role.SUPERVISION_STAFF, Role.BUREAU_LEADER}
OVERDUE_SHOWN = 100
REGISTER_PAGE_SIZE = 50
MAX_MB = MAX_EVIDENCE_BYTES // 1024 // 1024
OPEN_KINDS = {"parent": RectificationSource.PARENT, "self": RectificationSource.SELF}


class RespondForm(forms.Form):
    response = forms.CharField(label="整改落实情况", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    completed_on = forms.DateField(
        label="完成时间",
        required=False,
        widget=IsoDateInput(attrs={"class": "narrow"}),
    )
    no_evidence_reason = forms.CharField(
        label="未上传佐证材料的原因",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": "如：整改为内部制度修订，已在单位官网公开，无纸质材料"}
        ),
    )


class EvidenceForm(forms.Form):
    files = MultipleFileField(
        label="佐证材料",
        widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        error_messages={"required": "请选择要上传的文件。"},
    )


class DecisionForm(forms.Form):
    comment = forms.CharField(label="核查意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RegisterFilterForm(forms.Form):
    """The register's filters, read from the query string; a value outside the person's scope is ignored."""

    unit = forms.TypedChoiceField(label="单位", required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(
        label="问题来源", required=False, choices=[("", "全部"), *RectificationSource.choices]
    )
    state = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *RectificationState.choices]
    )
    due_from = forms.DateField(
        label="整改时限自", required=False, widget=IsoDateInput(attrs={"class": "narrow"})
    )
    due_to = forms.DateField(label="至", required=False, widget=IsoDateInput(attrs={"class": "narrow"}))
    overdue = forms.BooleanField(label="仅逾期未销号", required=False)
    year_end = forms.TypedChoiceField(label="年末未完成", required=False, coerce=int, empty_value=None)

    def __init__(self, data, *, units, years):
        super().__init__(data)
        self.fields["unit"].choices = [("", "全部单位"), *((u.pk, u.name) for u in units)]
        if years is None:
            del self.fields["year_end"]
        else:
            self.fields["year_end"].choices = [("", "—"), *((y, f"{y}年12月31日仍未销号") for y in years)]

    def filters(self) -> RegisterFilter:
        data = self.cleaned_data if self.is_valid() else {}
        return RegisterFilter(
            organisation=data.get("unit"),
            kind=data.get("kind", ""),
            state=data.get("state", ""),
            due_from=data.get("due_from"),
            due_to=data.get("due_to"),
            overdue=bool(data.get("overdue")),
            year_end=data.get("year_end"),
        )


class ItemOpenForm(forms.Form):
    organisation = forms.TypedChoiceField(label="整改单位", coerce=int)
    project = forms.TypedChoiceField(label="项目", required=False, coerce=int, empty_value=None)
    problem = forms.CharField(label="发现的主要问题", widget=forms.Textarea(attrs={"rows": 3}))
    requirement = forms.CharField(label="整改意见及要求", widget=forms.Textarea(attrs={"rows": 3}))
    due_date = forms.DateField(label="整改时限", widget=IsoDateInput(attrs={"class": "narrow"}))
    source_label = forms.CharField(
        label="出处", required=False, max_length=200, help_text="如：2026年专项检查、内部审计报告；可不填"
    )

    def __init__(self, data=None, *, units, projects):
        super().__init__(data)
        self.fields["organisation"].choices = [(u.pk, u.name) for u in units]
        self.fields["project"].choices = [
            ("", "不针对具体项目"),
            *((p.pk, f"{p.code} {p.name}") for p in projects),
        ]


# ---------------------------------------------------------------------------------------------------
# Pages


def _is_bureau(user) -> bool:
    return bool(roles_of(user) & BUREAU_ROLES)


def _register_form(request) -> RegisterFilterForm:
    user = request.user
    return RegisterFilterForm(
        request.GET,
        units=register_units(user=user),
        years=register_years(user=user) if _is_bureau(user) else None,
    )


def _openable_kinds(user) -> list[tuple[str, str]]:
    """The register's 登记 links: a first-level unit's people may require, any unit's people record."""
    kinds = []
    unit_memberships = [m for m in memberships_of(user) if m.role in UNIT_ROLES and m.organisation.is_active]
    if any(m.organisation.kind == OrganisationKind.PRIMARY_UNIT for m in unit_memberships):
        kinds.append(("parent", "向所属二级单位提出整改要求"))
    if unit_memberships:
        kinds.append(("self", "登记本单位自查发现的问题"))
    return kinds


@require_roles(*PAGE_ROLES)
def rectification_register(request):
    """整改台账: every item the person may see, whatever its source, filtered and paged."""
    form = _register_form(request)
    filters = form.filters()
    page, query = paged(request, register_items(user=request.user, filters=filters), REGISTER_PAGE_SIZE)
    context = {
        "form": form,
        "page": page,
        "query": query,
        "year_end": filters.year_end,
        "this_year": timezone.localdate().year if "year_end" in form.fields else None,
        "openable": _openable_kinds(request.user),
        "crumbs": [("整改落实", None)],
    }
    return render(request, "rectification/register.html", context)


@require_roles(*PAGE_ROLES)
def rectification_register_export(request):
    """导出: the filtered register as an .xlsx file."""
    form = _register_form(request)
    filters = form.filters()
    items = register_items(user=request.user, filters=filters)
    title = f"{filters.year_end}年末未完成整改事项" if filters.year_end else "整改事项台账"
    subtitle = f"共 {items.count()} 项"
    content = register_xlsx(items, title=title, subtitle=subtitle)
    return download(content, f"{title}_{timezone.localdate():%Y%m%d}.xlsx", XLSX_TYPE)


@require_roles(*PAGE_ROLES)
def item_detail(request, pk: int):
    """One item on its own page (items that did not come from a 附件2 have no other page)."""
    item = rectification_item_get(user=request.user, pk=pk)
    return render(request, "rectification/item_page.html", _item_page_context(request, item))


def _item_page_context(request, item, **bound) -> dict:
    return {
        "row": _row(request.user, item, _history([item]), **bound),
        "item": item,
        "max_mb": MAX_MB,
        "crumbs": [("整改落实", reverse("rectification:index")), (item.source_label, None)],
    }


def _open_choices(user, kind: str):
    """Units the person may open an item of `kind` for, and those units' projects."""
    units = [u for u in organisation_list(user=user).order_by("kind", "code") if can_open(user, kind, u)]
    projects = project_visible(user).filter(owner__in=units).order_by("-year", "code")
    return units, projects


@require_roles(Role.FILLER, Role.UNIT_LEADER)
def item_new(request, kind: str):
    """登记: a first-level unit's requirement to one of its second-level units, or the unit's own finding."""
    if kind not in OPEN_KINDS:
        raise Http404
    source = OPEN_KINDS[kind]
    units, projects = _open_choices(request.user, source)
    if not units:
        raise PermissionDenied("没有可以登记整改事项的单位。")
    form = ItemOpenForm(request.POST or None, units=units, projects=projects)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = next(u for u in units if u.pk == data["organisation"])
        project = next((p for p in projects if p.pk == data["project"]), None)
        try:
            item = item_open(
                actor=request.user,
                kind=source,
                organisation=organisation,
                project=project,
                problem=data["problem"],
                requirement=data["requirement"],
                due_date=data["due_date"],
                source_label=data["source_label"],
            )
        except ValidationError as exc:
            message, fields = error_parts(exc)
            for name, texts in fields.items():
                form.add_error(name if name in form.fields else None, texts)
            if not fields:
                form.add_error(None, message)
        else:
            messages.success(
                request, "整改事项已登记，已通知整改单位。" if kind == "parent" else "整改事项已登记。"
            )
            return redirect(item.get_absolute_url())
    context = {
        "form": form,
        "kind": kind,
        "title": dict(_openable_kinds(request.user)).get(kind, RectificationSource(source).label),
        "crumbs": [("整改落实", reverse("rectification:index")), ("登记整改事项", None)],
    }
    return render(request, "rectification/item_new.html", context)


@require_roles(*PAGE_ROLES)
def rectification_overview(request, cycle_pk: int | None = None):
    """整改落实: per unit, how many items stand where; the round's closing; the overdue items."""
    cycle = cycle_get(user=request.user, pk=cycle_pk) if cycle_pk else cycle_current()
    visible = issued_feedback_list(user=request.user)
    cycles = MonitoringCycle.objects.filter(pk__in=visible.values("cycle")).order_by("-year", "id")
    overdue = overdue_items(user=request.user)
    context = {
        "cycle": cycle,
        "cycles": cycles,
        "rows": rectification_progress(user=request.user, cycle=cycle) if cycle else [],
        "show_round": bool(roles_of(request.user) & BUREAU_ROLES) and cycle is not None,
        "round_closed": cycle is not None and cycle_rectification_closed(cycle),
        "overdue": overdue[:OVERDUE_SHOWN],
        "overdue_count": overdue.count(),
        "crumbs": [("整改落实", reverse("rectification:index")), ("综合意见反馈表整改进度", None)],
    }
    return render(request, "rectification/overview.html", context)


@require_roles(*PAGE_ROLES)
def feedback_rectification(request, pk: int):
    """One unit's issued 附件2: every item with its answer, evidence and verification."""
    feedback = issued_feedback_get(user=request.user, pk=pk)
    return render(request, "rectification/feedback.html", _page_context(request, feedback))


def _history(items) -> dict[int, list[RectificationTransition]]:
    records = (
        RectificationTransition.objects.filter(subject__in=items)
        .select_related("organisation")
        .order_by("at", "id")
    )
    grouped: dict[int, list[RectificationTransition]] = {}
    for record in records:
        grouped.setdefault(record.subject_id, []).append(record)
    return grouped


def _ids(item) -> str:
    """Field ids unique on a page that shows every item's forms."""
    return f"item{item.pk}-%s"


def _row(user, item, history, **bound) -> dict:
    """What the item fragment shows: the item, the person's possible actions and their forms."""
    actions = item_actions(user, item)
    respond_form = bound.pop("respond_form", None)
    if respond_form is None and actions["respond"]:
        respond_form = RespondForm(
            initial={
                "response": item.response,
                "completed_on": item.completed_on,
                "no_evidence_reason": item.no_evidence_reason,
            },
            auto_id=_ids(item),
        )
    upload_form = bound.pop("upload_form", None)
    if upload_form is None and actions["evidence"]:
        upload_form = EvidenceForm(auto_id=_ids(item))
    decision_form = bound.pop("decision_form", None)
    if decision_form is None and (actions["verify"] or actions["send_back"]):
        decision_form = DecisionForm(auto_id=_ids(item))
    return {
        "item": item,
        "actions": actions,
        "evidence": list(item.evidence.all()),
        "history": history.get(item.pk, []),
        "respond_form": respond_form,
        "upload_form": upload_form,
        "decision_form": decision_form,
        "notice": bound.pop("notice", ""),
        "errors": bound.pop("errors", []),
    }


def _page_context(request, feedback, bound_item=None, **bound) -> dict:
    items = list(feedback_rectification_items(feedback))
    history = _history(items)
    rows = [_row(request.user, item, history, **(bound if item.pk == bound_item else {})) for item in items]
    return {
        "feedback": feedback,
        "cycle": feedback.cycle,
        "unit": feedback.organisation,
        "rows": rows,
        "verified": sum(item.state == RectificationState.VERIFIED for item in items),
        "closed": feedback_closed(feedback),
        "max_mb": MAX_MB,
        "crumbs": [
            ("整改落实", reverse("rectification:index")),
            ("综合意见反馈表整改进度", reverse("rectification:cycle", args=[feedback.cycle_id])),
            (f"{feedback.organisation.name} · 综合意见反馈表", None),
        ],
    }


# ---------------------------------------------------------------------------------------------------
# Actions


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _fragment(request, item, **bound):
    item = rectification_item_get(user=request.user, pk=item.pk)
    row = _row(request.user, item, _history([item]), **bound)
    return render(request, "rectification/item.html", {"row": row, "max_mb": MAX_MB})


def _done(request, item, notice: str):
    if _is_htmx(request):
        return _fragment(request, item, notice=notice)
    messages.success(request, notice)
    return redirect(item.get_absolute_url())


def _refused(request, item, **bound):
    """Show the item again with what went wrong next to the form that caused it."""
    if _is_htmx(request):
        return _fragment(request, item, **bound)
    if not item.feedback_item_id:
        item = rectification_item_get(user=request.user, pk=item.pk)
        return render(request, "rectification/item_page.html", _item_page_context(request, item, **bound))
    feedback = issued_feedback_get(user=request.user, pk=item.feedback_item.feedback_id)
    context = _page_context(request, feedback, bound_item=item.pk, **bound)
    return render(request, "rectification/feedback.html", context)


@require_roles(*PAGE_ROLES)
@require_POST
def item_respond(request, pk: int):
    item = rectification_item_get(user=request.user, pk=pk)
    form = RespondForm(request.POST, auto_id=_ids(item))
    if form.is_valid():
        try:
            item = rectification_respond(
                item=item,
                response=form.cleaned_data["response"],
                completed_on=form.cleaned_data["completed_on"],
                no_evidence_reason=form.cleaned_data["no_evidence_reason"],
                acting_user=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _done(request, item, "已报送整改落实情况，等待区财政局核查。")
    return _refused(request, item, respond_form=form)


@require_roles(*PAGE_ROLES)
@require_POST
def evidence_upload(request, pk: int):
    """Each file is checked and stored on its own: good files are kept, refused ones are named."""
    item = rectification_item_get(user=request.user, pk=pk)
    form = EvidenceForm(request.POST, request.FILES, auto_id=_ids(item))
    stored = 0
    if form.is_valid():
        uploads = form.cleaned_data["files"]
        for upload in uploads:
            try:
                evidence_add(item=item, upload=upload, acting_user=request.user)
            except ValidationError as exc:
                form.add_error("files", exc)
            else:
                stored += 1
        if stored == len(uploads):
            return _done(request, item, f"已上传 {stored} 个佐证材料。")
    notice = f"已上传 {stored} 个佐证材料，其余文件未保存。" if stored else ""
    return _refused(request, item, upload_form=form, notice=notice)


@require_roles(*PAGE_ROLES)
@require_POST
def evidence_delete(request, pk: int):
    evidence = evidence_get(user=request.user, pk=pk)
    try:
        evidence_remove(evidence=evidence, acting_user=request.user)
    except ValidationError as exc:
        return _refused(request, evidence.item, errors=exc.messages)
    return _done(request, evidence.item, f"已删除佐证材料“{evidence.original_name}”。")


def _decide(request, pk: int, service, notice: str):
    item = rectification_item_get(user=request.user, pk=pk)
    form = DecisionForm(request.POST, auto_id=_ids(item))
    form.is_valid()
    try:
        item = service(item=item, comment=form.cleaned_data.get("comment", ""), acting_user=request.user)
    except ValidationError as exc:
        form.add_error(None, exc)
        return _refused(request, item, decision_form=form)
    return _done(request, item, notice)


@require_roles(*PAGE_ROLES)
@require_POST
def item_start_verification(request, pk: int):
    item = rectification_item_get(user=request.user, pk=pk)
    try:
        item = rectification_start_verification(item=item, acting_user=request.user)
    except ValidationError as exc:
        return _refused(request, item, errors=exc.messages)
    return _done(request, item, "已开始核查，单位的佐证材料已冻结。")


@require_roles(*PAGE_ROLES)
@require_POST
def item_verify(request, pk: int):
    return _decide(request, pk, rectification_verify, "已核查销号。")


@require_roles(*PAGE_ROLES)
@require_POST
def item_send_back(request, pk: int):
    return _decide(request, pk, rectification_send_back, "已退回单位继续整改。")


@require_roles(*PAGE_ROLES)
def evidence_download(request, pk: int):
    """Served through this view (scope checked), never from a public media URL."""
    evidence = evidence_get(user=request.user, pk=pk)
    return stored_file_download(
        evidence.file, filename=evidence.original_name, content_types=EVIDENCE_CONTENT_TYPES
    )
