"""Reads of step 5 and 6 (第十一条 4, 第十三条): issued 附件2 items scoped to what the person may see.

Every read starts from `rectification_item_list` (another unit's item is a 404, never a 403).
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jixiao.monitoring.models import MonitoringCycle
from jixiao.organisations.selectors import unit_scope_q
from jixiao.review.models import Evidence, Feedback, FeedbackItem, FeedbackState, RectificationState

# ---------------------------------------------------------------------------------------------------
# Selectors


def rectification_item_list(*, user) -> QuerySet[FeedbackItem]:
    """Items of issued 附件2 whose unit the person may see: its own people, its section, the district roles."""
    return FeedbackItem.objects.filter(feedback__state=FeedbackState.ISSUED).filter(
        unit_scope_q(user, via="feedback__organisation__")
    )


def rectification_item_get(*, user, pk: int) -> FeedbackItem:
    return get_object_or_404(
        rectification_item_list(user=user).select_related(
            "feedback__organisation", "feedback__cycle", "project"
        ),
        pk=pk,
    )


def issued_feedback_list(*, user) -> QuerySet[Feedback]:
    return Feedback.objects.filter(state=FeedbackState.ISSUED).filter(
        unit_scope_q(user, via="organisation__")
    )


def issued_feedback_get(*, user, pk: int) -> Feedback:
    return get_object_or_404(
        issued_feedback_list(user=user).select_related("organisation__counterpart_section", "cycle"), pk=pk
    )


def evidence_get(*, user, pk: int) -> Evidence:
    """A file is readable by exactly the people who may see its item."""
    return get_object_or_404(
        Evidence.objects.filter(item__in=rectification_item_list(user=user)).select_related(
            "item__feedback__organisation"
        ),
        pk=pk,
    )


def overdue_items(*, user) -> QuerySet[FeedbackItem]:
    """Items past their due date and not yet verified (第十三条), in the person's scope, any cycle.

    The bureau's district roles see the whole district, a section its units, a unit its own.
    """
    return (
        rectification_item_list(user=user)
        .exclude(state=RectificationState.VERIFIED)
        .filter(due_date__lt=timezone.localdate())
        .select_related("feedback__organisation", "feedback__cycle", "project")
        .order_by("due_date", "feedback__organisation__code", "position")
    )


def feedback_closed(feedback: Feedback) -> bool:
    """Issued and every item verified (a 附件2 without items has nothing to rectify)."""
    return (
        feedback.state == FeedbackState.ISSUED
        and not feedback.items.exclude(state=RectificationState.VERIFIED).exists()
    )


def cycle_rectification_closed(cycle: MonitoringCycle) -> bool:
    """The round's rectification is closed once every 附件2 of the cycle is issued and all its items verified.

    A cycle with no 附件2 yet, or with one still being drafted, is not closed.
    """
    feedbacks = Feedback.objects.filter(cycle=cycle)
    return (
        feedbacks.exists()
        and not feedbacks.exclude(state=FeedbackState.ISSUED).exists()
        and not FeedbackItem.objects.filter(feedback__cycle=cycle)
        .exclude(state=RectificationState.VERIFIED)
        .exists()
    )


@dataclass(frozen=True)
class FeedbackProgress:
    """One unit's 附件2 in the overview: how many items stand where."""

    feedback: Feedback
    total: int
    open: int
    responded: int
    sent_back: int
    verified: int
    overdue: int

    @property
    def closed(self) -> bool:
        return self.verified == self.total


def rectification_progress(*, user, cycle: MonitoringCycle) -> list[FeedbackProgress]:
    """Counts per issued 附件2 of the cycle in the person's scope, one query."""
    today = timezone.localdate()
    states = {
        "open": RectificationState.OPEN,
        "responded": RectificationState.RESPONDED,
        "sent_back": RectificationState.SENT_BACK,
        "verified": RectificationState.VERIFIED,
    }
    rows = (
        issued_feedback_list(user=user)
        .filter(cycle=cycle)
        .select_related("organisation", "cycle")
        .annotate(
            n_total=Count("items"),
            **{f"n_{name}": Count("items", filter=Q(items__state=state)) for name, state in states.items()},
            n_overdue=Count(
                "items",
                filter=Q(items__due_date__lt=today) & ~Q(items__state=RectificationState.VERIFIED),
            ),
        )
        .order_by("organisation__kind", "organisation__code")
    )
    return [
        FeedbackProgress(
            feedback=row,
            total=row.n_total,
            open=row.n_open,
            responded=row.n_responded,
            sent_back=row.n_sent_back,
            verified=row.n_verified,
            overdue=row.n_overdue,
        )
        for row in rows
    ]
