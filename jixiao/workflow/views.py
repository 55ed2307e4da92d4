from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jixiao.core.pagination import paged
from jixiao.core.search import text_within
from jixiao.funding.selectors import with_funding_state
from jixiao.jobs.services import job_start
from jixiao.monitoring.models import AnalysisReport, CycleStatus
from jixiao.monitoring.selectors import cycle_current, cycle_get, cycle_list
from jixiao.projects.models import Project
from jixiao.workflow.documents import overall_report_draft
from jixiao.workflow.forms import DecisionForm, ExplanationForm, ExtensionForm
from jixiao.workflow.jobs import package_export_params
from jixiao.workflow.models import Step
from jixiao.workflow.policy import package_actions
from jixiao.workflow.selectors import (
    computed_once_per_change,
    current_receipts,
    incoming_packages,
    latest_return,
    package_fingerprint,
    package_unit_get,
    pending_subordinates,
    returned_project_reasons,
    sending_units,
    submission_problems,
    submission_timeline,
    subordinate_packages,
)
from jixiao.workflow.services import (
    submission_accept,
    submission_extend,
    submission_for,
    submission_return,
    submission_save_explanation,
    submission_save_overall_report,
    submission_sign,
    submission_submit,
    submission_withdraw,
)

# The package page lists its projects a page at a time, and the first of its readiness problems: a
# first-level unit can own thousands of projects, and the page must cost the same for any of them.
PROJECT_PAGE_SIZE = 50
PROBLEMS_SHOWN = 30


def _own_packages(user, cycle) -> list:
    packages = []
    for unit in sending_units(user=user):
        try:
            packages.append(submission_for(organisation=unit, cycle=cycle))
        except ValidationError:
            continue  # this unit sends nothing in this cycle (e.g. it opened the self-initiated cycle)
    return packages


def workflow_index(request):
    """报送与审核: the person's own packages and the packages that come to them, for the annual cycle or
    (with ?cycle=) a self-initiated one."""
    requested = request.GET.get("cycle", "")
    cycle = cycle_get(user=request.user, pk=int(requested)) if requested.isdigit() else cycle_current()
    cycles = cycle_list(user=request.user).filter(status=CycleStatus.OPEN)
    if cycle is None:
        return render(
            request,
            "workflow/index.html",
            {"cycle": None, "cycles": cycles, "crumbs": [("报送与审核", None)]},
        )
    context = {
        "cycle": cycle,
        "cycles": cycles,
        "own": _own_packages(request.user, cycle),
        "incoming": incoming_packages(user=request.user, cycle=cycle),
        "crumbs": [("报送与审核", None)],
    }
    return render(request, "workflow/index.html", context)


def package_detail(request, cycle_pk: int, unit_pk: int):
    cycle = cycle_get(user=request.user, pk=cycle_pk)
    unit = package_unit_get(user=request.user, pk=unit_pk)
    try:
        submission = submission_for(organisation=unit, cycle=cycle)
    except ValidationError as exc:
        raise Http404 from exc
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            message = _act(request, submission, action)
        except ValidationError as exc:
            for problem in exc.messages:
                messages.error(request, problem)
        else:
            messages.success(request, message)
        return redirect(request.get_full_path())
    text = request.GET.get("q", "").strip()
    projects = Project.objects.filter(owner=unit, year=cycle.year)
    if text:
        projects = projects.filter(text_within(text, ["code", "name"]))
    page, query = paged(request, with_funding_state(projects).order_by("code"), PROJECT_PAGE_SIZE)
    shown = list(page.object_list)
    reports = {r.project_id: r for r in AnalysisReport.objects.filter(cycle=cycle, project__in=shown)}
    returned = returned_project_reasons(cycle=cycle, projects=shown)
    drafting = not submission.overall_report and submission.step == Step.UNIT_TO_BUREAU
    # One digest of the unit's data for everything the page reads from the cache.
    fingerprint = package_fingerprint(unit=unit, cycle=cycle) if drafting or not submission.is_sent else None
    problems = submission_problems(submission, fingerprint=fingerprint) if not submission.is_sent else []
    actions = package_actions(request.user, submission, None if submission.is_sent else problems)
    context = {
        "cycle": cycle,
        "unit": unit,
        "submission": submission,
        "page": page,
        "query": query,
        "text": text,
        "rows": [{"project": p, "report": reports.get(p.pk), "returned": returned.get(p.pk)} for p in shown],
        "problems": problems,
        "problems_shown": problems[:PROBLEMS_SHOWN],
        "problems_more": max(0, len(problems) - PROBLEMS_SHOWN),
        "pending": pending_subordinates(submission) if not submission.is_sent else [],
        "subordinates": subordinate_packages(submission),
        "latest_return": latest_return(submission),
        "receipts": current_receipts(submission),
        "timeline": submission_timeline(submission),
        "explanation": ExplanationForm(submission=submission),
        "overall_report": computed_once_per_change(
            "draft",
            unit=unit,
            cycle=cycle,
            fingerprint=fingerprint,
            compute=lambda: overall_report_draft(unit=unit, cycle=cycle),
        )
        if drafting
        else submission.overall_report,
        "extension": ExtensionForm(initial={"due_date": submission.due_date}),
        "decision": DecisionForm(),
        "actions": actions,
        "is_step_one": submission.step == Step.UNIT_TO_PRIMARY,
        "crumbs": [
            ("报送与审核", reverse("workflow:index")),
            (f"{unit.name} · {submission.get_step_display()}", None),
        ],
    }
    return render(request, "workflow/package.html", context)


def _act(request, submission, action: str) -> str:
    user = request.user
    if action == "explain":
        form = ExplanationForm(request.POST, submission=submission)
        form.is_valid()
        submission_save_explanation(submission=submission, values=form.cleaned_data, acting_user=user)
        return "书面说明材料已保存。"
    if action == "overall_report":
        submission_save_overall_report(
            submission=submission,
            text=request.POST.get("overall_report", ""),
            upload=request.FILES.get("overall_report_file"),
            acting_user=user,
        )
        return "整体绩效运行监控分析报告已保存。"
    if action == "extend":
        form = ExtensionForm(request.POST)
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        submission_extend(
            submission=submission,
            due_date=form.cleaned_data["due_date"],
            reason=form.cleaned_data["reason"],
            acting_user=user,
        )
        return "已延期。"
    if action == "submit":
        submission_submit(
            submission=submission, acting_user=user, confirmed=request.POST.get("confirmed") == "1"
        )
        return "已报送。对方签收前可以撤回。"
    if action == "sign":
        submission_sign(submission=submission, acting_user=user)
        return "已签收。"
    if action == "withdraw":
        submission_withdraw(submission=submission, acting_user=user)
        return "已撤回，材料可以继续修改。"
    form = DecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    if action == "return":
        submission_return(
            submission=submission,
            comment=comment,
            projects=_named_projects(request, submission),
            acting_user=user,
        )
        return "已退回补正。"
    if action == "accept":
        submission_accept(submission=submission, comment=comment, acting_user=user)
        return "已审核通过。"
    raise ValidationError("未知的操作。")


def _named_projects(request, submission) -> dict:
    """The projects the reviewer named when returning, each with its reason (`reason-<project id>`)."""
    reasons = {
        int(key.removeprefix("reason-")): value
        for key, value in request.POST.items()
        if key.startswith("reason-") and key.removeprefix("reason-").isdigit() and value.strip()
    }
    projects = Project.objects.filter(
        pk__in=reasons, owner=submission.organisation, year=submission.cycle.year
    )
    return {project: reasons[project.pk] for project in projects}


def _package_of(request, cycle_pk: int, unit_pk: int):
    cycle = cycle_get(user=request.user, pk=cycle_pk)
    unit = package_unit_get(user=request.user, pk=unit_pk)
    try:
        return submission_for(organisation=unit, cycle=cycle)
    except ValidationError as exc:
        raise Http404 from exc


def _export(request, kind: str, submission) -> HttpResponse:
    job = job_start(kind=kind, params=package_export_params(submission), acting_user=request.user)
    return redirect("jobs:detail", pk=job.pk)


@require_POST
def aggregated_table(request, cycle_pk: int, unit_pk: int):
    """汇总表 of a town or first-level unit and its accepted subordinates, made in the background."""
    return _export(request, "workflow.aggregated_table", _package_of(request, cycle_pk, unit_pk))


@require_POST
def overall_report(request, cycle_pk: int, unit_pk: int):
    """The overall report as Word, made in the background."""
    submission = _package_of(request, cycle_pk, unit_pk)
    if submission.step != Step.UNIT_TO_BUREAU:
        raise Http404
    return _export(request, "workflow.overall_report", submission)
