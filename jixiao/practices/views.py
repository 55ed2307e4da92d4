"""Pages of the good-practice list (第十条(七)): the practices promoted in a cycle (filtered, exported), the
sent material that describes one (to mark), and the mark and unmark actions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jixiao.core.files import XLSX_TYPE
from jixiao.core.http import download
from jixiao.core.pagination import paged
from jixiao.monitoring.models import CycleKind
from jixiao.monitoring.selectors import cycle_current, cycle_get, cycle_list
from jixiao.organisations.permissions import require_roles
from jixiao.practices.forms import MarkForm, PracticeFilterForm, UnmarkForm
from jixiao.practices.policy import LIST_ROLES, can_mark, can_unmark
from jixiao.practices.selectors import (
    PracticeFilters,
    candidate_explanation_get,
    candidate_report_get,
    explanation_candidates,
    practice_get,
    practice_list,
    practice_sections,
    practice_units,
    report_candidates,
)
from jixiao.practices.services import practice_mark, practice_unmark, practices_export

PAGE_SIZE = 50
readers = require_roles(*LIST_ROLES)


def _filters(request) -> tuple[PracticeFilterForm, PracticeFilters]:
    form = PracticeFilterForm(
        request.GET, sections=practice_sections(), units=practice_units(user=request.user)
    )
    if not form.is_valid():
        return form, PracticeFilters(invalid=True)
    data = form.cleaned_data
    return form, PracticeFilters(
        section=data["section"].pk if data["section"] else None,
        unit=data["unit"].pk if data["unit"] else None,
        source=data["source"],
    )


@readers
def practice_index(request, cycle_pk: int | None = None):
    cycle = cycle_get(user=request.user, pk=cycle_pk) if cycle_pk else cycle_current()
    form, filters = _filters(request)
    practices = practice_list(user=request.user, cycle=cycle, filters=filters) if cycle else []
    page, query = paged(request, practices, PAGE_SIZE)
    context = {
        "cycle": cycle,
        "cycles": cycle_list(user=request.user).filter(kind=CycleKind.ANNUAL).order_by("-year"),
        "form": form,
        "page": page,
        "rows": [(p, can_unmark(request.user, p)) for p in page.object_list],
        "query": query,
        "unmark_form": UnmarkForm(),
        "crumbs": [("可推广经验", None)],
    }
    return render(request, "practices/list.html", context)


@readers
def practice_export(request, cycle_pk: int):
    cycle = cycle_get(user=request.user, pk=cycle_pk)
    _form, filters = _filters(request)
    content = practices_export(
        cycle=cycle,
        practices=practice_list(user=request.user, cycle=cycle, filters=filters),
        acting_user=request.user,
    )
    return download(content, f"可推广经验-{cycle.year}.xlsx", XLSX_TYPE)


@readers
def candidate_index(request, cycle_pk: int):
    """The sent 附件1 and 书面说明材料 of the cycle that describe a practice, marked or not."""
    cycle = cycle_get(user=request.user, pk=cycle_pk)
    form, filters = _filters(request)
    reports, query = paged(
        request, report_candidates(user=request.user, cycle=cycle, filters=filters), PAGE_SIZE
    )
    explanations = list(explanation_candidates(user=request.user, cycle=cycle, filters=filters))
    user = request.user
    context = {
        "cycle": cycle,
        "form": form,
        "page": reports,
        "query": query,
        "reports": [(r, can_mark(user, report=r, practice=_mark_of(r))) for r in reports.object_list],
        "explanations": [(s, can_mark(user, submission=s, practice=_mark_of(s))) for s in explanations],
        "mark_form": MarkForm(),
        "crumbs": [("可推广经验", reverse("practices:cycle", args=[cycle.pk])), ("待评选的创新做法", None)],
    }
    return render(request, "practices/candidates.html", context)


def _mark_of(source):
    """The row's practice, loaded with it (`select_related("practice")`), or None."""
    return getattr(source, "practice", None)


def _back(request, cycle_pk: int) -> str:
    target = request.POST.get("next", "")
    allowed = (reverse("practices:candidates", args=[cycle_pk]), reverse("practices:cycle", args=[cycle_pk]))
    return target if target.split("?")[0] in allowed else allowed[0]


def _mark(request, *, report=None, submission=None):
    form = MarkForm(request.POST)
    form.is_valid()
    cycle_pk = (report or submission).cycle_id
    try:
        practice_mark(
            report=report,
            submission=submission,
            note=form.cleaned_data.get("note", ""),
            acting_user=request.user,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "已列为可推广经验。")
    return redirect(_back(request, cycle_pk))


@readers
@require_POST
def report_mark(request, pk: int):
    return _mark(request, report=candidate_report_get(user=request.user, pk=pk))


@readers
@require_POST
def explanation_mark(request, pk: int):
    return _mark(request, submission=candidate_explanation_get(user=request.user, pk=pk))


@readers
@require_POST
def practice_unmark_view(request, pk: int):
    practice = practice_get(user=request.user, pk=pk)
    form = UnmarkForm(request.POST)
    form.is_valid()
    try:
        practice_unmark(
            practice=practice, comment=form.cleaned_data.get("comment", ""), acting_user=request.user
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "已取消推广。")
    return redirect(_back(request, practice.cycle_id))
