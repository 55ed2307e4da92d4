import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jixiao.core.caching import computed_once
from jixiao.monitoring.models import (
    NARRATIVE_FIELDS,
    AnalysisReport,
    CycleKind,
    MonitoringCycle,
)
from jixiao.monitoring.selectors import report_readiness
from jixiao.monitoring.versions import unit_versions
from jixiao.organisations.models import Organisation, OrganisationKind, Role
from jixiao.organisations.selectors import UNIT_ROLES, memberships_of, organisation_list
from jixiao.projects.models import Project
from jixiao.workflow.models import (
    ReturnedProject,
    Step,
    Submission,
    SubmissionReceipt,
    SubmissionReturn,
    SubmissionState,
    SubmissionTransition,
)


def sending_units(*, user) -> list[Organisation]:
    """The units whose package this person prepares or sends (classified units send nothing)."""
    return sorted(
        {
            m.organisation
            for m in memberships_of(user)
            if m.role in UNIT_ROLES and m.organisation.is_active and not m.organisation.is_classified
        },
        key=lambda unit: unit.code,
    )


def package_unit_get(*, user, pk: int) -> Organisation:
    """A unit whose package the person may see (sender side or receiver side), or Http404."""
    return get_object_or_404(organisation_list(user=user).filter(is_classified=False), pk=pk)


def submission_timeline(submission: Submission) -> QuerySet[SubmissionTransition]:
    """The package's 办理记录, from its own transition rows."""
    if submission.pk is None:
        return SubmissionTransition.objects.none()
    return submission.transitions.select_related("organisation").order_by("at", "id")


@dataclass(frozen=True)
class ExpectedPackage:
    """A unit expected to send a package, with where it stands: missing, late, submitted, returned, accepted."""

    unit: Organisation
    submission: Submission | None

    @property
    def status(self) -> str:
        if self.submission is None or self.submission.state == SubmissionState.DRAFT:
            return "missing"
        return self.submission.state

    @property
    def status_label(self) -> str:
        if self.status == "missing":
            return "未报送"
        return self.submission.get_state_display()

    @property
    def late_days(self) -> int:
        if self.submission is None:
            return 0
        return self.submission.late_days


def expected_packages(
    *, senders: QuerySet[Organisation], cycle: MonitoringCycle, step: int
) -> list[ExpectedPackage]:
    senders = list(senders.filter(is_classified=False, is_active=True).order_by("code"))
    submissions = {
        s.organisation_id: s
        for s in Submission.objects.filter(cycle=cycle, step=step, organisation__in=senders).select_related(
            "cycle", "organisation"
        )
    }
    return [ExpectedPackage(unit=unit, submission=submissions.get(unit.pk)) for unit in senders]


def incoming_packages(*, user, cycle: MonitoringCycle) -> list[tuple[str, list[ExpectedPackage]]]:
    """What the person receives: subordinates' packages for a first-level unit, units' packages for the bureau."""
    groups = []
    memberships = [m for m in memberships_of(user) if m.organisation.is_active]
    for m in memberships:
        unit = m.organisation
        if m.role in UNIT_ROLES and unit.kind in (OrganisationKind.PRIMARY_UNIT, OrganisationKind.TOWN):
            children = Organisation.objects.filter(parent=unit, kind=OrganisationKind.SECONDARY_UNIT)
            if children.exists():
                groups.append(
                    (
                        f"{unit.name}下属二级预算单位",
                        expected_packages(senders=children, cycle=cycle, step=Step.UNIT_TO_PRIMARY),
                    )
                )
        if m.role == Role.COUNTERPART_STAFF and cycle.kind == CycleKind.ANNUAL:
            assigned = Organisation.objects.filter(counterpart_section=unit)
            groups.append(
                (
                    f"{unit.name}对口单位",
                    expected_packages(senders=assigned, cycle=cycle, step=Step.UNIT_TO_BUREAU),
                )
            )
    if cycle.kind == CycleKind.SELF_INITIATED:
        return groups  # a self-initiated round stays inside its unit
    if any(m.role in (Role.SUPERVISION_STAFF, Role.BUREAU_LEADER) for m in memberships):
        units = Organisation.objects.filter(kind__in=[OrganisationKind.TOWN, OrganisationKind.PRIMARY_UNIT])
        groups.append(
            ("全区镇和一级预算单位", expected_packages(senders=units, cycle=cycle, step=Step.UNIT_TO_BUREAU))
        )
    return groups


# How long a figure computed for one state of a package's data is kept; a change makes a new key at once.
PACKAGE_FIGURES_SECONDS = 24 * 60 * 60


def package_fingerprint(*, unit: Organisation, cycle: MonitoringCycle) -> str:
    """A digest of the state of everything the package's readiness and draft are computed from, in four
    small queries whatever the size of the unit: the data versions of the unit and its subordinates (their
    projects, budgets, targets, payments, 附件1, warnings and funding holds: `jixiao.monitoring.versions`),
    the subordinate units and their packages, the cycle's period and today (the time progress).

    A change to any of them gives another digest, so what was computed for the old data is never shown."""
    owners = list(Organisation.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
    parts = [
        timezone.localdate().isoformat(),
        (unit.name, cycle.period_end_month, str(cycle.time_progress)),
        unit_versions(owners),
        list(
            Organisation.objects.filter(parent=unit)
            .order_by("pk")
            .values_list("pk", "name", "code", "is_classified", "is_active")
        ),
        list(
            Submission.objects.filter(cycle=cycle, organisation__parent=unit)
            .order_by("pk")
            .values_list("pk", "organisation_id", "step", "state")
        ),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def computed_once_per_change(
    name: str, *, unit: Organisation, cycle: MonitoringCycle, fingerprint: str, compute: Callable
):
    """`compute()` for the state of the unit's data that `fingerprint` (`package_fingerprint`) digests:
    worked out on the first view after a change, then read back. A page takes the fingerprint once and
    reads everything it shows under it."""
    key = f"jixiao:package:{name}:{cycle.pk}:{unit.pk}:{fingerprint}"
    return computed_once(key, compute, seconds=PACKAGE_FIGURES_SECONDS)


def _report_problems(submission: Submission) -> list[str]:
    problems = []
    projects = Project.objects.filter(owner=submission.organisation, year=submission.cycle.year).order_by(
        "code"
    )
    reports = {
        r.project_id: r
        for r in AnalysisReport.objects.filter(cycle=submission.cycle, project__in=projects)
        .select_related("target_version")
        .prefetch_related("warnings", "entries", "target_version__indicators")
    }
    for project in projects:
        report = reports.get(project.pk)
        if report is None:
            problems.append(f"项目“{project.name}”（{project.code}）尚未填报监控分析表")
            continue
        problems += [f"项目“{project.name}”：{problem}" for problem in report_readiness(report)]
    return problems


def submission_problems(submission: Submission, *, fingerprint: str | None = None) -> list[str]:
    """Everything that must be put right before the package can be sent, all at once.

    Read under the `fingerprint` of the unit's data (computed once per state of it) by the page and by the
    submit service, which takes the fingerprint under the lock of the unit's reports; without one, the
    data is checked as it stands."""
    if fingerprint is not None:
        problems = computed_once_per_change(
            "readiness",
            unit=submission.organisation,
            cycle=submission.cycle,
            fingerprint=fingerprint,
            compute=lambda: _report_problems(submission),
        )
    else:
        problems = _report_problems(submission)
    if submission.step == Step.UNIT_TO_PRIMARY:
        problems = problems + [
            f"书面说明材料缺少“{label}”"
            for name, label in NARRATIVE_FIELDS
            if not getattr(submission, name).strip()
        ]
    return problems


def subordinate_packages(submission: Submission) -> list["ExpectedPackage"]:
    """The step-1 packages that come to a first-level unit or town sending to the bureau."""
    if submission.step != Step.UNIT_TO_BUREAU:
        return []
    children = Organisation.objects.filter(
        parent=submission.organisation, kind=OrganisationKind.SECONDARY_UNIT
    )
    return expected_packages(senders=children, cycle=submission.cycle, step=Step.UNIT_TO_PRIMARY)


def pending_subordinates(submission: Submission) -> list["ExpectedPackage"]:
    """Subordinates not accepted yet: sending now means their material reaches the bureau later, as 补报."""
    return [p for p in subordinate_packages(submission) if p.status != SubmissionState.ACCEPTED]


def current_receipts(submission: Submission) -> list[SubmissionReceipt]:
    """Who has signed for the package as it stands sent now (each receiving organisation once)."""
    if submission.pk is None or submission.submitted_at is None:
        return []
    return list(
        submission.receipts.filter(sent_at=submission.submitted_at).select_related(
            "organisation", "signed_by"
        )
    )


def latest_return(submission: Submission) -> SubmissionReturn | None:
    """The return the sender is working on (only while the package stands returned)."""
    if submission.pk is None or submission.state != SubmissionState.RETURNED:
        return None
    return submission.returns.prefetch_related("projects__project").first()


def returned_project_reasons(*, cycle: MonitoringCycle, projects) -> dict[int, ReturnedProject]:
    """For the given projects, their row in the latest return of a package that still stands returned."""
    latest = (
        SubmissionReturn.objects.filter(submission=OuterRef("submission_return__submission"))
        .order_by("-returned_at", "-id")
        .values("pk")[:1]
    )
    rows = ReturnedProject.objects.filter(
        project__in=projects,
        submission_return__submission__cycle=cycle,
        submission_return__submission__state=SubmissionState.RETURNED,
        submission_return=Subquery(latest),
    ).select_related("submission_return__submission__receiver")
    return {row.project_id: row for row in rows}
