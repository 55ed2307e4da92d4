"""Reads of goal adjustments, scoped to the units the person may see (another unit's request is a 404)."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from jixiao.adjustments.models import PENDING_STATES, AdjustmentTransition, GoalAdjustment
from jixiao.organisations.models import Role
from jixiao.organisations.selectors import memberships_of, unit_scope_q


def adjustment_visible(*, user) -> QuerySet[GoalAdjustment]:
    """Requests of the projects of the units the person may see: the unit and those above it, its
    counterpart section, the supervision section and the bureau leaders."""
    return GoalAdjustment.objects.filter(unit_scope_q(user, via="project__owner__"))


def adjustment_get(*, user, pk: int) -> GoalAdjustment:
    return get_object_or_404(
        adjustment_visible(user=user).select_related(
            "project__owner",
            "project__current_target",
            "cycle",
            "counterpart_section",
            "base_version",
            "new_version",
            "created_by",
        ),
        pk=pk,
    )


def adjustment_history(adjustment: GoalAdjustment) -> list[AdjustmentTransition]:
    """The request's 办理记录, oldest first."""
    return list(adjustment.transitions.select_related("organisation").order_by("at", "id"))


def adjustment_pending_for(*, user) -> QuerySet[GoalAdjustment]:
    """Sent requests still waiting for a section the person decides for: urgent first, then the longest
    waiting."""
    waiting = Q(pk__in=[])
    for m in memberships_of(user):
        if not m.organisation.is_active:
            continue
        if m.role == Role.COUNTERPART_STAFF:
            waiting |= Q(counterpart_section_id=m.organisation_id, counterpart_approved_at__isnull=True)
        elif m.role == Role.SUPERVISION_STAFF:
            waiting |= Q(supervision_approved_at__isnull=True)
    return (
        adjustment_visible(user=user)
        .filter(waiting, state__in=PENDING_STATES)
        .select_related("project__owner", "counterpart_section")
        .order_by("-urgent", "submitted_at", "id")
    )


def adjustment_list(*, user, state: str = "") -> QuerySet[GoalAdjustment]:
    """Every request the person may see that has been sent (drafts stay with their unit), or of one state,
    newest first."""
    queryset = adjustment_visible(user=user).exclude(submitted_at__isnull=True)
    if state:
        queryset = queryset.filter(state=state)
    return queryset.select_related("project__owner", "counterpart_section").order_by("-submitted_at", "-id")


def adjustment_of_project(*, user, project) -> QuerySet[GoalAdjustment]:
    """A project's requests, newest first (the project is already one the person may see)."""
    return adjustment_visible(user=user).filter(project=project).order_by("-created_at", "-id")
