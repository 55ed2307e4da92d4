"""Pages of the bureau's review: the supervision section's workbench (step 3), the counterpart section's
workbench (step 4) and 附件2. Views read through scoped selectors and write through services only."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jixiao.jobs.services import job_start
from jixiao.monitoring.selectors import cycle_current
from jixiao.organisations.models import Role
from jixiao.organisations.permissions import require_roles
from jixiao.organisations.selectors import roles_of
from jixiao.review.forms import (
    FeedbackItemForm,
    FeedbackTextForm,
    ItemInputs,
    ManualPickForm,
    OpinionForm,
    RankingFilterForm,
    SampleForm,
    item_project_example,
    item_project_matches,
    item_projects_named,
    project_choice_text,
)
from jixiao.review.jobs import feedback_export_params
from jixiao.review.models import KeyItemSource
from jixiao.review.policy import can_compose, can_draft, can_edit_feedback, can_supervise, feedback_actions
from jixiao.review.selectors import (
    feedback_get,
    feedback_header,
    feedback_list,
    feedback_rows,
    feedback_timeline,
    key_item_get,
    key_item_list,
    key_selection_of,
    opinion_get,
    opinion_list,
    package_of,
    project_ranking,
    ranking_rows,
    review_cycle_get,
    review_unit_get,
    review_unit_list,
    reviewed_projects,
    risk_rules,
    sample_draw_of,
    supplement_packages,
    unit_overview,
)
from jixiao.review.services import (
    default_due_date,
    feedback_approve,
    feedback_compose,
    feedback_issue,
    feedback_item_add,
    feedback_items_save,
    feedback_update,
    key_item_mark,
    key_item_unmark,
    key_items_draw,
    opinion_create,
    opinion_delete,
    opinions_send,
)

PAGE_SIZE = 50
REVIEWERS = (Role.SUPERVISION_STAFF, Role.COUNTERPART_STAFF, Role.BUREAU_LEADER)
FEEDBACK_READERS = (*REVIEWERS, Role.FILLER, Role.UNIT_LEADER)


def _crumbs(*trail) -> list:
    return [("财政审核", reverse("review:index")), *trail]


def _posted_pk(request, name: str) -> int | None:
    """An id from the form, or None (a 404 for the lookup) when it is missing or not a number."""
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() else None


def _report(request, exc: ValidationError) -> None:
    for problem in exc.messages:
        messages.error(request, problem)


@require_roles(*FEEDBACK_READERS)
def review_index(request):
    """财政审核: the workbenches of the current cycle for the person's roles and every 附件2 they may read."""
    cycle = cycle_current()
    roles = roles_of(request.user)
    page = Paginator(feedback_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "cycle": cycle,
        "page": page,
        "shows_supervision": bool(roles & set(REVIEWERS)),
        "shows_counterpart": bool(roles & {Role.COUNTERPART_STAFF, Role.BUREAU_LEADER}),
        "crumbs": [("财政审核", None)],
    }
    return render(request, "review/index.html", context)


# ---------------------------------------------------------------------------------------------------
# Step 3: supervision section


@require_roles(*REVIEWERS)
def supervision_workbench(request, cycle_pk: int):
    """重点审核: the risk ranking, the random sample, the key items and each unit's opinions."""
    cycle = review_cycle_get(pk=cycle_pk)
    user = request.user
    if request.method == "POST":
        if not can_supervise(user):
            raise PermissionDenied
        try:
            message = _supervision_act(request, cycle)
        except ValidationError as exc:
            _report(request, exc)
        else:
            messages.success(request, message)
        return redirect(request.get_full_path())
    filters = RankingFilterForm(request.GET or None, user=user)
    ranking = project_ranking(user=user, cycle=cycle, **filters.filters())
    page = Paginator(ranking, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "cycle": cycle,
        "filters": filters,
        "page": page,
        "rows": ranking_rows(page=page, cycle=cycle),
        "query": query.urlencode(),
        "may_supervise": can_supervise(user),
    }
    if request.headers.get("HX-Request"):
        return render(request, "review/_ranking.html", context)
    selection = key_selection_of(cycle)
    context |= {
        "selection": selection,
        "draw": sample_draw_of(selection),
        "risk_rules": risk_rules(),
        "key_items": key_item_list(user=user, cycle=cycle),
        "units": unit_overview(user=user, cycle=cycle, units=review_unit_list(user=user)),
        "sample_form": SampleForm(),
        "manual_form": ManualPickForm(user=user, cycle=cycle),
        "crumbs": _crumbs(("重点审核与审核意见", None)),
    }
    return render(request, "review/supervision.html", context)


def _supervision_act(request, cycle) -> str:
    user, action = request.user, request.POST.get("action", "")
    if action == "sample":
        form = SampleForm(request.POST)
        if not form.is_valid():
            raise ValidationError(form.errors["size"])
        selection = key_items_draw(cycle=cycle, size=form.cleaned_data["size"], acting_user=user)
        return f"已随机抽取 {selection.sample_size} 个项目，种子 {selection.seed}。"
    if action == "mark":
        project = get_object_or_404(
            reviewed_projects(user=user, cycle=cycle), pk=_posted_pk(request, "project")
        )
        key_item_mark(cycle=cycle, project=project, source=KeyItemSource.RISK, acting_user=user)
        return f"已将“{project.name}”列为重点审核项目。"
    if action == "manual":
        form = ManualPickForm(request.POST, user=user, cycle=cycle)
        if not form.is_valid():
            raise ValidationError(form.errors["project"])
        project = form.cleaned_data["project"]
        key_item_mark(cycle=cycle, project=project, source=KeyItemSource.MANUAL, acting_user=user)
        return f"已将“{project.name}”列为重点审核项目。"
    if action == "unmark":
        item = key_item_get(user=user, cycle=cycle, pk=_posted_pk(request, "item"))
        key_item_unmark(item=item, acting_user=user)
        return f"已将“{item.project.name}”移出重点审核清单。"
    raise ValidationError("未知的操作。")


@require_roles(*REVIEWERS)
def supervision_unit(request, cycle_pk: int, unit_pk: int):
    """One unit's opinions from the supervision section: written per project or for the unit, then sent."""
    cycle = review_cycle_get(pk=cycle_pk)
    unit = review_unit_get(user=request.user, pk=unit_pk)
    user = request.user
    form = OpinionForm(unit=unit, cycle=cycle, initial={"project": request.GET.get("project")})
    if request.method == "POST":
        if not can_supervise(user):
            raise PermissionDenied
        action = request.POST.get("action", "")
        if action == "create":
            form = OpinionForm(request.POST, unit=unit, cycle=cycle)
            if form.is_valid():
                try:
                    opinion_create(cycle=cycle, unit=unit, acting_user=user, **form.cleaned_data)
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, "意见已保存，尚未送对口服务股室。")
                    return redirect(request.path)
        else:
            try:
                messages.success(request, _opinion_act(request, cycle, unit, action))
            except ValidationError as exc:
                _report(request, exc)
            return redirect(request.path)
    context = {
        "cycle": cycle,
        "unit": unit,
        "package": package_of(unit=unit, cycle=cycle),
        "supplements": supplement_packages(unit=unit, cycle=cycle),
        "opinions": opinion_list(user=user, cycle=cycle, unit=unit),
        "key_items": key_item_list(user=user, cycle=cycle, unit=unit),
        "form": form,
        "may_supervise": can_supervise(user),
        "crumbs": _crumbs(
            ("重点审核与审核意见", reverse("review:supervision", args=[cycle.pk])), (unit.name, None)
        ),
    }
    return render(request, "review/supervision_unit.html", context)


def _opinion_act(request, cycle, unit, action: str) -> str:
    user = request.user
    if action == "delete":
        opinion = opinion_get(user=user, cycle=cycle, unit=unit, pk=_posted_pk(request, "opinion"))
        opinion_delete(opinion=opinion, acting_user=user)
        return "意见已删除。"
    if action == "send":
        sent = opinions_send(cycle=cycle, unit=unit, acting_user=user)
        return f"已将 {sent} 条意见送{unit.counterpart_section.name}。"
    raise ValidationError("未知的操作。")


# ---------------------------------------------------------------------------------------------------
# Step 4: counterpart section and 附件2


@require_roles(Role.COUNTERPART_STAFF, Role.BUREAU_LEADER)
def counterpart_workbench(request, cycle_pk: int):
    """The section's units: package state, opinions received from supervision and 附件2 with its actions."""
    cycle = review_cycle_get(pk=cycle_pk)
    user = request.user
    if request.method == "POST":
        unit = review_unit_get(user=user, pk=_posted_pk(request, "unit"))
        try:
            feedback = feedback_compose(cycle=cycle, unit=unit, acting_user=user)
        except ValidationError as exc:
            _report(request, exc)
            return redirect(request.path)
        messages.success(request, f"已生成{unit.name}的综合意见反馈表，请逐条审核修改。")
        return redirect("review:feedback", feedback.pk)
    units = review_unit_list(user=user)
    rows = unit_overview(user=user, cycle=cycle, units=units)
    context = {
        "cycle": cycle,
        "rows": rows,
        "composable": {
            row.unit.pk for row in rows if can_draft(user, row.unit, cycle, row.feedback, row.package)
        },
        "crumbs": _crumbs(("综合意见反馈表", None)),
    }
    return render(request, "review/counterpart.html", context)


@require_roles(*FEEDBACK_READERS)
def feedback_detail(request, pk: int):
    """附件2: the edit page while it is a draft for its counterpart section, the read page otherwise."""
    feedback = feedback_get(user=request.user, pk=pk)
    may_act = bool(can_compose(request.user, feedback.organisation))
    bound: dict = {}
    if request.method == "POST":
        if not may_act:
            raise PermissionDenied
        response, bound = _feedback_act(request, feedback)
        if response is not None:
            return response
    actions = feedback_actions(request.user, feedback)
    today = timezone.localdate()
    context = {
        "feedback": feedback,
        "cycle": feedback.cycle,
        "header": feedback_header(feedback),
        "item_count": feedback.items.count(),
        "timeline": feedback_timeline(feedback),
        "actions": actions,
        "today": today,
        "past_due": list(feedback.items.filter(due_date__lte=today).order_by("position")),
        "crumbs": _crumbs(
            *(
                [("综合意见反馈表", reverse("review:counterpart", args=[feedback.cycle_id]))]
                if Role.COUNTERPART_STAFF in roles_of(request.user)
                else []
            ),
            (f"{feedback.organisation.name} · {feedback.cycle.year}年度", None),
        ),
    }
    if not actions["edit"]:
        return render(request, "review/feedback_detail.html", context)  # its rows: `feedback_read_table`
    rows = feedback_rows(feedback)
    kinds = _item_form_kinds(feedback)
    context |= {
        "search_url": kinds["search_url"],
        "item_forms": bound.get("items") or [(row, ItemInputs.of(row.item)) for row in rows],
        "items_errors": bound.get("items_errors", []),
        "new_item": bound.get("new")
        or FeedbackItemForm(
            **kinds,
            prefix="new",
            initial={"due_date": default_due_date(feedback.cycle, timezone.localdate())},
        ),
        "texts": bound.get("texts")
        or FeedbackTextForm(
            initial={
                "counterpart_opinion": feedback.counterpart_opinion,
                "overall_opinion": feedback.overall_opinion,
            }
        ),
    }
    return render(request, "review/feedback_edit.html", context)


def _item_form_kinds(feedback, projects=None) -> dict:
    """What every item form of the page shares: the projects it may name (only those typed, when
    validating), the search that fills the shared list, and the placeholder's example."""
    return {
        "projects": projects or {},
        "search_url": reverse("review:feedback_projects", args=[feedback.pk]),
        "example": item_project_example(feedback),
    }


def _item_form(item, kinds: dict, data=None) -> FeedbackItemForm:
    return FeedbackItemForm(
        data,
        **kinds,
        prefix=f"item-{item.pk}",
        initial={
            "project": project_choice_text(item.project) if item.project else "",
            "problem": item.problem,
            "requirement": item.requirement,
            "due_date": item.due_date,
        },
    )


def _typed_projects(request, feedback, prefixes) -> dict:
    """The item forms' shared arguments with the projects the posted rows name (one query)."""
    texts = [request.POST.get(f"{prefix}-project", "") for prefix in prefixes]
    return _item_form_kinds(feedback, item_projects_named(feedback, texts))


@require_roles(*FEEDBACK_READERS)
def feedback_project_search(request, pk: int):
    """The options of the shared project list: a few projects of the unit's package matching what is typed."""
    feedback = feedback_get(user=request.user, pk=pk)
    if not can_edit_feedback(request.user, feedback):
        raise Http404
    matches = item_project_matches(feedback, request.GET.get("q", ""))
    return render(request, "review/_project_options.html", {"projects": matches})


def _save_items(request, feedback):
    """The whole problem list in one save; on any error every row is shown again as typed."""
    rows = feedback_rows(feedback)
    kinds = _typed_projects(request, feedback, [f"item-{row.item.pk}" for row in rows])
    forms = [(row, _item_form(row.item, kinds, request.POST)) for row in rows]
    valid = all([form.is_valid() for _row, form in forms])
    if valid:
        try:
            feedback_items_save(
                feedback=feedback,
                rows={row.item: form.values() for row, form in forms if not form.cleaned_data["remove"]},
                removed=[row.item for row, form in forms if form.cleaned_data["remove"]],
                acting_user=request.user,
            )
        except ValidationError as exc:
            return None, {"items": _shown(forms), "items_errors": exc.messages}
        messages.success(request, "问题清单已保存。")
        return redirect(request.path), {}
    errors = [
        f"第 {row.item.position} 条：{form.fields[name].label}：{error}"
        for row, form in forms
        for name, field_errors in form.errors.items()
        for error in field_errors
    ]
    return None, {"items": _shown(forms), "items_errors": errors}


def _shown(forms) -> list:
    return [(row, form.inputs()) for row, form in forms]


def _feedback_act(request, feedback):
    """Run one action; a redirect when done, else the bound forms to show again with their errors."""
    user, action = request.user, request.POST.get("action", "")
    done = redirect(request.path)
    try:
        if action == "texts":
            form = FeedbackTextForm(request.POST)
            form.is_valid()
            feedback_update(feedback=feedback, values=form.cleaned_data, acting_user=user)
            messages.success(request, "意见已保存。")
            return done, {}
        if action == "save_items":
            return _save_items(request, feedback)
        if action == "add_item":
            form = FeedbackItemForm(request.POST, **_typed_projects(request, feedback, ["new"]), prefix="new")
            if not form.is_valid():
                return None, {"new": form}
            try:
                item = feedback_item_add(feedback=feedback, values=form.values(), acting_user=user)
            except ValidationError as exc:
                form.add_error(None, exc)
                return None, {"new": form}
            messages.success(request, f"已增加第 {item.position} 条。")
            return done, {}
        if action == "compose":
            feedback_compose(cycle=feedback.cycle, unit=feedback.organisation, acting_user=user)
            messages.success(request, "已按最新的预警和监督股意见重新生成问题清单。")
        elif action == "approve":
            feedback_approve(feedback=feedback, acting_user=user)
            messages.success(request, "综合意见反馈表已审定，可以下达。")
        elif action == "issue":
            feedback_issue(feedback=feedback, acting_user=user)
            messages.success(request, f"已下达{feedback.organisation.name}。")
        else:
            raise ValidationError("未知的操作。")
    except ValidationError as exc:
        _report(request, exc)
    return done, {}


def _export(request, pk: int, kind: str) -> HttpResponse:
    """附件2 as a file, made in the background: the button asks for the job and opens its page."""
    feedback = feedback_get(user=request.user, pk=pk)
    job = job_start(
        kind="review.feedback_export", params=feedback_export_params(feedback, kind), acting_user=request.user
    )
    return redirect("jobs:detail", pk=job.pk)


@require_POST
@require_roles(*FEEDBACK_READERS)
def feedback_xlsx_download(request, pk: int):
    return _export(request, pk, "xlsx")


@require_POST
@require_roles(*FEEDBACK_READERS)
def feedback_docx_download(request, pk: int):
    return _export(request, pk, "docx")
