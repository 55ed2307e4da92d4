"""The API's reads: each starts from the visibility selectors the pages use, never from a rule of its own."""

from django.db.models import Prefetch, QuerySet

from jixiao.monitoring.models import AnalysisReport
from jixiao.monitoring.selectors import cycle_list
from jixiao.organisations.selectors import organisation_list
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
