"""Memberships: which role may be held in which kind of organisation, 三权分立, audit of grant/revoke."""

import pytest
from django.core.exceptions import ValidationError

from jixiao.audit.models import AuditRecord
from jixiao.organisations.models import Membership, OrganisationKind, Role
from jixiao.organisations.services import membership_grant, membership_revoke


@pytest.fixture
def district(shared_district, db):
    """Built once for this module; each test's database changes are rolled back when it ends."""
    return shared_district


K = OrganisationKind
R = Role

# One organisation of every kind in the district fixture.
ORG_OF_KIND = {
    K.FINANCE_BUREAU: "bureau",
    K.COUNTERPART_SECTION: "section_a",
    K.SUPERVISION_SECTION: "supervision",
    K.TOWN: "town",
    K.PRIMARY_UNIT: "p1",
    K.SECONDARY_UNIT: "s1",
    K.AGENCY: "agency",
}

# Written out from domain.md §1, independently of ROLE_ORGANISATION_KINDS.
ALLOWED = {
    R.FILLER: {K.TOWN, K.PRIMARY_UNIT, K.SECONDARY_UNIT},
    R.UNIT_LEADER: {K.TOWN, K.PRIMARY_UNIT, K.SECONDARY_UNIT},
    R.COUNTERPART_STAFF: {K.COUNTERPART_SECTION},
    R.SUPERVISION_STAFF: {K.SUPERVISION_SECTION},
    R.BUREAU_LEADER: {K.FINANCE_BUREAU},
    R.AGENCY_STAFF: {K.AGENCY},
    R.DATA_MANAGER: {K.FINANCE_BUREAU},
    R.SYSADMIN: {K.FINANCE_BUREAU},
    R.AUDITOR: {K.FINANCE_BUREAU},
}

ROLE_KIND_CASES = [
    pytest.param(role, kind, kind in ALLOWED[role], id=f"{role}-in-{kind}")
    for role in Role.values
    for kind in OrganisationKind.values
]


@pytest.mark.parametrize(("role", "kind", "allowed"), ROLE_KIND_CASES)
def test_role_kind_rules(district, make_user, role, kind, allowed):
    user = make_user()
    org = getattr(district, ORG_OF_KIND[kind])
    if allowed:
        membership = membership_grant(user=user, organisation=org, role=role, acting_user=None)
        assert Membership.objects.filter(pk=membership.pk, user=user, organisation=org, role=role).exists()
    else:
        with pytest.raises(ValidationError) as exc:
            membership_grant(user=user, organisation=org, role=role, acting_user=None)
        assert "role" in exc.value.message_dict
        assert not Membership.objects.filter(user=user).exists()


def test_same_role_twice_in_same_organisation_is_refused(district):
    with pytest.raises(ValidationError):
        membership_grant(user=district.s1_filler, organisation=district.s1, role=R.FILLER, acting_user=None)
    assert Membership.objects.filter(user=district.s1_filler).count() == 1


def test_person_may_hold_several_business_roles(district):
    user = district.s1_filler
    membership_grant(user=user, organisation=district.s1, role=R.UNIT_LEADER, acting_user=None)
    membership_grant(user=user, organisation=district.s2, role=R.FILLER, acting_user=None)
    assert set(user.memberships.values_list("organisation__code", "role")) == {
        ("S1", R.FILLER),
        ("S1", R.UNIT_LEADER),
        ("S2", R.FILLER),
    }


# (first role, its organisation, second role, its organisation)
EXCLUSIVE_CASES = [
    (R.SYSADMIN, "bureau", R.BUREAU_LEADER, "bureau"),
    (R.SYSADMIN, "bureau", R.FILLER, "s1"),
    (R.SYSADMIN, "bureau", R.COUNTERPART_STAFF, "section_a"),
    (R.SYSADMIN, "bureau", R.AUDITOR, "bureau"),
    (R.AUDITOR, "bureau", R.SUPERVISION_STAFF, "supervision"),
    (R.AUDITOR, "bureau", R.UNIT_LEADER, "p1"),
    (R.AUDITOR, "bureau", R.AGENCY_STAFF, "agency"),
]


def _both_orders():
    for first, first_org, second, second_org in EXCLUSIVE_CASES:
        yield pytest.param(first, first_org, second, second_org, id=f"{first}-then-{second}")
        yield pytest.param(second, second_org, first, first_org, id=f"{second}-then-{first}")


@pytest.mark.parametrize(("first", "first_org", "second", "second_org"), list(_both_orders()))
def test_sysadmin_and_auditor_are_held_alone(district, make_user, first, first_org, second, second_org):
    """三权分立: the administrator and the auditor hold no other role, whichever is granted first."""
    user = make_user(getattr(district, first_org), first)
    with pytest.raises(ValidationError) as exc:
        membership_grant(user=user, organisation=getattr(district, second_org), role=second, acting_user=None)
    assert "role" in exc.value.message_dict
    assert list(user.memberships.values_list("role", flat=True)) == [first]


def test_sysadmin_role_can_be_revoked_and_other_role_granted(district):
    user = district.sysadmin
    membership_revoke(membership=user.memberships.get(), acting_user=None)
    membership_grant(user=user, organisation=district.bureau, role=R.BUREAU_LEADER, acting_user=None)
    assert list(user.memberships.values_list("role", flat=True)) == [R.BUREAU_LEADER]


def test_grant_writes_audit_row(district):
    admin = district.sysadmin
    count = AuditRecord.objects.count()
    membership = membership_grant(
        user=district.nobody, organisation=district.s2, role=R.FILLER, acting_user=admin
    )
    assert AuditRecord.objects.count() == count + 1
    record = AuditRecord.objects.latest("id")
    assert record.action == "membership.grant"
    assert record.actor == admin
    assert record.organisation == district.s2
    assert record.object_type == "organisations.membership"
    assert record.object_id == str(membership.pk)


def test_revoke_deletes_membership_and_writes_audit_row(district):
    admin = district.sysadmin
    membership = district.s1_filler.memberships.get()
    pk = membership.pk
    count = AuditRecord.objects.count()
    membership_revoke(membership=membership, acting_user=admin)
    assert not Membership.objects.filter(pk=pk).exists()
    assert AuditRecord.objects.count() == count + 1
    record = AuditRecord.objects.latest("id")
    assert record.action == "membership.revoke"
    assert record.actor == admin
    assert record.organisation == district.s1
    assert record.object_id == str(pk)


def test_refused_grant_writes_no_audit_row(district):
    count = AuditRecord.objects.count()
    with pytest.raises(ValidationError):
        membership_grant(
            user=district.nobody, organisation=district.section_a, role=R.FILLER, acting_user=None
        )
    assert AuditRecord.objects.count() == count


@pytest.mark.parametrize("role", ["", "superuser"])
def test_unknown_role_is_a_validation_error(district, role):
    """A missing or unknown role (e.g. a tampered form post) must be refused as invalid, not crash."""
    with pytest.raises(ValidationError) as exc:
        membership_grant(user=district.nobody, organisation=district.s1, role=role, acting_user=None)
    assert "role" in exc.value.message_dict
    assert not Membership.objects.filter(user=district.nobody).exists()
