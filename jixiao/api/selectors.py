"""The API's reads: each starts from the visibility selectors the pages use, never from a rule of its own."""

from django.db.models import Prefetch, QuerySet

from jixiao.adjustments.models import AdjustedIndicator, AdjustmentTransition, GoalAdjustment
from jixiao.adjustments.selectors import adjustment_visible
from jixiao.dispositions.models import DispositionTransition, WarningDisposition
from jixiao.monitoring.models import AnalysisReport
from jixiao.monitoring.selectors import cycle_list
from jixiao.organisations.models import Role
from jixiao.organisations.selectors import UNIT_ROLES, organisation_list, roles_of, unit_scope_q
from jixiao.practices.models import Practice, PracticeState
from jixiao.practices.selectors import practice_scope
from jixiao.projects.models import Indicator, ProjectMonth, TargetVersion
from jixiao.projects.selectors import project_visible
from jixiao.workflow.models import Submission


def target_version_list(*, user) -> QuerySet[TargetVersion]:
    """Goals and indicators of the projects the person may see."""
    return (
        TargetVersion.objects.filter(project__in=project_visible(user).values("pk"))
        .prefetch_related(Prefetch("indicators", queryset=Indicator.objects.order_by("position")))
        .order_by("project_id", "number")
    )


def payment_list(*, user) -> QuerySet[ProjectMonth]:
    return ProjectMonth.objects.filter(project__in=project_visible(user).values("pk")).order_by(
        "project_id", "month"
    )


def report_list(*, user) -> QuerySet[AnalysisReport]:
    """附件1 whose project and cycle the person may see, as on the project's page (`report_for`)."""
    return (
        AnalysisReport.objects.filter(
            project__in=project_visible(user).values("pk"), cycle__in=cycle_list(user=user).values("pk")
        )
        .prefetch_related("entries", "warnings")
        .order_by("cycle_id", "project_id")
    )


def package_list(*, user) -> QuerySet[Submission]:
    """Packages of the units whose package page the person may open (`package_unit_get`, `cycle_get`)."""
    return Submission.objects.filter(
        organisation__in=organisation_list(user=user).filter(is_classified=False).values("pk"),
        cycle__in=cycle_list(user=user).values("pk"),
    ).order_by("cycle_id", "organisation_id", "step")


# Who opens the goal-adjustment and disposition pages (and sees a practice's mark): the units' fillers and
# leaders, both sections and the bureau leaders; the data manager, the agencies and the administrators do not.
RESULT_READERS = UNIT_ROLES | {Role.COUNTERPART_STAFF, Role.SUPERVISION_STAFF, Role.BUREAU_LEADER}


def _reads_results(user) -> bool:
    return bool(roles_of(user) & RESULT_READERS)


def _history(model):
    return Prefetch("transitions", queryset=model.objects.select_related("organisation").order_by("at", "id"))


def goal_adjustment_list(*, user) -> QuerySet[GoalAdjustment]:
    """Goal adjustments as the request page shows them (`adjustment_get`), with indicators and 办理记录."""
    if not _reads_results(user):
        return GoalAdjustment.objects.none()
    return (
        adjustment_visible(user=user)
        .select_related("base_version", "new_version")
        .prefetch_related(
            Prefetch(
                "indicators",
                queryset=AdjustedIndicator.objects.select_related("indicator").order_by(
                    "indicator__position"
                ),
            ),
            _history(AdjustmentTransition),
        )
        .order_by("-created_at", "-id")
    )


def disposition_list(*, user) -> QuerySet[WarningDisposition]:
    """Red-warning dispositions of the units and cycles whose disposition page the person may open."""
    if not _reads_results(user):
        return WarningDisposition.objects.none()
    return (
        WarningDisposition.objects.filter(
            unit_scope_q(user, via="organisation__"), cycle__in=cycle_list(user=user).values("pk")
        )
        .prefetch_related(_history(DispositionTransition))
        .order_by("cycle_id", "organisation_id", "project_id")
    )


def practice_api_list(*, user) -> QuerySet[Practice]:
    """Promoted practices: the bureau's sections and leaders see their units' (the list page), a unit its
    own marks (as on its 附件1 and package pages)."""
    if not _reads_results(user):
        return Practice.objects.none()
    return (
        practice_scope(user=user)
        .filter(state=PracticeState.PROMOTED)
        .select_related("report")
        .order_by("cycle_id", "organisation_id", "id")
    )
