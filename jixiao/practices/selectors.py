"""Reads of the good-practice list: scoped to the units the person sees (another unit's id is a 404)."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from jixiao.monitoring.models import AnalysisReport, MonitoringCycle
from jixiao.organisations.models import Organisation, OrganisationKind
from jixiao.organisations.selectors import organisation_list, unit_scope_q
from jixiao.practices.models import Practice, PracticeState
from jixiao.practices.policy import can_view_practice_list
from jixiao.projects.selectors import project_visible
from jixiao.workflow.models import SENT_STATES, Step, Submission


def practice_scope(*, user) -> QuerySet[Practice]:
    """Marks on the material of the units the person sees (a unit sees its own)."""
    return Practice.objects.filter(unit_scope_q(user, via="organisation__"))


@dataclass(frozen=True)
class PracticeFilters:
    section: int | None = None
    unit: int | None = None
    source: str = ""
    invalid: bool = False  # a filter that does not make sense lists nothing rather than everything


def _section_q(section_id: int, via: str = "organisation__") -> Q:
    """A unit served by the section: a town or first-level unit directly, a second-level one by its parent."""
    return Q(**{f"{via}counterpart_section_id": section_id}) | Q(
        **{f"{via}parent__counterpart_section_id": section_id}
    )


def practice_list(*, user, cycle: MonitoringCycle, filters: PracticeFilters) -> QuerySet[Practice]:
    """The practices promoted in the cycle, for the bureau's sections and leaders."""
    if not can_view_practice_list(user) or filters.invalid:
        return Practice.objects.none()
    practices = practice_scope(user=user).filter(cycle=cycle, state=PracticeState.PROMOTED)
    if filters.section:
        practices = practices.filter(_section_q(filters.section))
    if filters.unit:
        practices = practices.filter(
            Q(organisation_id=filters.unit) | Q(organisation__parent_id=filters.unit)
        )
    if filters.source:
        practices = practices.filter(source=filters.source)
    return practices.select_related(
        "organisation__parent", "report__project", "submission", "marked_by"
    ).order_by("organisation__code", "source", "report__project__code", "id")


def practice_get(*, user, pk: int) -> Practice:
    practices = practice_scope(user=user) if can_view_practice_list(user) else Practice.objects.none()
    return get_object_or_404(practices.select_related("organisation", "cycle"), pk=pk)


def report_candidates(*, user, cycle: MonitoringCycle, filters: PracticeFilters) -> QuerySet[AnalysisReport]:
    """Sent 附件1 of the cycle that describe an innovative practice, with their mark if any."""
    if not can_view_practice_list(user) or filters.invalid:
        return AnalysisReport.objects.none()
    reports = AnalysisReport.objects.filter(
        cycle=cycle, locked=True, project__in=project_visible(user).values("pk")
    ).exclude(narrative_innovation="")
    if filters.section:
        reports = reports.filter(_section_q(filters.section, via="project__owner__"))
    if filters.unit:
        reports = reports.filter(
            Q(project__owner_id=filters.unit) | Q(project__owner__parent_id=filters.unit)
        )
    return reports.select_related("project__owner", "practice").order_by(
        "project__owner__code", "project__code"
    )


def explanation_candidates(*, user, cycle: MonitoringCycle, filters: PracticeFilters) -> QuerySet[Submission]:
    """Sent 书面说明材料 of the cycle that describe an innovative practice, with their mark if any."""
    if not can_view_practice_list(user) or filters.invalid:
        return Submission.objects.none()
    packages = Submission.objects.filter(
        cycle=cycle,
        step=Step.UNIT_TO_PRIMARY,
        state__in=SENT_STATES,
        organisation__in=organisation_list(user=user).values("pk"),
    ).exclude(narrative_innovation="")
    if filters.section:
        packages = packages.filter(_section_q(filters.section))
    if filters.unit:
        packages = packages.filter(Q(organisation_id=filters.unit) | Q(organisation__parent_id=filters.unit))
    return packages.select_related("organisation", "practice").order_by("organisation__code")


def candidate_report_get(*, user, pk: int) -> AnalysisReport:
    reports = AnalysisReport.objects.filter(project__in=project_visible(user).values("pk"))
    if not can_view_practice_list(user):
        reports = reports.none()
    return get_object_or_404(reports.select_related("project__owner", "cycle"), pk=pk)


def candidate_explanation_get(*, user, pk: int) -> Submission:
    packages = Submission.objects.filter(
        step=Step.UNIT_TO_PRIMARY, organisation__in=organisation_list(user=user).values("pk")
    )
    if not can_view_practice_list(user):
        packages = packages.none()
    return get_object_or_404(packages.select_related("organisation", "cycle"), pk=pk)


def practice_sections() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.COUNTERPART_SECTION, is_active=True).order_by(
        "code"
    )


def practice_units(*, user) -> QuerySet[Organisation]:
    """Towns and first-level units the person sees (a filter on one also shows its second-level units)."""
    return organisation_list(user=user).filter(parent__isnull=True).order_by("code")


def promoted_practice_of(*, user, report=None, submission=None) -> Practice | None:
    """The promoted mark on this 附件1 or 书面说明材料, as its own unit and the bureau see it."""
    practices = practice_scope(user=user).filter(state=PracticeState.PROMOTED)
    if report is not None:
        return practices.filter(report=report).first()
    return practices.filter(submission=submission).first()
