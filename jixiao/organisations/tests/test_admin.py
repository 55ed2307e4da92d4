"""The sysadmin's screens of organisations and people: Chinese, and every save goes through the services
(paths, role rules, memberships, audit)."""

import pytest
from django.urls import reverse

from jixiao.audit.models import AuditRecord
from jixiao.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:organisations_organisation_changelist",
        "admin:organisations_organisation_add",
        "admin:organisations_user_changelist",
    ],
)
def test_admin_pages_open_in_chinese(admin_client, url_name):
    response = admin_client.get(reverse(url_name))
    assert response.status_code == 200
    assert "系统管理" in response.content.decode()


def test_adding_a_unit_sets_its_path_and_audits(admin_client, district):
    response = admin_client.post(
        reverse("admin:organisations_organisation_add"),
        {
            "code": "S9",
            "name": "第九中学",
            "kind": "secondary_unit",
            "parent": district.p1.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = Organisation.objects.get(code="S9")
    assert unit.path == f"{district.p1.path}{unit.pk}/"
    assert AuditRecord.objects.filter(action="organisation.create", object_id=str(unit.pk)).exists()


def test_a_cycle_in_the_tree_is_refused_with_a_message(admin_client, district):
    response = admin_client.post(
        reverse("admin:organisations_organisation_change", args=[district.p1.pk]),
        {
            "code": "P1",
            "name": "区教育局",
            "kind": "secondary_unit",
            "parent": district.s1.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    district.p1.refresh_from_db()
    assert district.p1.parent_id is None


def test_business_users_cannot_use_the_admin(client, district):
    client.force_login(district.bureau_leader)
    assert client.get(reverse("admin:index")).status_code == 302


def _user_form(user, memberships: list[dict]) -> dict:
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "phone": user.phone,
        "email": user.email,
        "is_active": "on",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": str(sum(1 for m in memberships if m.get("id"))),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, membership in enumerate(memberships):
        for key, value in membership.items():
            data[f"memberships-{index}-{key}"] = value
        data[f"memberships-{index}-user"] = user.pk
    return data


def test_posts_given_and_taken_in_the_admin_go_through_the_membership_services(admin_client, district):
    user = district.nobody
    before = AuditRecord.objects.order_by("id").last().pk
    url = reverse("admin:organisations_user_change", args=[user.pk])
    granted = _user_form(user, [{"organisation": district.s1.pk, "role": "filler"}])
    assert admin_client.post(url, granted).status_code == 302
    membership = user.memberships.get()
    assert (membership.organisation, membership.role) == (district.s1, "filler")

    changed = _user_form(user, [{"id": membership.pk, "organisation": district.s1.pk, "role": "unit_leader"}])
    assert admin_client.post(url, changed).status_code == 302
    assert list(user.memberships.values_list("role", flat=True)) == ["unit_leader"]

    current = user.memberships.get()
    revoked = _user_form(
        user, [{"id": current.pk, "organisation": district.s1.pk, "role": "unit_leader", "DELETE": "on"}]
    )
    assert admin_client.post(url, revoked).status_code == 302
    assert not user.memberships.exists()
    actions = AuditRecord.objects.filter(action__startswith="membership.", pk__gt=before).order_by("id")
    assert [(r.action, r.actor, r.organisation) for r in actions] == [
        ("membership.grant", district.sysadmin, district.s1),
        ("membership.revoke", district.sysadmin, district.s1),
        ("membership.grant", district.sysadmin, district.s1),
        ("membership.revoke", district.sysadmin, district.s1),
    ]
