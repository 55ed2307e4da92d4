"""Signing in: wrong passwords are throttled per account and per address; the messages are Chinese."""

import pytest
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "Correct#horse2026"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def person(district):
    user = district.s1_filler
    user.set_password(PASSWORD)
    user.save()
    return user


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_correct_password_signs_in(client, person):
    response = attempt(client, person.username, PASSWORD)
    assert response.status_code == 302 and response.url == reverse("home")


def test_wrong_password_is_refused_in_chinese(client, person):
    response = attempt(client, person.username, "wrong")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_account_locks_after_repeated_failures_even_with_the_right_password(client, person, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(client, person.username, "wrong")
    response = attempt(client, person.username, PASSWORD)
    assert response.status_code == 200
    assert "登录失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_of_one_account_leaves_others_alone(client, person, district, settings):
    other = district.p1_leader
    other.set_password(PASSWORD)
    other.save()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        attempt(client, person.username, "wrong", ip="10.0.0.2")
    assert attempt(client, other.username, PASSWORD, ip="10.0.0.3").status_code == 302


def test_one_address_trying_many_accounts_is_stopped(client, person, settings):
    for n in range(settings.LOGIN_FAILURE_LIMIT * 4):
        attempt(client, f"guess{n}", "wrong", ip="10.9.9.9")
    response = attempt(client, person.username, PASSWORD, ip="10.9.9.9")
    assert "登录失败次数过多" in response.content.decode()


def test_success_clears_the_failures_of_the_account(client, person, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        attempt(client, person.username, "wrong", ip="10.0.0.4")
    assert attempt(client, person.username, PASSWORD, ip="10.0.0.5").status_code == 302
    client.logout()
    attempt(client, person.username, "wrong", ip="10.0.0.6")
    assert attempt(client, person.username, PASSWORD, ip="10.0.0.7").status_code == 302


def test_admin_login_goes_through_the_throttled_page(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_password_change(client, person):
    client.force_login(person)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Another#strong2027",
            "new_password2": "Another#strong2027",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("Another#strong2027")
    assert person.password.startswith("argon2")
