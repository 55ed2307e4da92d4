"""Reads of the rectification register (第十一条 4, 第十三条), scoped to what the person may see.

Every read starts from `rectification_item_list`: the unit's own people and the units above it, the
bureau's sections for their units and the district roles for every unit, a classified unit's items only
its own people (another unit's item is a 404, never a 403).
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.shortcuts import get_object_or_404
from django.utils import timezone

from jixiao.core.search import narrowed
from jixiao.monitoring.models import MonitoringCycle
from jixiao.organisations.models import Organisation
from jixiao.organisations.selectors import unit_scope_q
from jixiao.rectification.models import Evidence, RectificationItem, RectificationSource, RectificationState
from jixiao.review.models import Feedback, FeedbackState

# ---------------------------------------------------------------------------------------------------
# Selectors


def rectification_item_list(*, user) -> QuerySet[RectificationItem]:
    """Items of the units the person may see."""
    return RectificationItem.objects.filter(unit_scope_q(user, via="organisation__"))


def rectification_item_get(*, user, pk: int) -> RectificationItem:
    return get_object_or_404(
        rectification_item_list(user=user).select_related(
            "organisation__counterpart_section", "issuing_organisation", "cycle", "project", "feedback_item"
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


def feedback_rectification_items(feedback: Feedback) -> QuerySet[RectificationItem]:
    """The items a 附件2 opened, in its order (the caller has the 附件2 from a scoped selector)."""
    return (
        RectificationItem.objects.filter(feedback_item__feedback=feedback)
        .select_related(
            "organisation__counterpart_section", "issuing_organisation", "cycle", "project", "feedback_item"
        )
        .prefetch_related("evidence__uploaded_by")
        .order_by("feedback_item__position")
    )


def evidence_get(*, user, pk: int) -> Evidence:
    """A file is readable by exactly the people who may see its item."""
    return get_object_or_404(
        Evidence.objects.filter(item__in=rectification_item_list(user=user)).select_related(
            "item__organisation", "item__feedback_item"
        ),
        pk=pk,
    )


def _unverified_q(today: date) -> Q:
    return ~Q(state=RectificationState.VERIFIED) & Q(due_date__lt=today)


def overdue_items(*, user) -> QuerySet[RectificationItem]:
    """Items past their due date and not yet verified (第十三条), in the person's scope, any cycle."""
    return (
        rectification_item_list(user=user)
        .filter(_unverified_q(timezone.localdate()))
        .select_related("organisation", "cycle", "project", "feedback_item")
        .order_by("due_date", "organisation__code", "id")
    )


@dataclass(frozen=True)
class RegisterFilter:
    """The register's filters; every field optional."""

    organisation: int | None = None
    kind: str = ""
    state: str = ""
    due_from: date | None = None
    due_to: date | None = None
    overdue: bool = False
    year_end: int | None = None


def register_items(*, user, filters: RegisterFilter) -> QuerySet[RectificationItem]:
    """The register in the person's scope, filtered, ordered by due date; a fixed number of queries."""
    items = rectification_item_list(user=user)
    items = narrowed(
        items,
        organisation_id=filters.organisation,
        kind=filters.kind,
        state=filters.state,
        due_date__gte=filters.due_from,
        due_date__lte=filters.due_to,
    )
    if filters.overdue:
        items = items.filter(_unverified_q(timezone.localdate()))
    if filters.year_end:
        items = items.filter(open_at_year_end_q(filters.year_end))
    return items.select_related(
        "organisation", "issuing_organisation", "cycle", "project", "feedback_item"
    ).order_by("due_date", "organisation__code", "id")


def open_at_year_end_q(year: int) -> Q:
    """Items of `year` (their cycle's year, or opened that year when they have no cycle) not verified by the
    end of 31 December (第十三条: 原则上在当年内完成整改)."""
    end = timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min))
    start = timezone.make_aware(datetime.combine(date(year, 1, 1), time.min))
    of_year = Q(cycle__year=year) | Q(cycle__isnull=True, opened_at__gte=start, opened_at__lt=end)
    not_closed = ~Q(state=RectificationState.VERIFIED) | Q(verified_at__gte=end)
    return of_year & Q(opened_at__lt=end) & not_closed


def register_units(*, user) -> QuerySet[Organisation]:
    """The units with items in the person's scope, for the register's unit filter (one query)."""
    return Organisation.objects.filter(
        pk__in=rectification_item_list(user=user).values("organisation")
    ).order_by("kind", "code")


def register_years(*, user) -> list[int]:
    """Years that have items in the person's scope (by cycle, else by when they were opened)."""
    items = rectification_item_list(user=user).order_by()
    years = set(items.filter(cycle__isnull=False).values_list("cycle__year", flat=True).distinct())
    years |= set(
        items.filter(cycle__isnull=True)
        .annotate(year=ExtractYear("opened_at"))
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(years, reverse=True)


def feedback_closed(feedback: Feedback) -> bool:
    """Issued and every item verified (a 附件2 without items has nothing to rectify)."""
    return (
        feedback.state == FeedbackState.ISSUED
        and not RectificationItem.objects.filter(feedback_item__feedback=feedback)
        .exclude(state=RectificationState.VERIFIED)
        .exists()
    )


def cycle_rectification_closed(cycle: MonitoringCycle) -> bool:
    """The round's rectification is closed once every 附件2 of the cycle is issued and all its items verified.

    A cycle with no 附件2 yet, or with one still being drafted, is not closed.
    """
    feedbacks = Feedback.objects.filter(cycle=cycle)
    return (
        feedbacks.exists()
        and not feedbacks.exclude(state=FeedbackState.ISSUED).exists()
        and not RectificationItem.objects.filter(kind=RectificationSource.FEEDBACK, cycle=cycle)
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
    state = "items__rectification__state"
    rows = (
        issued_feedback_list(user=user)
        .filter(cycle=cycle)
        .select_related("organisation", "cycle")
        .annotate(
            n_total=Count("items"),
            **{f"n_{name}": Count("items", filter=Q(**{state: value})) for name, value in states.items()},
            n_overdue=Count(
                "items",
                filter=Q(items__rectification__due_date__lt=today)
                & ~Q(**{state: RectificationState.VERIFIED}),
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
