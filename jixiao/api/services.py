import secrets
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from jixiao.api.models import ApiToken, TokenScope, token_digest
from jixiao.api.policy import can_manage_api_tokens
from jixiao.audit.services import audit_record
from jixiao.organisations.models import Organisation

TOKEN_PREFIX = "jx_"


def api_token_problems(
    *, organisation: Organisation, name: str, scopes: set[str], expires_at: datetime
) -> dict[str, list[str]]:
    """Everything wrong with a token request, by field (empty when it may be created)."""
    errors = {}
    if not name.strip():
        errors["name"] = ["请填写令牌用途。"]
    if not scopes or set(scopes) - set(TokenScope.values):
        errors["scopes"] = ["请至少选择一项权限（读取、数据导入）。"]
    if expires_at <= timezone.now():
        errors["expires_at"] = ["有效期须晚于当前时间。"]
    if not organisation.is_active:
        errors["organisation"] = ["该机构已停用，不能为其创建接口令牌。"]
    return errors


@transaction.atomic
def api_token_create(
    *, organisation: Organisation, name: str, scopes: set[str], expires_at: datetime, acting_user
) -> tuple[ApiToken, str]:
    """Create a token and return it with its raw value, which is never stored and cannot be shown again."""
    if not can_manage_api_tokens(acting_user):
        raise PermissionDenied("只有系统管理员可以创建接口令牌。")
    errors = api_token_problems(organisation=organisation, name=name, scopes=scopes, expires_at=expires_at)
    if errors:
        raise ValidationError(errors)
    secret = secrets.token_urlsafe(32)
    raw = f"{TOKEN_PREFIX}{secret}"
    token = ApiToken(
        organisation=organisation,
        name=name.strip(),
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(raw),
        scope_read=TokenScope.READ in scopes,
        scope_load=TokenScope.LOAD in scopes,
        expires_at=expires_at,
        created_by=acting_user,
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=acting_user,
        action="api_token.create",
        target=token,
        organisation=organisation,
        changes={"scopes": sorted(scopes), "expires_at": expires_at.isoformat()},
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken, acting_user) -> ApiToken:
    if not can_manage_api_tokens(acting_user):
        raise PermissionDenied("只有系统管理员可以吊销接口令牌。")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        raise ValidationError("该接口令牌已被吊销。")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=acting_user,
        action="api_token.revoke",
        target=token,
        organisation=token.organisation,
    )
    return token


class TokenActor:
    """How a token appears in the audit trail: by its name, with no person behind it."""

    is_authenticated = False

    def __init__(self, token: ApiToken):
        self.token = token

    def __str__(self):
        return f"接口令牌 {self.token}"


@transaction.atomic
def api_token_record_use(*, token: ApiToken, method: str, path: str, refusal: str = "") -> None:
    """One audit row for one request made with the token, whether it was accepted or refused."""
    now = timezone.now()
    if not refusal:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    audit_record(
        actor=TokenActor(token),
        action="api_token.refused" if refusal else "api_token.use",
        target=token,
        organisation=token.organisation,
        comment=f"{method} {path}" + (f"（{refusal}）" if refusal else ""),
    )
