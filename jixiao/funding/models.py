"""A project's funding status (第十五条): the bureau leader suspends or stops its budget payments, or lifts
the hold, on the findings of monitoring; the treasury reads it through the API."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.notifications.models import Transition

BASIS_KINDS = {
    "warning": _("预警"),
    "disposition": _("预警处置"),
    "rectification": _("整改"),
    "oversight": _("监督发现"),
    "other": _("其他"),
}


class FundingState(models.TextChoices):
    NORMAL = "normal", _("正常拨款")
    SUSPENDED = "suspended", _("暂缓拨款")
    STOPPED = "stopped", _("停止拨款")


HOLD_STATES = (FundingState.SUSPENDED, FundingState.STOPPED)
# What a decision to reach each status is called (the pages' choices, the notices).
DECISION_LABELS = {
    FundingState.SUSPENDED: _("暂缓拨款"),
    FundingState.STOPPED: _("停止拨款"),
    FundingState.NORMAL: _("恢复正常拨款"),
}


class FundingStatus(models.Model):
    """The current funding status of one project; a project without a row is paid normally.

    Kept beside the project (not on it) so that the projects app, which the loaders write, knows nothing of
    the bureau's decisions; lists join it in the same query.
    """

    project = models.OneToOneField(
        "projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="funding_control"
    )
    status = models.CharField(
        _("拨款状态"), max_length=16, choices=FundingState.choices, default=FundingState.NORMAL, db_index=True
    )
    reason = models.TextField(_("决定原因"), blank=True)
    basis = models.JSONField(_("决定依据"), default=list, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    set_by_name = models.CharField(_("决定人"), max_length=150, blank=True)
    set_at = models.DateTimeField(_("决定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("拨款状态")
        verbose_name_plural = _("拨款状态")

    def __str__(self):
        return f"{self.project} 拨款状态"

    @property
    def on_hold(self) -> bool:
        return self.status in HOLD_STATES


class FundingDecision(Transition):
    """One decision of the leader: from → to, the reason (`comment`) and the findings it rests on."""

    subject = models.ForeignKey(FundingStatus, on_delete=models.PROTECT, related_name="decisions")
    basis = models.JSONField(_("决定依据"), default=list, blank=True)

    class Meta(Transition.Meta):
        verbose_name = _("拨款控制决定")
        verbose_name_plural = _("拨款控制决定")

    @property
    def from_state_label(self) -> str:
        return str(FundingState(self.from_state).label) if self.from_state else ""

    @property
    def to_state_label(self) -> str:
        return str(FundingState(self.to_state).label) if self.to_state else ""
