from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.notifications.models import Transition


class Law(models.TextChoices):
    """The laws 第十七条 names, and the others it allows for (“等法律法规”)."""

    BUDGET_LAW = "budget_law", _("《中华人民共和国预算法》")
    ACCOUNTING_LAW = "accounting_law", _("《中华人民共和国会计法》")
    FISCAL_PENALTY = "fiscal_penalty", _("《财政违法行为处罚处分条例》")
    OTHER = "other", _("其他法律法规")


class CaseState(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    INVESTIGATING = "investigating", _("调查核实")
    HANDLING = "handling", _("依法处理")
    REFERRED = "referred", _("已移送司法机关")
    CLOSED = "closed", _("已结案")


# A case in these states is finished: nothing more is done to it here.
FINAL_STATES = {CaseState.REFERRED, CaseState.CLOSED}


class ViolationCase(models.Model):
    """A suspected fiscal violation found in monitoring (第十七条), from registration to its close or its
    referral to the judicial organs.

    Its text never goes into the audit trail or a notice: both only name the case by its number.
    """

    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("涉及单位"),
        on_delete=models.PROTECT,
        related_name="violation_cases",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("涉及项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="violation_cases",
    )
    title = models.CharField(_("案由"), max_length=200)
    facts = models.TextField(_("违法违规事实"))
    law = models.CharField(_("法律依据"), max_length=32, choices=Law.choices)
    article = models.CharField(_("条款"), max_length=200, help_text=_("如：第九十二条第一款。"))
    amount = models.DecimalField(_("涉及金额（元）"), max_digits=16, decimal_places=2, null=True, blank=True)
    handling = models.TextField(_("处理情况"), blank=True)
    conclusion = models.TextField(_("结案意见"), blank=True)
    referred_to = models.CharField(_("移送机关"), max_length=100, blank=True)
    referred_on = models.DateField(_("移送日期"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=CaseState.choices, default=CaseState.REGISTERED
    )
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("最后修改"), auto_now=True)

    class Meta:
        verbose_name = _("违法违规问题")
        verbose_name_plural = _("违法违规问题")
        ordering = ["-registered_at", "-id"]
        indexes = [models.Index(fields=["state", "registered_at"])]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        """案件编号: the registration year and the id, so that it never collides and never changes."""
        year = self.registered_at.year if self.registered_at else ""
        return f"违规〔{year}〕{self.pk}号"

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def state_css(self) -> str:
        """The site's state badge of the same meaning (new, in progress, turned back, done)."""
        return {
            CaseState.REGISTERED: "open",
            CaseState.INVESTIGATING: "submitted",
            CaseState.HANDLING: "responded",
            CaseState.REFERRED: "returned",
            CaseState.CLOSED: "accepted",
        }[self.state]


class ViolationTransition(Transition):
    """One step in a case's 办理记录: registered, edited, investigated, handled, referred, closed."""

    subject = models.ForeignKey(ViolationCase, on_delete=models.CASCADE, related_name="transitions")

    class Meta(Transition.Meta):
        verbose_name = _("违法违规问题办理记录")
        verbose_name_plural = _("违法违规问题办理记录")

    @property
    def from_label(self) -> str:
        return CaseState(self.from_state).label if self.from_state in CaseState.values else "（无）"

    @property
    def to_label(self) -> str:
        return CaseState(self.to_state).label if self.to_state in CaseState.values else "（无）"
