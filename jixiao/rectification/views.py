"""Pages of step 5 (第十一条 4, 第十三条): the overview of the units' rectification, one unit's issued 附件2
item by item (the unit answers, the bureau verifies or sends back), and evidence downloads.

Every action posts to its own URL; with htmx it answers with the item's fragment, without it the page
(errors shown in place) or a redirect back to the item.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jixiao.core.fields import IsoDateInput
from jixiao.core.uploads import MultipleFileField, MultipleFileInput
from jixiao.monitoring.models import MonitoringCycle
from jixiao.monitoring.selectors import cycle_current, cycle_get
from jixiao.organisations.models import Role
from jixiao.organisations.permissions import require_roles
from jixiao.organisations.selectors import roles_of
from jixiao.rectification.policy import item_actions
from jixiao.rectification.selectors import (
    cycle_rectification_closed,
    evidence_get,
    feedback_closed,
    issued_feedback_get,
    issued_feedback_list,
    overdue_items,
    rectification_item_get,
    rectification_progress,
)
from jixiao.rectification.services import (
    ACCEPT_ATTRIBUTE,
    EVIDENCE_CONTENT_TYPES,
    MAX_EVIDENCE_BYTES,
    evidence_add,
    evidence_remove,
    item_url,
    rectification_respond,
    rectification_send_back,
    rectification_start_verification,
    rectification_verify,
)
from jixiao.review.models import RectificationState, RectificationTransition

PAGE_ROLES = (
    Role.FILLER,
    Role.UNIT_LEADER,
    Role.COUNTERPART_STAFF,
    Role.SUPERVISION_STAFF,
    Role.BUREAU_LEADER,
)
BUREAU_ROLES = {Role.COUNTERPART_STAFF, Role.SUPERVISION_STAFF, Role.BUREAU_LEADER}
OVERDUE_SHOWN = 100
MAX_MB = MAX_EVIDENCE_BYTES // 1024 // 1024


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


# ---------------------------------------------------------------------------------------------------
# Pages


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
        "crumbs": [("整改落实", None)],
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
    items = list(feedback.items.select_related("project").prefetch_related("evidence__uploaded_by"))
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
            ("整改落实", reverse("rectification:cycle", args=[feedback.cycle_id])),
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
    return redirect(item_url(item))


def _refused(request, item, **bound):
    """Show the item again with what went wrong next to the form that caused it."""
    if _is_htmx(request):
        return _fragment(request, item, **bound)
    feedback = issued_feedback_get(user=request.user, pk=item.feedback_id)
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
    extension = evidence.file.name.rpartition(".")[2].lower()
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404("文件不存在。") from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=EVIDENCE_CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
