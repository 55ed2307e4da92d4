from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.notifications.models import Transition


class Choice(models.TextChoices):
    CONTINUE = "continue", _("继续实施并采取措施")
    REALLOCATE = "reallocate", _("申请调剂")
    CANCEL = "cancel", _("申请取消")


# Answers that ask the bureau to move the project's money: they put it on the funding-decision list.
FUNDING_CHOICES = {Choice.REALLOCATE, Choice.CANCEL}


class DispositionState(models.TextChoices):
    ANSWERED = "answered", _("已答复")
    ACKNOWLEDGED = "acknowledged", _("区财政局已受理")


class WarningDisposition(models.Model):
    """A unit's answer to its project's red warning in one cycle: go on with measures, reallocate or cancel.

    Opened by the unit's first answer, with the due date it had from the day the project's 附件1 first
    turned red (`red_since`) plus the cycle's working days; the unit may revise it until the bureau
    acknowledges it. `answered_late` keeps whether the first answer came after the due date.
    """

    cycle = models.ForeignKey("monitoring.MonitoringCycle", on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="dispositions")
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    red_since = models.DateField(_("出现红色预警日期"))
    working_days = models.PositiveSmallIntegerField(_("答复时限（工作日）"))
    due_date = models.DateField(_("答复截止日期"))
    choice = models.CharField(_("处置意见"), max_length=16, choices=Choice.choices)
    measures = models.TextField(_("整改措施"), blank=True)
    reason = models.TextField(_("申请理由"), blank=True)
    state = models.CharField(
        _("状态"), max_length=16, choices=DispositionState.choices, default=DispositionState.ANSWERED
    )
    first_answered_on = models.DateField(_("首次答复日期"))
    answered_late = models.BooleanField(_("逾期答复"), default=False)
    answered_at = models.DateTimeField(_("最后答复时间"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("红色预警处置")
        verbose_name_plural = _("红色预警处置")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "project"], name="disposition_one_per_project_cycle")
        ]

    def __str__(self):
        return f"{self.project} · {self.get_choice_display()}"


class DispositionTransition(Transition):
    """One step of a disposition's 办理记录: answered, revised, acknowledged."""

    subject = models.ForeignKey(WarningDisposition, on_delete=models.CASCADE, related_name="transitions")

    class Meta(Transition.Meta):
        verbose_name = _("处置办理记录")
        verbose_name_plural = _("处置办理记录")
