"""The administrator's token screen: create (the raw token shown once, then never again), revoke; nobody
else reaches it."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from jixiao.api.models import ApiToken
from jixiao.api.tests.helpers import token_client
from jixiao.audit.models import AuditRecord
from jixiao.core.tests.test_chinese_screens import english_on

pytestmark = pytest.mark.django_db

ADD = reverse("admin:api_apitoken_add")
LIST = reverse("admin:api_apitoken_changelist")


@pytest.fixture
def admin_client(client, district):
    district.sysadmin.is_staff = district.sysadmin.is_superuser = True
    district.sysadmin.save()
    client.force_login(district.sysadmin)
    return client


def create(admin_client, district, **fields):
    expires = timezone.localtime() + timezone.timedelta(days=90)
    data = {
        "organisation": district.s1.pk,
        "name": "预算一体化系统同步",
        "scopes": ["read"],
        "expires_at_0": expires.strftime("%Y-%m-%d"),
        "expires_at_1": expires.strftime("%H:%M:%S"),
        **fields,
    }
    return admin_client.post(ADD, data)


def test_the_raw_token_is_shown_once_and_works(admin_client, district):
    page = create(admin_client, district)
    assert page.status_code == 200
    html = page.content.decode()
    raw = re.search(r'<code id="raw-token"[^>]*>([^<]+)</code>', html).group(1)
    assert "只显示这一次" in html and english_on(html) == []
    assert "no-store" in page["Cache-Control"]
    token = ApiToken.objects.get()
    assert (token.organisation, token.scopes, token.created_by) == (district.s1, {"read"}, district.sysadmin)
    for url in (LIST, reverse("admin:api_apitoken_change", args=[token.pk])):
        shown = admin_client.get(url).content.decode()
        assert raw not in shown and token.prefix in shown
        assert english_on(shown) == []
    assert token_client(raw).get("/api/v1/projects/").status_code == 200
    assert AuditRecord.objects.filter(action="api_token.create", object_id=str(token.pk)).count() == 1


def test_a_refused_creation_keeps_the_form_and_creates_nothing(admin_client, district):
    page = create(admin_client, district, expires_at_0="2000-01-01")
    html = page.content.decode()
    assert page.status_code == 200
    assert "有效期须晚于当前时间。" in html
    assert 'value="预算一体化系统同步"' in html
    assert english_on(html) == []
    assert not ApiToken.objects.exists()


def test_revoking_from_the_list(admin_client, district):
    create(admin_client, district)
    token = ApiToken.objects.get()
    admin_client.post(LIST, {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditRecord.objects.filter(action="api_token.revoke").count() == 1


@pytest.mark.parametrize("user", ["auditor", "bureau_leader"])
def test_others_never_reach_the_token_screen(client, district, user):
    person = getattr(district, user)
    person.is_staff = True
    person.save()
    client.force_login(person)
    assert client.get(ADD).status_code == 403
    assert client.get(LIST).status_code == 403
