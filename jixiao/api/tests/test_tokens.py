"""Per-organisation API tokens: created and revoked by the administrator only, stored as a digest, refused
when expired or revoked, limited by scope, and every request made with one audited exactly once."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from jixiao.api.models import ApiToken
from jixiao.api.services import api_token_create, api_token_revoke
from jixiao.api.tests.helpers import administrator, make_token, token_client
from jixiao.audit.models import AuditRecord
from jixiao.organisations.models import Organisation
from jixiao.organisations.services import organisation_save

pytestmark = pytest.mark.django_db


def uses(action: str = "api_token.use") -> list[AuditRecord]:
    return list(AuditRecord.objects.filter(action=action).order_by("id"))


def test_the_raw_token_is_never_stored(district):
    raw = make_token(district.s1)
    token = ApiToken.objects.get()
    stored = [str(value) for value in ApiToken.objects.values().get().values()]
    assert not any(raw in value or raw[len(token.prefix) :] in value for value in stored)
    assert token.digest != raw and len(token.digest) == 64
    assert raw.startswith(token.prefix)
    assert not any(
        raw in record.comment or raw in str(record.changes) for record in AuditRecord.objects.all()
    )


@pytest.mark.parametrize("user", ["s1_leader", "bureau_leader", "auditor", "supervision_staff"])
def test_only_the_administrator_creates_tokens(district, user):
    with pytest.raises(PermissionDenied):
        api_token_create(
            organisation=district.s1,
            name="同步",
            scopes={"read"},
            expires_at=timezone.now() + timedelta(days=1),
            acting_user=getattr(district, user),
        )
    assert not ApiToken.objects.exists()


def test_a_token_needs_a_use_a_scope_and_a_future_expiry(district):
    with pytest.raises(ValidationError) as refused:
        api_token_create(
            organisation=district.s1,
            name=" ",
            scopes=set(),
            expires_at=timezone.now() - timedelta(minutes=1),
            acting_user=district.sysadmin,
        )
    assert set(refused.value.message_dict) == {"name", "scopes", "expires_at"}
    assert not ApiToken.objects.exists()


def test_every_request_is_audited_once_as_the_token(district):
    client = token_client(make_token(district.s1))
    assert client.get("/api/v1/projects/?page_size=1").status_code == 200
    assert client.get(f"/api/v1/projects/{district.project_s1.pk}/").status_code == 200
    records = uses()
    assert [r.comment for r in records] == [
        "GET /api/v1/projects/?page_size=1",
        f"GET /api/v1/projects/{district.project_s1.pk}/",
    ]
    assert {(r.actor_id, r.organisation_id) for r in records} == {(None, district.s1.pk)}
    assert records[0].actor_name.startswith("接口令牌 第一中学对接")
    assert ApiToken.objects.get().last_used_at is not None


def test_an_expired_token_is_refused_and_the_refusal_audited(district):
    client = token_client(make_token(district.s1, days=1))
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days=2)):
        answer = client.get("/api/v1/projects/")
    assert answer.status_code == 401
    assert answer.json() == {"message": "该接口令牌已过期。", "errors": {}}
    assert [r.comment for r in uses("api_token.refused")] == ["GET /api/v1/projects/（该接口令牌已过期。）"]
    assert uses() == []


def test_a_revoked_token_is_refused(district):
    client = token_client(make_token(district.s1))
    assert client.get("/api/v1/projects/").status_code == 200
    api_token_revoke(token=ApiToken.objects.get(), acting_user=administrator())
    answer = client.get("/api/v1/projects/")
    assert answer.status_code == 401
    assert answer.json()["message"] == "该接口令牌已被吊销。"
    assert AuditRecord.objects.filter(action="api_token.revoke").count() == 1
    with pytest.raises(ValidationError):
        api_token_revoke(token=ApiToken.objects.get(), acting_user=administrator())


def test_unknown_or_missing_credentials_are_401(district):
    assert token_client("jx_not-a-token").get("/api/v1/projects/").json() == {
        "message": "接口令牌无效。",
        "errors": {},
    }
    answer = token_client("").get("/api/v1/projects/")
    assert answer.status_code == 401
    anonymous = APIClient().get("/api/v1/projects/")
    assert anonymous.status_code == 401
    assert anonymous.json()["message"] == "身份认证信息未提供。"


def test_a_load_only_token_does_not_read(district):
    answer = token_client(make_token(district.s1, scopes=("load",))).get("/api/v1/projects/")
    assert answer.status_code == 403
    assert answer.json()["message"] == "该接口令牌没有“读取”权限。"


def test_a_token_of_a_deactivated_organisation_is_refused(district):
    client = token_client(make_token(district.s1))
    unit = Organisation.objects.get(pk=district.s1.pk)
    unit.is_active = False
    organisation_save(organisation=unit, acting_user=administrator())
    answer = client.get("/api/v1/projects/")
    assert answer.status_code == 401
    assert answer.json()["message"] == "该令牌所属机构已停用。"
