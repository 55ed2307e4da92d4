"""Accounts are managed by the system administrator through the account services: a new account and a
reset get a one-time password that must be changed at first sign-in; a person who leaves is deactivated
and can no longer sign in; every step is audited."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from jixiao.audit.models import AuditRecord
from jixiao.conftest import create_user
from jixiao.core.errors import ServiceError
from jixiao.organisations.models import Role, User
from jixiao.organisations.services import (
    user_create,
    user_deactivate,
    user_password_reset,
    user_reactivate,
    user_update,
)

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Jixiao#Strong2026"


def sign_in(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


@pytest.fixture
def data_manager(district):
    return create_user(district.bureau, Role.DATA_MANAGER, username="data_manager")


def test_the_administrator_creates_an_account_with_a_one_time_password(district):
    user, password = user_create(
        username="wang.fang",
        full_name="王芳",
        phone="13800000001",
        posts=[(district.s1, Role.FILLER)],
        acting_user=district.sysadmin,
    )
    assert user.must_change_password
    assert user.check_password(password)
    assert password not in user.password
    assert [(m.organisation, m.role) for m in user.memberships.all()] == [(district.s1, Role.FILLER)]
    records = AuditRecord.objects.filter(object_id=str(user.pk), object_type="organisations.user")
    assert list(records.values_list("action", flat=True)) == ["user.create"]
    assert password not in str(list(AuditRecord.objects.values_list("changes", "comment")))


@pytest.mark.parametrize("who", ["data_manager", "auditor", "bureau_leader", "nobody"])
def test_nobody_else_manages_accounts(district, data_manager, who):
    actor = data_manager if who == "data_manager" else getattr(district, who)
    with pytest.raises(PermissionDenied):
        user_create(username="x.y", full_name="某人", acting_user=actor)
    with pytest.raises(PermissionDenied):
        user_password_reset(user=district.s1_filler, acting_user=actor)
    with pytest.raises(PermissionDenied):
        user_deactivate(user=district.s1_filler, acting_user=actor)
    with pytest.raises(PermissionDenied):
        user_update(user=district.s1_filler, values={"full_name": "改名"}, acting_user=actor)
    assert not User.objects.filter(username="x.y").exists()
    district.s1_filler.refresh_from_db()
    assert district.s1_filler.is_active and not district.s1_filler.must_change_password


def test_update_changes_details_and_posts_and_audits_old_and_new(district):
    user = district.s1_filler
    user_update(
        user=user,
        values={"full_name": "李四", "phone": "139"},
        posts=[(district.s2, Role.UNIT_LEADER)],
        acting_user=district.sysadmin,
    )
    user.refresh_from_db()
    assert (user.full_name, user.phone) == ("李四", "139")
    assert [(m.organisation, m.role) for m in user.memberships.all()] == [(district.s2, Role.UNIT_LEADER)]
    change = AuditRecord.objects.get(action="user.change", object_id=str(user.pk))
    assert change.changes == {"full_name": ["s1_filler", "李四"], "phone": ["", "139"]}
    assert AuditRecord.objects.filter(action="membership.revoke", organisation=district.s1).exists()
    assert AuditRecord.objects.filter(action="membership.grant", organisation=district.s2).exists()


def test_the_one_time_password_signs_in_once_and_forces_a_change(client, district):
    user, password = user_create(
        username="zhao.min",
        full_name="赵敏",
        posts=[(district.s1, Role.FILLER)],
        acting_user=district.sysadmin,
    )
    assert user.password.startswith("pbkdf2_onetime$")  # a light hash: the password is random
    response = sign_in(client, "zhao.min", password)
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2")  # re-hashed with the default at the first sign-in
    # Every page sends the person to the password page until the password is changed.
    for url in [reverse("home"), reverse("projects:project_list"), reverse("notifications:index")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == reverse("password_change")
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    assert "一次性密码" in page.content.decode()

    weak = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200
    user.refresh_from_db()
    assert user.must_change_password

    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    user.refresh_from_db()
    assert not user.must_change_password
    assert not user.check_password(password)
    assert AuditRecord.objects.filter(action="user.password_change", actor=user).exists()
    client.logout()
    assert sign_in(client, "zhao.min", password).status_code == 200  # the one-time password is gone
    assert sign_in(client, "zhao.min", NEW_PASSWORD).status_code == 302


def test_a_reset_ends_the_old_password_and_sessions_and_forces_a_change(client, district):
    person = district.s1_filler
    person.set_password(NEW_PASSWORD)
    person.save()
    assert sign_in(client, person.username, NEW_PASSWORD).status_code == 302
    assert client.get(reverse("home")).status_code == 200

    _user, password = user_password_reset(user=person, acting_user=district.sysadmin)
    assert client.get(reverse("home")).status_code == 302  # signed out: the session's password is gone
    assert sign_in(client, person.username, NEW_PASSWORD).status_code == 200
    assert sign_in(client, person.username, password).status_code == 302
    assert client.get(reverse("home")).url == reverse("password_change")
    assert AuditRecord.objects.filter(action="user.password_reset", object_id=str(person.pk)).count() == 1


def test_a_deactivated_person_cannot_sign_in_and_is_signed_out(client, district):
    person = district.s1_filler
    person.set_password(NEW_PASSWORD)
    person.save()
    assert sign_in(client, person.username, NEW_PASSWORD).status_code == 302

    user_deactivate(user=person, acting_user=district.sysadmin, reason="调离")
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    refused = sign_in(client, person.username, NEW_PASSWORD)
    assert refused.status_code == 200
    assert "用户名或密码不正确" in refused.content.decode()
    person.refresh_from_db()
    assert person.memberships.count() == 1  # kept for the history
    with pytest.raises(ServiceError, match="已经停用"):
        user_deactivate(user=person, acting_user=district.sysadmin)

    user_reactivate(user=person, acting_user=district.sysadmin)
    assert sign_in(client, person.username, NEW_PASSWORD).status_code == 302
    actions = AuditRecord.objects.filter(object_id=str(person.pk), action__startswith="user.")
    assert list(actions.order_by("id").values_list("action", "comment")) == [
        ("user.deactivate", "调离"),
        ("user.reactivate", ""),
    ]


def test_the_administrator_cannot_deactivate_themself(district):
    with pytest.raises(ServiceError, match="不能停用自己"):
        user_deactivate(user=district.sysadmin, acting_user=district.sysadmin)


# ----- the admin screens call the services ------------------------------------------------------------


def test_adding_a_person_in_the_admin_shows_the_one_time_password_once(admin_client, district):
    response = admin_client.post(
        reverse("admin:organisations_user_add"),
        {
            "username": "sun.li",
            "full_name": "孙丽",
            "phone": "",
            "email": "sun@example.cn",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-organisation": district.s2.pk,
            "memberships-0-role": "filler",
        },
    )
    assert response.status_code == 200, response.content.decode()[:3000]
    assert "no-store" in response["Cache-Control"]
    user = User.objects.get(username="sun.li")
    shown = response.context["accounts"]
    assert [person.pk for person, _password in shown] == [user.pk]
    password = shown[0][1]
    assert password in response.content.decode()
    assert user.check_password(password) and user.must_change_password
    assert [(m.organisation, m.role) for m in user.memberships.all()] == [(district.s2, Role.FILLER)]
    assert AuditRecord.objects.filter(action="user.create", actor=district.sysadmin).count() == 1


def test_the_admin_password_page_resets_instead_of_choosing(admin_client, district):
    url = reverse("admin:auth_user_password_change", args=[district.s1_filler.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "重置密码" in page.content.decode()
    response = admin_client.post(url)
    assert response.status_code == 200
    ((person, password),) = response.context["accounts"]
    person.refresh_from_db()
    assert person.check_password(password) and person.must_change_password


def test_admin_actions_deactivate_and_reactivate(admin_client, district):
    url = reverse("admin:organisations_user_changelist")
    people = [district.s1_filler.pk, district.s1_leader.pk]
    response = admin_client.post(url, {"action": "deactivate", "_selected_action": people}, follow=True)
    assert "已停用 2 个账号" in response.content.decode()
    assert not User.objects.filter(pk__in=people, is_active=True).exists()
    admin_client.post(url, {"action": "reactivate", "_selected_action": people})
    assert User.objects.filter(pk__in=people, is_active=True).count() == 2
    reset = admin_client.post(url, {"action": "reset_passwords", "_selected_action": people})
    assert len(reset.context["accounts"]) == 2


def test_the_admins_own_password_page_is_the_sites(admin_client):
    response = admin_client.get(reverse("admin:password_change"))
    assert response.status_code == 302 and response.url == reverse("password_change")


def test_the_data_manager_cannot_open_the_account_screens(client, data_manager):
    client.force_login(data_manager)
    assert client.get(reverse("admin:organisations_user_changelist")).status_code == 302
