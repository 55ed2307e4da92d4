"""Reads of oversight actions, scoped to the person (another unit's or agency's action is a 404).

The bureau's sections and leaders see the actions on the units they see; a unit sees those on itself
(and the units below it) once started; an agency sees the 委托跟踪监控 assigned to it.
"""

import re
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from jixiao.core.search import narrowed, text_search_q
from jixiao.organisations.models import Organisation, OrganisationKind, User
from jixiao.organisations.selectors import (
    UNIT_ROLES,
    agency_ids_of,
    organisation_list,
    roles_of,
    unit_scope_q,
)
from jixiao.oversight.models import (
    Attachment,
    Finding,
    OversightAction,
    OversightKind,
    OversightState,
    OversightTransition,
)
from jixiao.oversight.policy import BUREAU_ROLES
from jixiao.projects.models import Project
from jixiao.projects.selectors import project_visible
from jixiao.rectification.models import RectificationItem
from jixiao.rectification.selectors import rectification_item_list


def oversight_list(*, user) -> QuerySet[OversightAction]:
    roles = roles_of(user)
    scope = Q(pk__in=[])
    if roles & BUREAU_ROLES:
        scope |= unit_scope_q(user, via="organisation__")
    elif roles & UNIT_ROLES:
        scope |= unit_scope_q(user, via="organisation__") & ~Q(state=OversightState.PLANNED)
    agency_ids = agency_ids_of(user)
    if agency_ids:
        scope |= Q(kind=OversightKind.ENTRUSTED, agency_id__in=agency_ids, organisation__is_classified=False)
    return OversightAction.objects.filter(scope)


def oversight_get(*, user, pk: int) -> OversightAction:
    return get_object_or_404(
        oversight_list(user=user).select_related(
            "organisation", "project", "rectification_item", "agency", "created_by", "answered_by"
        ),
        pk=pk,
    )


# An action is also found by its number, whole (监督〔2026〕12号) or just the id.
ACTION_NUMBER = re.compile(r"(?:监督〔\d{4}〕)?(\d{1,9})号?")


@dataclass(frozen=True)
class OversightFilters:
    q: str = ""
    kind: str = ""
    state: str = ""
    unit: int | None = None
    year: int | None = None
    invalid: bool = False  # a filter that does not make sense lists nothing rather than everything


def oversight_search(*, user, filters: OversightFilters) -> QuerySet[OversightAction]:
    """The list page: the filters only ever narrow the person's scope."""
    actions = oversight_list(user=user).select_related(
        "organisation", "project", "rectification_item", "agency"
    )
    if filters.invalid:
        return actions.none()
    if filters.q:
        actions = actions.filter(
            text_search_q(
                filters.q,
                ["subject", "organisation__name", "project__code", "project__name"],
                number=ACTION_NUMBER,
            )
        )
    actions = narrowed(
        actions,
        kind=filters.kind,
        state=filters.state,
        organisation_id=filters.unit,
        planned_start__year=filters.year,
    )
    return actions.order_by("-planned_start", "-id")


def action_findings(action: OversightAction) -> QuerySet[Finding]:
    """The action's findings with the items they opened (the caller has the action from a selector)."""
    return (
        action.findings.select_related("project__owner", "action__organisation")
        .prefetch_related(Prefetch("rectification_items", queryset=RectificationItem.objects.order_by("id")))
        .order_by("recorded_at", "id")
    )


def action_attachments(action: OversightAction) -> QuerySet[Attachment]:
    return action.attachments.select_related("uploaded_by").order_by("uploaded_at", "id")


def action_history(action: OversightAction) -> QuerySet[OversightTransition]:
    return action.transitions.select_related("organisation").order_by("at", "id")


def finding_get(*, user, pk: int) -> Finding:
    return get_object_or_404(
        Finding.objects.filter(action__in=oversight_list(user=user)).select_related(
            "action__organisation", "project__owner"
        ),
        pk=pk,
    )


def attachment_get(*, user, pk: int) -> Attachment:
    """A file is readable by exactly the people who may see its action."""
    return get_object_or_404(
        Attachment.objects.filter(action__in=oversight_list(user=user)).select_related(
            "action__organisation"
        ),
        pk=pk,
    )


def plannable_units(*, user) -> QuerySet[Organisation]:
    """Units the person could plan an action on: the unclassified units they see."""
    return organisation_list(user=user).filter(is_classified=False).order_by("code")


def plannable_project(*, user, code: str, year: int | None = None) -> Project | None:
    """A visible project by its code (the latest year's when codes repeat across years)."""
    projects = project_visible(user).filter(code=(code or "").strip(), owner__is_classified=False)
    if year:
        projects = projects.filter(year=year)
    return projects.select_related("owner").order_by("-year").first()


def plannable_items(*, user) -> QuerySet[RectificationItem]:
    """Rectification items whose follow-up may be checked: those the person sees."""
    return (
        rectification_item_list(user=user)
        .filter(organisation__is_classified=False)
        .select_related("organisation")
        .order_by("-opened_at", "-id")
    )


def bureau_staff() -> QuerySet:
    """The people who may be named as an action's staff: the bureau's sections and leaders."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__role__in=BUREAU_ROLES,
            memberships__organisation__is_active=True,
        )
        .distinct()
        .order_by("username")
    )


def agencies() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.AGENCY, is_active=True).order_by("code")


def agency_projects(*, user, agency: Organisation) -> QuerySet[Project]:
    """The projects entrusted to an agency, as far as the person sees them."""
    return (
        project_visible(user)
        .filter(agencies=agency)
        .select_related("owner")
        .order_by("year", "owner__code", "code")
    )
