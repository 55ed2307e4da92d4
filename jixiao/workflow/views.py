from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from jixiao.monitoring.models import AnalysisReport
from jixiao.monitoring.selectors import cycle_current, cycle_get
from jixiao.projects.models import Project
from jixiao.workflow.forms import DecisionForm, ExplanationForm
from jixiao.workflow.models import Step
from jixiao.workflow.selectors import (
    incoming_packages,
    package_unit_get,
    sending_units,
    submission_timeline,
)
from jixiao.workflow.services import (
    can_open,
    can_prepare,
    can_review,
    can_send,
    submission_accept,
    submission_for,
    submission_open,
    submission_problems,
    submission_return,
    submission_save_explanation,
    submission_submit,
    submission_withdraw,
)


def workflow_index(request):
    """报送与审核: the person's own packages and the packages that come to them."""
    cycle = cycle_current()
    if cycle is None:
        return render(request, "workflow/index.html", {"cycle": None, "crumbs": [("报送与审核", None)]})
    own = [submission_for(organisation=unit, cycle=cycle) for unit in sending_units(user=request.user)]
    context = {
        "cycle": cycle,
        "own": own,
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
        return redirect(request.path)
    if submission.pk and can_open(request.user, submission):
        submission = submission_open(submission=submission, acting_user=request.user)
    projects = list(Project.objects.filter(owner=unit, year=cycle.year).order_by("code"))
    reports = {r.project_id: r for r in AnalysisReport.objects.filter(cycle=cycle, project__in=projects)}
    context = {
        "cycle": cycle,
        "unit": unit,
        "submission": submission,
        "rows": [{"project": p, "report": reports.get(p.pk)} for p in projects],
        "problems": submission_problems(submission) if not submission.is_sent else [],
        "timeline": submission_timeline(submission),
        "explanation": ExplanationForm(submission=submission),
        "decision": DecisionForm(),
        "may_prepare": can_prepare(request.user, submission) and not submission.is_sent,
        "may_send": can_send(request.user, submission),
        "may_review": can_review(request.user, submission),
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
    if action == "submit":
        submission_submit(submission=submission, acting_user=user)
        return "已报送。对方查阅前可以撤回。"
    if action == "withdraw":
        submission_withdraw(submission=submission, acting_user=user)
        return "已撤回，材料可以继续修改。"
    form = DecisionForm(request.POST)
    form.is_valid()
    comment = form.cleaned_data.get("comment", "")
    if action == "return":
        submission_return(submission=submission, comment=comment, acting_user=user)
        return "已退回补正。"
    if action == "accept":
        submission_accept(submission=submission, comment=comment, acting_user=user)
        return "已审核通过。"
    raise ValidationError("未知的操作。")


def notification_index(request):
    """The person's notification centre; opening it marks everything read."""
    notifications = list(request.user.notifications.all()[:100])
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return render(
        request,
        "workflow/notifications.html",
        {"notifications": notifications, "crumbs": [("通知", None)]},
    )
