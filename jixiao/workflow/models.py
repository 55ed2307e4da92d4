from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.monitoring.models import MonitoringNarrative
from jixiao.notifications.models import Transition


class Step(models.IntegerChoices):
    """The steps of 第十一条 that move a package from one organisation to another."""

    UNIT_TO_PRIMARY = 1, _("二级预算单位报送一级预算单位")
    UNIT_TO_BUREAU = 2, _("镇、一级预算单位报送区财政局")


STEP_DUE_FIELDS = {Step.UNIT_TO_PRIMARY: "due_unit_to_primary", Step.UNIT_TO_BUREAU: "due_unit_to_bureau"}


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("未报送")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已审核通过")


# Material is read-only for its sender in these states.
SENT_STATES = {SubmissionState.SUBMITTED, SubmissionState.ACCEPTED}


class Submission(MonitoringNarrative):
    """One organisation's package for one cycle and one step, sent to its receiver.

    The narrative fields hold the written explanation (书面说明材料) of a second-level unit.
    """

    cycle = models.ForeignKey(
        "monitoring.MonitoringCycle", on_delete=models.PROTECT, related_name="submissions"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("报送单位"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    step = models.PositiveSmallIntegerField(_("环节"), choices=Step.choices)
    receiver = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("接收单位"),
        on_delete=models.PROTECT,
        related_name="received",
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=SubmissionState.choices, default=SubmissionState.DRAFT
    )
    due_date = models.DateField(_("截止日期"))
    extension_reason = models.CharField(_("延期原因"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    opened_at = models.DateTimeField(
        _("签收时间"), null=True, blank=True, help_text=_("本次报送首次被接收方签收的时间。")
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_comment = models.TextField(_("退回意见"), blank=True)
    supplement = models.BooleanField(
        _("补报"), default=False, help_text=_("上级单位已报送区财政局之后才报送或审核通过的材料。")
    )
    review_closed = models.BooleanField(
        _("反馈表已审定"),
        default=False,
        help_text=_("区财政局已审定综合意见反馈表（附件2），材料不能再退回。"),
    )
    overall_report = models.TextField(
        _("整体绩效运行监控分析报告"), blank=True, help_text=_("镇、一级预算单位报送区财政局时必须附上。")
    )
    overall_report_file = models.FileField(_("报告定稿（Word）"), upload_to="overall_reports/%Y/", blank=True)

    class Meta:
        verbose_name = _("报送材料")
        verbose_name_plural = _("报送材料")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organisation", "step"], name="submission_one_per_step")
        ]
        indexes = [models.Index(fields=["cycle", "receiver", "state"])]

    def __str__(self):
        return f"{self.organisation} · {self.get_step_display()}"

    @property
    def is_sent(self) -> bool:
        return self.state in SENT_STATES

    @property
    def late_days(self) -> int:
        """Whole days after the due date (Asia/Shanghai) it was sent; until sent, how late it is today."""
        if self.submitted_at is not None:
            sent_on = timezone.localdate(self.submitted_at)
        else:
            sent_on = timezone.localdate()
        return max((sent_on - self.due_date).days, 0)


class SubmissionTransition(Transition):
    """One step in a package's 办理记录: sent, withdrawn, signed for, returned, accepted, edited, extended."""

    subject = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="transitions")

    class Meta(Transition.Meta):
        verbose_name = _("报送办理记录")
        verbose_name_plural = _("报送办理记录")
        indexes = [models.Index(fields=["subject", "action"])]


class SubmissionReceipt(models.Model):
    """签收: one receiving organisation signs for the package it was sent (a step-2 package is sent 一式两份,
    so its counterpart section and the supervision section each sign). The first signature ends the
    sender's right to withdraw."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="receipts")
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("签收单位"), on_delete=models.PROTECT, related_name="+"
    )
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(_("签收时间"))
    sent_at = models.DateTimeField(_("所签收的报送时间"))

    class Meta:
        verbose_name = _("签收记录")
        verbose_name_plural = _("签收记录")
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "organisation", "sent_at"], name="receipt_once_per_sending"
            )
        ]

    def __str__(self):
        return f"{self.organisation} 签收 {self.signed_at:%Y-%m-%d %H:%M}"


class SubmissionReturn(models.Model):
    """One 退回补正 of a package: the overall reason and, row by row, the projects to fix."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="returns")
    transition = models.OneToOneField(
        SubmissionTransition,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submission_return",
    )
    comment = models.TextField(_("退回意见"), blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField(_("退回时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("退回记录")
        verbose_name_plural = _("退回记录")
        ordering = ["-returned_at", "-id"]

    def __str__(self):
        return f"{self.submission} 退回 {self.returned_at:%Y-%m-%d}"


class ReturnedProject(models.Model):
    """A project named in a return, with what must be fixed in it."""

    submission_return = models.ForeignKey(SubmissionReturn, on_delete=models.CASCADE, related_name="projects")
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("需补正的内容"), max_length=300)

    class Meta:
        verbose_name = _("退回补正的项目")
        verbose_name_plural = _("退回补正的项目")
        ordering = ["submission_return", "project__code"]
        constraints = [
            models.UniqueConstraint(fields=["submission_return", "project"], name="returned_project_once")
        ]

    def __str__(self):
        return f"{self.project} {self.reason[:30]}"


def due_date_for(cycle, step: int) -> date:
    return getattr(cycle, STEP_DUE_FIELDS[step])
