"""The people of the deadline day: fillers each with a report of their own to save, leaders each with a
second-level unit's package that can be sent and withdrawn again and again.

Everything goes through the services (memberships, withdrawals); running it again reuses the accounts,
brings each leader's package back to the sender and writes a fresh plan with the counts to compare with.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.test import Client

from jixiao.monitoring.models import AnalysisReport, MonitoringCycle
from jixiao.monitoring.selectors import cycle_current
from jixiao.organisations.models import Membership, Organisation, OrganisationKind, Role, User
from jixiao.organisations.services import membership_grant
from jixiao.projects.models import Indicator
from jixiao.workflow.models import Step, Submission, SubmissionState, SubmissionTransition
from jixiao.workflow.policy import can_submit
from jixiao.workflow.selectors import submission_problems
from jixiao.workflow.services import submission_for, submission_withdraw

FILLER_PREFIX = "load-filler-"
LEADER_PREFIX = "load-leader-"
# The field each save writes its token into: free text that no warning reads.
TOKEN_FIELD = "narrative_funds"


@dataclass(frozen=True)
class LoadAccount:
    username: str
    unit: int
    project: int | None = None


def _account(username: str, password_hash: str, full_name: str) -> User:
    user, created = User.objects.get_or_create(
        username=username, defaults={"full_name": full_name, "password": password_hash}
    )
    if not created:
        user.password = password_hash
        user.is_active = True
        user.save(update_fields=["password", "is_active"])
    return user


def _ensure_role(user: User, organisation: Organisation, role: str) -> None:
    if not Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
        membership_grant(user=user, organisation=organisation, role=role, acting_user=None)


def _sendable(leader: User, submission: Submission) -> bool:
    """Brings the package back to its sender (withdrawn if it waits unsigned) and says whether the
    leader can send it now."""
    if submission.state == SubmissionState.SUBMITTED and submission.opened_at is None:
        submission_withdraw(submission=submission, acting_user=leader)
        submission = submission_for(organisation=submission.organisation, cycle=submission.cycle)
    return bool(can_submit(leader, submission))


def _candidate_units(cycle: MonitoringCycle):
    """Second-level units whose package is with them or waits unsigned, in code order."""
    waiting = Submission.objects.filter(
        cycle=cycle, step=Step.UNIT_TO_PRIMARY, state=SubmissionState.SUBMITTED, opened_at__isnull=True
    ).values("organisation")
    with_sender = Submission.objects.filter(
        cycle=cycle, step=Step.UNIT_TO_PRIMARY, state__in=(SubmissionState.DRAFT, SubmissionState.RETURNED)
    ).values("organisation")
    return (
        Organisation.objects.filter(
            kind=OrganisationKind.SECONDARY_UNIT, is_classified=False, is_active=True, parent__is_active=True
        )
        .filter(pk__in=waiting.union(with_sender))
        .order_by("code")
    )


def _leaders(cycle: MonitoringCycle, count: int, password_hash: str) -> list[LoadAccount]:
    accounts = []
    used: set[int] = set()
    # A second run keeps each leader on the unit it had.
    previous = dict(
        Membership.objects.filter(user__username__startswith=LEADER_PREFIX, role=Role.UNIT_LEADER)
        .order_by("id")
        .values_list("user__username", "organisation")
    )
    candidates = iter(_candidate_units(cycle))
    for number in range(1, count + 1):
        username = f"{LEADER_PREFIX}{number:03d}"
        user = _account(username, password_hash, f"压测负责人{number}")
        unit = None
        if username in previous:
            unit = Organisation.objects.get(pk=previous[username])
            if not _sendable(user, submission_for(organisation=unit, cycle=cycle)):
                raise ValidationError(f"{username} 的单位“{unit.name}”的材料现在不能报送。")
        else:
            for candidate in candidates:
                submission = submission_for(organisation=candidate, cycle=cycle)
                if candidate.pk in used or (not submission.is_sent and submission_problems(submission)):
                    continue
                _ensure_role(user, candidate, Role.UNIT_LEADER)
                if not _sendable(user, submission):
                    raise ValidationError(f"二级单位“{candidate.name}”的材料撤回后仍不能报送。")
                unit = candidate
                break
            if unit is None:
                raise ValidationError(f"可供报送的二级单位不足 {count} 个（找到 {len(accounts)} 个）。")
        used.add(unit.pk)
        accounts.append(LoadAccount(username=username, unit=unit.pk))
    return accounts


def _fillers(cycle: MonitoringCycle, count: int, password_hash: str, excluded: set[int]) -> list[LoadAccount]:
    """One report still with its unit per filler, spread over as many units as there are fillers."""
    reports = (
        AnalysisReport.objects.filter(
            cycle=cycle,
            locked=False,
            project__owner__is_classified=False,
            project__owner__is_active=True,
        )
        .filter(Exists(Indicator.objects.filter(version=OuterRef("target_version"))))
        .exclude(project__owner__in=excluded)
        .select_related("project__owner")
        .order_by("project__owner__code", "project__code")
    )
    first_of_unit, others = [], []
    seen: set[int] = set()
    for report in reports.iterator(chunk_size=2000):
        (others if report.project.owner_id in seen else first_of_unit).append(report)
        seen.add(report.project.owner_id)
        if len(first_of_unit) >= count:
            break
    chosen = (first_of_unit + others)[:count]
    if len(chosen) < count:
        raise ValidationError(f"可供填报的监控分析表不足 {count} 张（找到 {len(chosen)} 张）。")
    accounts = []
    for number, report in enumerate(chosen, start=1):
        username = f"{FILLER_PREFIX}{number:03d}"
        user = _account(username, password_hash, f"压测填报人{number}")
        _ensure_role(user, report.project.owner, Role.FILLER)
        accounts.append(
            LoadAccount(username=username, unit=report.project.owner_id, project=report.project_id)
        )
    return accounts


def signed_in(username: str) -> str:
    """A session of the account, as signing in leaves one: on the deadline day people are already signed
    in, and a hundred Argon2 checks at once would measure the password hash, not the day's work."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def prepare_load(*, fillers: int, leaders: int, password: str) -> dict:
    """The plan the locustfile plays and the checker compares with: who does what, and the stored counts
    before the load starts."""
    cycle = cycle_current()
    if cycle is None:
        raise ValidationError("没有进行中的年度监控周期。")
    password_hash = make_password(password)
    with transaction.atomic():
        leader_accounts = _leaders(cycle, leaders, password_hash)
        filler_accounts = _fillers(cycle, fillers, password_hash, {a.unit for a in leader_accounts})
    revisions = dict(
        AnalysisReport.objects.filter(
            cycle=cycle, project__in=[a.project for a in filler_accounts]
        ).values_list("project", "revision")
    )
    return {
        "cycle": cycle.pk,
        "password": password,
        "token_field": TOKEN_FIELD,
        "transitions_before": SubmissionTransition.objects.aggregate(last=Max("id"))["last"] or 0,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "fillers": [
            {
                "username": a.username,
                "session": signed_in(a.username),
                "unit": a.unit,
                "project": a.project,
                "revision": revisions[a.project],
            }
            for a in filler_accounts
        ],
        "leaders": [
            {"username": a.username, "session": signed_in(a.username), "unit": a.unit}
            for a in leader_accounts
        ],
    }
