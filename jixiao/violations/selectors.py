"""Reads of the violations register: every one starts from `violation_list`, which is empty for anyone but
the supervision section and the bureau leaders (another person's id answers 404, never 403)."""

import re
from dataclasses import dataclass

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from jixiao.core.search import narrowed, text_search_q
from jixiao.organisations.models import Organisation
from jixiao.organisations.selectors import organisation_list, unit_scope_q
from jixiao.projects.models import Project
from jixiao.projects.selectors import project_visible
from jixiao.violations.models import ViolationCase, ViolationTransition
from jixiao.violations.policy import can_view_violations


def violation_list(*, user) -> QuerySet[ViolationCase]:
    """Cases of the units the reader may see (classified units stay with their own people)."""
    if not can_view_violations(user):
        return ViolationCase.objects.none()
    return ViolationCase.objects.filter(unit_scope_q(user, via="organisation__"))


def violation_get(*, user, pk: int) -> ViolationCase:
    return get_object_or_404(
        violation_list(user=user).select_related("organisation", "project", "registered_by"), pk=pk
    )


# A case is also found by its number, whole (违规〔2026〕12号) or just the id.
CASE_NUMBER = re.compile(r"(?:违规〔\d{4}〕)?(\d{1,9})号?")


@dataclass(frozen=True)
class ViolationFilters:
    q: str = ""
    state: str = ""
    law: str = ""
    unit: int | None = None
    year: int | None = None
    invalid: bool = False  # a filter that does not make sense lists nothing rather than everything


def violation_search(*, user, filters: ViolationFilters) -> QuerySet[ViolationCase]:
    """The register as listed and exported: the filters only ever narrow the reader's scope."""
    cases = violation_list(user=user).select_related("organisation", "project")
    if filters.invalid:
        return cases.none()
    if filters.q:
        cases = cases.filter(
            text_search_q(
                filters.q,
                ["title", "facts", "organisation__name", "project__code", "project__name", "article"],
                number=CASE_NUMBER,
            )
        )
    cases = narrowed(
        cases,
        state=filters.state,
        law=filters.law,
        organisation_id=filters.unit,
        registered_at__year=filters.year,
    )
    return cases.order_by("-registered_at", "-id")


def violation_history(case: ViolationCase) -> QuerySet[ViolationTransition]:
    return case.transitions.select_related("organisation").order_by("at", "id")


def violation_units(*, user) -> QuerySet[Organisation]:
    """Units a case may be registered against: those the reader sees."""
    if not can_view_violations(user):
        return Organisation.objects.none()
    return organisation_list(user=user).order_by("code")


def violation_project(*, user, unit: Organisation, code: str) -> Project | None:
    """The unit's project with that code (the latest year's when codes repeat across years)."""
    return project_visible(user).filter(owner=unit, code=code.strip()).order_by("-year").first()
