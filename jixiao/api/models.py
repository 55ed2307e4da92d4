import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenScope(models.TextChoices):
    READ = "read", _("读取")
    LOAD = "load", _("数据导入")


def token_digest(raw: str) -> str:
    """What is stored of a token: its SHA-256 (a random 256-bit secret needs no slow hash)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A key another system uses to call the API on behalf of one organisation.

    Only the digest is kept; the raw token is shown once, when the administrator creates it.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("所属机构"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("用途"), max_length=100, help_text=_("调用方系统及用途，例如“财政一体化系统同步”。")
    )
    prefix = models.CharField(_("令牌前缀"), max_length=16, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    scope_read = models.BooleanField(_("读取"), default=True, help_text=_("可读取本机构可见的业务数据。"))
    scope_load = models.BooleanField(_("数据导入"), default=False, help_text=_("可通过接口导入数据。"))
    expires_at = models.DateTimeField(_("有效期至"))
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    @property
    def scopes(self) -> set[str]:
        return {
            scope
            for scope, held in ((TokenScope.READ, self.scope_read), (TokenScope.LOAD, self.scope_load))
            if held
        }

    def refusal(self, now=None) -> str:
        """Why the token may not be used now, or "" when it may."""
        if self.revoked_at is not None:
            return "该接口令牌已被吊销。"
        if self.expires_at <= (now or timezone.now()):
            return "该接口令牌已过期。"
        return ""
