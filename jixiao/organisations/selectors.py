"""Who may see which organisation's business data (domain.md §1).

Every read of business data starts here: `unit_scope_q` turns a person's memberships into one filter
that other apps apply through a relation ("owner__" for projects), so the rule lives in one place.
"""

from functools import cache, reduce
from operator import or_

from django.db.models import Q, QuerySet

from jixiao.core.statements import column, columns, instance_from_row, rows_of, table
from jixiao.organisations.models import (
    BUDGET_UNIT_KINDS,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
)

UNIT_ROLES = {Role.FILLER, Role.UNIT_LEADER}
# Roles that handle business data (the sysadmin and the auditor never do).
BUSINESS_ROLES = {
    *UNIT_ROLES,
    Role.COUNTERPART_STAFF,
    Role.SUPERVISION_STAFF,
    Role.BUREAU_LEADER,
    Role.AGENCY_STAFF,
    Role.DATA_MANAGER,
}
# Business roles that work with units and their packages (an agency only tracks the projects entrusted to
# it; the data manager keeps the figures loaded from the budget and treasury systems).
UNIT_BROWSING_ROLES = BUSINESS_ROLES - {Role.AGENCY_STAFF, Role.DATA_MANAGER}
DISTRICT_WIDE_ROLES = {Role.SUPERVISION_STAFF, Role.BUREAU_LEADER}
# Roles that see every unclassified unit's projects: the district-wide ones and the data manager, who
# maintains them.
PROJECT_WIDE_ROLES = DISTRICT_WIDE_ROLES | {Role.DATA_MANAGER}
_NOTHING = Q(pk__in=[])


def memberships_of(user) -> list[Membership]:
    """The person's memberships with their organisations, loaded once per user object."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_jixiao_memberships", None)
    return _memberships_read(user) if cached is None else cached


def viewer_scope(user) -> list[tuple[str, int]]:
    """The person's roles and organisations (active ones), sorted: people with the same see the same, so
    a figure cached for what a person may see can be keyed on this."""
    return sorted((m.role, m.organisation_id) for m in memberships_of(user) if m.organisation.is_active)


def memberships_joined(user_alias: str) -> tuple[str, str]:
    """The select list and the joins that read a person's memberships with their organisations in the
    person's own statement (`user_alias` names the person's table): one row per membership, or one row of
    nulls for a person without any. `memberships_from_rows` reads them back from the same place."""
    select = (
        f"{column(Membership, 'id', 'm')}, {column(Membership, 'role', 'm')}, {columns(Organisation, 'o')}"
    )
    joins = (
        f"LEFT OUTER JOIN {table(Membership)} m ON {column(Membership, 'user', 'm')} = {column(User, 'id', user_alias)} "
        f"LEFT OUTER JOIN {table(Organisation)} o "
        f"ON {column(Organisation, 'id', 'o')} = {column(Membership, 'organisation', 'm')}"
    )
    return select, joins


def memberships_from_rows(user, rows: list[tuple], start: int) -> None:
    """Keep on `user` the memberships read by `memberships_joined`'s columns, which begin at `start`."""
    memberships = []
    for row in rows:
        membership_id, role = row[start], row[start + 1]
        if membership_id is None:
            continue
        organisation = instance_from_row(Organisation, row, start + 2)
        membership = Membership.from_db(
            organisation._state.db,
            ["id", "user_id", "organisation_id", "role"],
            [membership_id, user.pk, organisation.pk, role],
        )
        membership.organisation = organisation
        memberships.append(membership)
    memberships.sort(key=lambda m: m.pk)
    user._jixiao_memberships = memberships


@cache
def _memberships_sql() -> str:
    select, joins = memberships_joined("u")
    return f"SELECT {select} FROM {table(User)} u {joins} WHERE {column(User, 'id', 'u')} = %s"


def _memberships_read(user) -> list[Membership]:
    """The memberships of a person read some other way than signing in (`SignedInBackend` reads them with
    the person)."""
    memberships_from_rows(user, rows_of(_memberships_sql(), [user.pk]), 0)
    return user._jixiao_memberships


def roles_of(user) -> set[str]:
    return {m.role for m in memberships_of(user) if m.organisation.is_active}


def _any(conditions: list[Q]) -> Q:
    return reduce(or_, conditions) if conditions else _NOTHING


def unit_scope_q(user, via: str = "") -> Q:
    """Filter for the budget units whose data the person may see, reached through the `via` relation."""
    memberships = [m for m in memberships_of(user) if m.organisation.is_active]
    roles = {m.role for m in memberships}
    unit_kinds = Q(**{f"{via}kind__in": BUDGET_UNIT_KINDS})

    if roles & PROJECT_WIDE_ROLES:
        reach = Q()
    else:
        paths = [m.organisation.path for m in memberships if m.role in UNIT_ROLES]
        section_ids = [m.organisation_id for m in memberships if m.role == Role.COUNTERPART_STAFF]
        if section_ids:
            paths += list(
                Organisation.objects.filter(counterpart_section_id__in=section_ids).values_list(
                    "path", flat=True
                )
            )
        if not paths:
            return _NOTHING
        reach = _any([Q(**{f"{via}path__startswith": path}) for path in paths])

    # A classified unit is shown only to its own people (or those of a classified unit above it).
    own_classified = [
        m.organisation.path for m in memberships if m.role in UNIT_ROLES and m.organisation.is_classified
    ]
    classified_ok = Q(**{f"{via}is_classified": False}) | _any(
        [Q(**{f"{via}path__startswith": path}) for path in own_classified]
    )
    return unit_kinds & reach & classified_ok


def subtree_q(units, via: str = "") -> Q:
    """Filter for the given units and everything below them."""
    return _any([Q(**{f"{via}path__startswith": unit.path}) for unit in units])


def organisation_list(*, user) -> QuerySet[Organisation]:
    """Budget units the person may see."""
    return Organisation.objects.filter(unit_scope_q(user))


def organisation_get(*, user, pk) -> Organisation:
    """One visible unit, or Http404 — an outsider never learns whether the id exists."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(organisation_list(user=user), pk=pk)


def agency_ids_of(user) -> list[int]:
    return [
        m.organisation_id
        for m in memberships_of(user)
        if m.role == Role.AGENCY_STAFF
        and m.organisation.kind == OrganisationKind.AGENCY
        and m.organisation.is_active
    ]


def primary_organisation(user) -> Organisation | None:
    """The organisation a person mainly works for, shown in the header and on the home page."""
    memberships = memberships_of(user)
    return memberships[0].organisation if memberships else None
