"""Who sees which budget unit and its projects (domain.md §1 "Visibility").

Each row: (user of the district fixture, budget unit, may see it?). Every unit of the district is listed
for every user so that an owner, its parent, a sibling and outsiders are all covered in both directions.
"""

import pytest
from django.http import Http404

from jixiao.organisations.models import Organisation, OrganisationKind, Role, User
from jixiao.organisations.selectors import (
    agency_ids_of,
    organisation_get,
    organisation_list,
    roles_of,
    unit_scope_q,
)
from jixiao.projects.models import Project
from jixiao.testing import SEES, UNITS


@pytest.fixture
def district(shared_district, db):
    """Built once for this module; each test's database changes are rolled back when it ends."""
    return shared_district


CASES = [
    pytest.param(user, unit, unit in visible, id=f"{user}-{'sees' if unit in visible else 'not'}-{unit}")
    for user, visible in SEES.items()
    for unit in UNITS
]


def reload(user: User) -> User:
    """A fresh user object, without the memberships cached on the old one."""
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize(("user", "unit", "visible"), CASES)
def test_unit_visibility(district, user, unit, visible):
    person = getattr(district, user)
    org = getattr(district, unit)
    project = district.projects[unit]

    assert Organisation.objects.filter(unit_scope_q(person), pk=org.pk).exists() is visible
    assert organisation_list(user=person).filter(pk=org.pk).exists() is visible
    assert Project.objects.filter(unit_scope_q(person, via="owner__"), pk=project.pk).exists() is visible
    if visible:
        assert organisation_get(user=person, pk=org.pk) == org
    else:
        with pytest.raises(Http404):
            organisation_get(user=person, pk=org.pk)


@pytest.mark.parametrize("user", list(SEES))
def test_whole_scope_is_exactly_the_expected_set(district, user):
    """No organisation outside the table (sections, bureau, agency) ever appears in a scope."""
    person = getattr(district, user)
    expected = {getattr(district, unit).pk for unit in SEES[user]}
    assert set(organisation_list(user=person).values_list("pk", flat=True)) == expected
    projects = Project.objects.filter(unit_scope_q(person, via="owner__"))
    assert set(projects.values_list("owner_id", flat=True)) == expected
    assert projects.count() == len(expected)  # one project per unit, no duplicates from OR-ed paths


@pytest.mark.parametrize("user", list(SEES))
def test_nonexistent_id_is_the_same_404(district, user):
    missing = Organisation.objects.order_by("-pk").first().pk + 1000
    with pytest.raises(Http404):
        organisation_get(user=getattr(district, user), pk=missing)


def test_anonymous_user_sees_nothing(district):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not organisation_list(user=anonymous).exists()
    assert not Project.objects.filter(unit_scope_q(anonymous, via="owner__")).exists()
    with pytest.raises(Http404):
        organisation_get(user=anonymous, pk=district.s1.pk)


def test_path_prefix_of_another_id_is_not_confused(district, make_user):
    """P1 with id n and a unit with id n0…: the path "/n/" must not reach "/n0…/" nor the reverse."""
    p1 = district.p1
    pk = p1.pk * 100 + 1
    other = Organisation.objects.create(
        pk=pk, code="X", name="编号相近单位", kind=OrganisationKind.PRIMARY_UNIT
    )
    Organisation.objects.filter(pk=pk).update(path=f"/{pk}/")
    assert f"/{pk}/".startswith(f"/{p1.pk}")

    p1_scope = set(organisation_list(user=district.p1_leader).values_list("pk", flat=True))
    assert pk not in p1_scope
    other_leader = make_user(other, Role.UNIT_LEADER)
    assert set(organisation_list(user=other_leader).values_list("pk", flat=True)) == {pk}


# ---------------------------------------------------------------- inactive organisations


@pytest.mark.parametrize(
    ("user", "deactivate"),
    [
        ("s1_filler", "s1"),
        ("p1_leader", "p1"),
        ("town_filler", "town"),
        ("sc_filler", "sc"),
        ("counterpart_a", "section_a"),
        ("counterpart_b", "section_b"),
        ("supervision_staff", "supervision"),
        ("bureau_leader", "bureau"),
    ],
)
def test_membership_in_inactive_organisation_grants_nothing(district, user, deactivate):
    Organisation.objects.filter(pk=getattr(district, deactivate).pk).update(is_active=False)
    person = reload(getattr(district, user))
    assert roles_of(person) == set()
    assert not organisation_list(user=person).exists()
    assert not Project.objects.filter(unit_scope_q(person, via="owner__")).exists()


def test_inactive_membership_does_not_hide_active_one(district):
    """S1's filler also leads S2; deactivating S1 leaves S2 visible."""
    from jixiao.organisations.services import membership_grant

    membership_grant(
        user=district.s1_filler, organisation=district.s2, role=Role.UNIT_LEADER, acting_user=None
    )
    Organisation.objects.filter(pk=district.s1.pk).update(is_active=False)
    person = reload(district.s1_filler)
    assert set(organisation_list(user=person).values_list("pk", flat=True)) == {district.s2.pk}
    assert roles_of(person) == {Role.UNIT_LEADER}


# ---------------------------------------------------------------- agencies


def test_agency_sees_only_assigned_projects(district):
    ids = agency_ids_of(district.agency_staff)
    assert ids == [district.agency.pk]
    assert list(Project.objects.filter(agencies__in=ids)) == [district.project_s3]


@pytest.mark.parametrize("user", [u for u in SEES if u != "agency_staff"])
def test_only_agency_staff_have_agency_ids(district, user):
    assert agency_ids_of(getattr(district, user)) == []


def test_inactive_agency_grants_nothing(district):
    Organisation.objects.filter(pk=district.agency.pk).update(is_active=False)
    person = reload(district.agency_staff)
    assert roles_of(person) == set()
    assert agency_ids_of(person) == []
