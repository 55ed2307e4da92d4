"""Reads of funding status: of one project the caller has read through a scoped selector, of a list of
projects in the list's own query, and of the projects on hold that a person may see."""

from django.db.models import Count, F, QuerySet, Value
from django.db.models.functions import Coalesce

from jixiao.funding.models import HOLD_STATES, FundingDecision, FundingState, FundingStatus
from jixiao.projects.models import Project
from jixiao.projects.selectors import project_visible


def funding_status_of(project: Project) -> FundingStatus:
    """The project's status; an unsaved `normal` one when no decision was ever taken. A status read with the
    project (`prefetch_related("funding_control")`) is used as it is."""
    relation = type(project).funding_control.related
    if relation.is_cached(project):
        status = relation.get_cached_value(project)
    else:
        status = FundingStatus.objects.filter(project=project).select_related("set_by").first()
    return status if status is not None else FundingStatus(project=project)


def funding_decisions_of(project: Project) -> list[FundingDecision]:
    """The project's decisions, oldest first (its 办理记录)."""
    return list(
        FundingDecision.objects.filter(subject__project=project)
        .select_related("organisation")
        .order_by("at", "id")
    )


def with_funding_state(queryset: QuerySet, via: str = "") -> QuerySet:
    """Annotate each row with `funding_state` (a FundingState code), joined in the same query.

    `via` reaches the project from another model ("project__").
    """
    return queryset.annotate(
        funding_state=Coalesce(F(f"{via}funding_control__status"), Value(FundingState.NORMAL.value))
    )


def funding_hold_list(*, user) -> QuerySet[FundingStatus]:
    """Projects the person may see that are suspended or stopped now, the latest decision first."""
    return (
        FundingStatus.objects.filter(status__in=HOLD_STATES, project__in=project_visible(user).values("pk"))
        .select_related("project__owner__parent", "project__owner__counterpart_section")
        .order_by("-set_at", "-id")
    )


def funding_holds_by_unit(projects: QuerySet[Project]) -> dict[int, int]:
    """How many of `projects` are on hold, per owning unit, in one query."""
    return dict(
        projects.filter(funding_control__status__in=HOLD_STATES)
        .order_by()
        .values("owner_id")
        .annotate(n=Count("pk"))
        .values_list("owner_id", "n")
    )
