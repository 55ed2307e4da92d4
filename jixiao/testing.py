"""Scenarios the tests start from, built through the real service functions by the people who would act.

Each function takes the conftest `district` and returns what it built, in the state the services leave it:
a 附件1 filed by its unit (its warning level follows from the figures, as on the page), a package sent by the
unit's leader and accepted or returned by its receiver, a 附件2 composed, approved and issued by the unit's
counterpart section. A test that needs a state no service would reach has found a bug, not a shortcut.

Sending is dated by the clock, so a package is sent exactly `late_days` after its due date: where the
day the tests run says otherwise, the bureau first moves the due date (`submission_extend`), as it may
(`late_days=None` keeps the cycle's due date, for tests about the calendar).
"""

import itertools
from datetime import timedelta
from decimal import Decimal

from django.core.cache import caches
from django.http import HttpResponse
from django.test import TestCase
from django.utils import timezone

from jixiao.monitoring.models import AnalysisReport, WarningLevel
from jixiao.monitoring.services import report_save
from jixiao.organisations.models import Membership, Organisation, Role, User
from jixiao.organisations.services import membership_grant
from jixiao.projects.models import Project, ProjectMonth, ValueType
from jixiao.rectification.models import RectificationItem
from jixiao.review.models import Feedback
from jixiao.review.services import (
    default_due_date,
    feedback_approve,
    feedback_compose,
    feedback_issue,
    feedback_item_add,
    feedback_item_remove,
    feedback_update,
)
from jixiao.workflow.models import Step, Submission
from jixiao.workflow.services import (
    submission_accept,
    submission_extend,
    submission_for,
    submission_return,
    submission_save_explanation,
    submission_save_overall_report,
    submission_submit,
)

# The written explanation (书面说明材料) of a step-1 package, every part filled.
EXPLANATION = {
    "narrative_rules": "制度健全",
    "narrative_outputs": "产出正常",
    "narrative_benefits": "效益明显",
    "narrative_conditions": "条件未变",
    "narrative_funds": "资金安全",
    "narrative_deviation": "无明显偏离",
    "narrative_innovation": "无",
}
# What a unit writes against every warned item, so that its 附件1 passes the readiness check.
EXPLAINED = {"deviation_funding": "资金拨付滞后", "corrective_measures": "加快拨付"}
# The share of the budget paid by June that gives each warning level in the district's 1—8月 cycle
# (time progress 66.7%: 70% is on track, 55% lags by less than the red gap, nothing paid is red).
PAID_SHARE = {
    WarningLevel.GREEN: Decimal("0.70"),
    WarningLevel.YELLOW: Decimal("0.55"),
    WarningLevel.RED: Decimal("0"),
}
OPINIONS = {"counterpart_opinion": "材料基本齐全。", "overall_opinion": "请按要求整改。"}


# The district's budget units, and the units each of its people may see (every other one is refused):
# the visibility table of domain.md §1, shared by the pages', the selectors' and the API's tests.
UNITS = ["town", "p1", "p2", "s1", "s2", "s3", "sc"]

SEES = {
    "s1_filler": {"s1"},
    "s1_leader": {"s1"},
    "p1_leader": {"p1", "s1", "s2"},
    "sc_filler": {"sc"},
    "town_filler": {"town"},
    "counterpart_a": {"town", "p1", "s1", "s2"},
    "counterpart_b": {"p2", "s3"},
    "supervision_staff": {"town", "p1", "p2", "s1", "s2", "s3"},
    "bureau_leader": {"town", "p1", "p2", "s1", "s2", "s3"},
    "agency_staff": set(),
    "sysadmin": set(),
    "auditor": set(),
    "nobody": set(),
}

_counter = itertools.count(1)


def unique(prefix: str) -> str:
    """A code or username no other test object has."""
    return f"{prefix}{next(_counter):04d}"


def create_user(org: Organisation | None = None, role: str | None = None, *, username: str = "") -> User:
    """A new person, holding `role` in `org` when both are given."""
    user = User.objects.create_user(username=username or unique("user"), password=None, full_name=username)
    if org is not None and role is not None:
        membership_grant(user=user, organisation=org, role=role, acting_user=None)
    return user


def person(org: Organisation, role: str) -> User:
    """Someone holding `role` in `org`: the first such person, or a new one."""
    membership = (
        Membership.objects.filter(organisation=org, role=role, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else create_user(org, role)


def receiver_person(package: Submission) -> User:
    """Who decides on the package: the first-level unit's leader (step 1), the counterpart section (step 2)."""
    if package.step == Step.UNIT_TO_PRIMARY:
        return person(package.receiver, Role.UNIT_LEADER)
    return person(package.organisation.counterpart_section, Role.COUNTERPART_STAFF)


# ---------------------------------------------------------------------------------------------------
# 附件1


def indicator_figures(project: Project) -> dict[int, dict]:
    """Actuals on track for every indicator of the project's current target (the district's indicators
    are counts, percentages and dates), each item explained."""
    figures = {}
    for indicator in project.current_target.indicators.all():
        if indicator.value_type == ValueType.DATE:
            values = {"projected_date": indicator.target_date}
        elif indicator.value_type == ValueType.PERCENT:
            values = {"actual_number": indicator.target_number, "projected_number": indicator.target_number}
        else:
            share = (indicator.target_number * Decimal("0.7")).quantize(Decimal("1"))
            values = {"actual_number": share, "projected_number": indicator.target_number}
        figures[indicator.pk] = {**values, **EXPLAINED}
    return figures


def fill_ready_report(district, project: Project, user) -> AnalysisReport:
    """The project's 附件1 saved by `user` with nothing but an explanation of every warned item (its warnings
    stay: nothing is paid and no actual is given), so that it passes the readiness check."""
    return report_save(
        project=project,
        cycle=district.cycle,
        values=EXPLAINED,
        entries={i.pk: EXPLAINED for i in project.current_target.indicators.all()},
        expected_revision=0,
        acting_user=user,
    )


def report_filed(
    district, project: Project, level: str = WarningLevel.GREEN, *, values=None, entries=None, user=None
) -> AnalysisReport:
    """The project's 附件1 saved by its unit at `level`: its payments by June (as the treasury load
    brings them) are the share of its budget that gives that level, its indicators are on track, and every
    warned item is explained, so the unit may send it. `values` and `entries` (by indicator) add to, or
    replace, what is written."""
    figures = indicator_figures(project)
    for indicator_id, entry in (entries or {}).items():
        figures[indicator_id] = {**figures[indicator_id], **entry}
    ProjectMonth.objects.update_or_create(
        project=project,
        month=6,
        defaults={"paid_fiscal": (project.budget * PAID_SHARE[level]).quantize(Decimal("0.01"))},
    )
    return report_save(
        project=project,
        cycle=district.cycle,
        values={**EXPLAINED, "projected_fiscal": project.budget, **(values or {})},
        entries=figures,
        expected_revision=0,
        acting_user=user or person(project.owner, Role.FILLER),
    )


# ---------------------------------------------------------------------------------------------------
# Packages (第十一条 1–2)


def _due_for(district, package: Submission, late_days: int | None) -> Submission:
    """The package `late_days` late if sent today, the bureau's extension moving its due date where not."""
    if late_days is None or package.late_days == late_days:
        return package
    return submission_extend(
        submission=package,
        due_date=timezone.localdate() - timedelta(days=late_days),
        reason="按情景设定截止日期",
        acting_user=district.supervision_staff,
    )


def package_submitted(district, unit: Organisation, *, late_days: int | None = 0) -> Submission:
    """The unit's package sent by its leader, `late_days` after its due date: the 附件1 of its projects
    not filed yet are filed green first, and its written explanation or overall report is written."""
    leader = person(unit, Role.UNIT_LEADER)
    filed = AnalysisReport.objects.filter(cycle=district.cycle).values("project")
    for project in Project.objects.filter(owner=unit, year=district.cycle.year).exclude(pk__in=filed):
        report_filed(district, project, user=leader)
    package = submission_for(organisation=unit, cycle=district.cycle)
    if package.step == Step.UNIT_TO_PRIMARY:
        package = submission_save_explanation(submission=package, values=EXPLANATION, acting_user=leader)
    else:
        package = submission_save_overall_report(submission=package, text="整体报告", acting_user=leader)
    package = _due_for(district, package, late_days)
    return submission_submit(submission=package, acting_user=leader, confirmed=True)


def package_accepted(district, unit: Organisation, **sent) -> Submission:
    """The unit's package sent (see `package_submitted`) and accepted by its receiver."""
    package = package_submitted(district, unit, **sent)
    return submission_accept(submission=package, acting_user=receiver_person(package))


def package_returned(package: Submission, comment: str = "请补充整体报告") -> Submission:
    """The sent package returned by its receiver, with the reason."""
    return submission_return(submission=package, comment=comment, acting_user=receiver_person(package))


def bureau_package_sent(
    district, unit: Organisation, *, accepted=(), late_days: int | None = 0
) -> Submission:
    """A town's or first-level unit's package at the bureau, after it accepted the `accepted` second-level
    units' packages (the others still with them, sent ahead by confirmation)."""
    for subordinate in accepted:
        package_accepted(district, subordinate)
    return package_submitted(district, unit, late_days=late_days)


def bureau_round(district, levels=None, *, late_days=None, returns=None):
    """Every project filed (green unless `levels` names it); town and P1 sent to the bureau (`late_days`
    after their due dates, returned `returns` times and sent again) after P1 accepted S1; S2 and S3 not
    sent yet, P2 not sent; SC, classified, sends nothing."""
    levels, late_days, returns = levels or {}, late_days or {}, returns or {}
    for attr in ("town", "p1", "p2", "s1", "s2", "s3", "sc"):
        report_filed(district, district.projects[attr], levels.get(attr, WarningLevel.GREEN))
    package_accepted(district, district.s1)
    for attr in ("town", "p1"):
        unit = getattr(district, attr)
        package = bureau_package_sent(district, unit, late_days=late_days.get(attr, 0))
        for _ in range(returns.get(attr, 0)):
            package_returned(package)
            package = package_submitted(district, unit, late_days=late_days.get(attr, 0))
    return district


# ---------------------------------------------------------------------------------------------------
# 附件2 (第十一条 3–4)


def feedback_drafted(
    district, unit: Organisation, *, problems=("资金支付进度滞后",), items: int | None = None, due=None
) -> Feedback:
    """The unit's 附件2 composed by its counterpart section (its package sent first where it is not),
    with one added item per problem (due when composed items are, or on `due`) and its opinions written:
    a draft ready for approval. With `items`, the draft holds exactly that many numbered problems
    (问题1…, 要求1…) instead of the composed ones."""
    package = submission_for(organisation=unit, cycle=district.cycle)
    if not package.is_sent:
        bureau_package_sent(district, unit)
    section = person(unit.counterpart_section, Role.COUNTERPART_STAFF)
    feedback = feedback_compose(cycle=district.cycle, unit=unit, acting_user=section)
    texts = [(problem, "加快支付并说明原因") for problem in problems]
    if items is not None:
        for item in list(feedback.items.all()):
            feedback_item_remove(item=item, acting_user=section)
        texts = [(f"问题{n}：资金支付进度滞后", f"要求{n}：加快支付并说明原因") for n in range(1, items + 1)]
    for problem, requirement in texts:
        feedback_item_add(
            feedback=feedback,
            values={
                "project": None,
                "problem": problem,
                "requirement": requirement,
                "due_date": due or default_due_date(district.cycle, timezone.localdate()),
            },
            acting_user=section,
        )
    return feedback_update(feedback=feedback, values=OPINIONS, acting_user=section)


def feedback_approved(district, unit: Organisation, **drafted) -> Feedback:
    """The unit's 附件2 drafted (see `feedback_drafted`) and approved (审定) by its counterpart section."""
    feedback = feedback_drafted(district, unit, **drafted)
    section = person(unit.counterpart_section, Role.COUNTERPART_STAFF)
    return feedback_approve(feedback=feedback, acting_user=section)


def feedback_issued(district, unit: Organisation, **approved) -> Feedback:
    """The unit's 附件2 approved (see `feedback_approved`) and issued (下达): rectification begins."""
    feedback = feedback_approved(district, unit, **approved)
    return feedback_issue(feedback=feedback, acting_user=feedback.approved_by)


# ---------------------------------------------------------------------------------------------------
# Rectification (第十三条)


def unit_leader(unit: Organisation) -> User:
    """The unit's 单位负责人 (made one if it has none)."""
    return person(unit, Role.UNIT_LEADER)


def package_at_the_bureau(district, unit: Organisation) -> User:
    """A town's or first-level unit's package sent to the bureau; returns the leader who sent it."""
    bureau_package_sent(district, unit)
    return unit_leader(unit)


def rectification_items(feedback: Feedback) -> list[RectificationItem]:
    """The rectification items an issued 附件2 opened, in its order."""
    return list(
        RectificationItem.objects.filter(feedback_item__feedback=feedback).order_by("feedback_item__position")
    )


def exported(client, url: str):
    """Ask for an export as its button does (a POST that starts a background job, run here once the request
    commits) and download the job's file: the file as a response, or the refusal of the POST (403, 404)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url)
    if response.status_code != 302:
        return response
    job_page = response.url
    assert client.get(job_page).status_code == 200
    download = client.get(f"{job_page}download/")
    assert download.status_code == 200, download.status_code
    return HttpResponse(
        b"".join(download.streaming_content),
        content_type=download["Content-Type"],
        headers={"Content-Disposition": download["Content-Disposition"]},
    )


def caches_emptied() -> None:
    """Every cache emptied: what a page costs before anything was kept (figures computed once per change,
    login throttling)."""
    for each in caches.all():
        each.clear()
