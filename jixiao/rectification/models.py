"""One rectification register (第十三条): every problem a unit must rectify, whoever found it, with the unit's
answer, its evidence and the issuing side's check.

An item comes from an issued 附件2 (one per FeedbackItem), from the bureau's supervision and inspection
(监督检查), from a first-level unit's requirement to one of its second-level units (第七条(二)(四)), or from
the unit's own inspection (自查). The texts are copied when the item opens, so the register keeps what was
required even if the source changes later.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.notifications.models import Transition


class RectificationSource(models.TextChoices):
    FEEDBACK = "feedback", _("综合意见反馈表")
    OVERSIGHT = "oversight", _("监督检查发现")
    PARENT = "parent", _("主管部门要求")
    SELF = "self", _("单位自查发现")


class RectificationState(models.TextChoices):
    OPEN = "open", _("待整改")
    RESPONDED = "responded", _("已报整改情况")
    SENT_BACK = "sent_back", _("核查未通过")
    VERIFIED = "verified", _("已核查销号")


class RectificationItem(models.Model):
    """A problem the unit must rectify, and who checks the rectification (`issuing_organisation`):
    the bureau for 附件2 and 监督检查, the first-level unit for its requirements, the unit itself for
    what it found on its own (its 单位负责人 closes the item)."""

    kind = models.CharField(_("问题来源"), max_length=16, choices=RectificationSource.choices)
    feedback_item = models.OneToOneField(
        "review.FeedbackItem",
        verbose_name=_("反馈表问题"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectification",
    )
    source_label = models.CharField(_("出处"), max_length=200)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("整改单位"),
        on_delete=models.PROTECT,
        related_name="rectification_items",
    )
    issuing_organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("提出与核查单位"),
        on_delete=models.PROTECT,
        related_name="issued_rectification_items",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cycle = models.ForeignKey(
        "monitoring.MonitoringCycle",
        verbose_name=_("监控周期"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectification_items",
    )
    problem = models.TextField(_("发现的主要问题"))
    requirement = models.TextField(_("整改意见及要求"))
    due_date = models.DateField(_("整改时限"))
    opened_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("整改状态"), max_length=16, choices=RectificationState.choices, default=RectificationState.OPEN
    )
    response = models.TextField(_("整改落实情况"), blank=True)
    completed_on = models.DateField(_("完成时间"), null=True, blank=True)
    responded_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    no_evidence_reason = models.TextField(_("无佐证材料的原因"), blank=True)
    verification_started_at = models.DateTimeField(_("开始核查时间"), null=True, blank=True)
    verification_comment = models.TextField(_("核查意见"), blank=True)
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["organisation", "state"]),
            models.Index(fields=["state", "due_date"]),
        ]

    def __str__(self):
        return f"{self.source_label} {self.problem[:30]}"

    def get_absolute_url(self) -> str:
        """A 附件2 item is shown among the other items of its form; any other item on its own page."""
        if self.feedback_item_id:
            return (
                f"{reverse('rectification:feedback', args=[self.feedback_item.feedback_id])}#item-{self.pk}"
            )
        return reverse("rectification:item", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        """Still open past its due date (第十三条: rectify within the year)."""
        return self.state != RectificationState.VERIFIED and timezone.localdate() > self.due_date


class RectificationTransition(Transition):
    """One step in a rectification item's 办理记录: opened, answered, evidence added or removed, checked."""

    subject = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="transitions")

    class Meta(Transition.Meta):
        verbose_name = _("整改办理记录")
        verbose_name_plural = _("整改办理记录")


class Evidence(models.Model):
    """A supporting file (佐证材料) of a rectification answer."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self):
        return self.original_name
