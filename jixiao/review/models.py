"""The bureau's side of a round (第十一条 3–4): key items, opinions and 附件2."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.notifications.models import Transition


class KeyItemSelection(models.Model):
    """The supervision section's choice of key items (重点审核) for a cycle.

    The random sample is drawn with `seed`, stored and shown, so anyone can draw it again.
    """

    cycle = models.OneToOneField(
        "monitoring.MonitoringCycle", on_delete=models.PROTECT, related_name="key_selection"
    )
    seed = models.BigIntegerField(_("随机抽样种子"))
    sample_size = models.PositiveIntegerField(_("随机抽样数量"), default=0)
    population = models.JSONField(_("抽样总体（项目编号）"), default=list, blank=True)
    population_size = models.PositiveIntegerField(_("抽样总体项目数"), default=0)
    population_digest = models.CharField(_("抽样总体摘要（SHA-256）"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(_("抽样时间"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("重点审核选取")
        verbose_name_plural = _("重点审核选取")

    def __str__(self):
        return f"{self.cycle} 重点审核"


class KeyItemSource(models.TextChoices):
    RISK = "risk", _("风险排序选取")
    SAMPLE = "sample", _("随机抽取")
    MANUAL = "manual", _("人工选取")


class KeyItem(models.Model):
    selection = models.ForeignKey(KeyItemSelection, on_delete=models.CASCADE, related_name="items")
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="key_items")
    source = models.CharField(_("来源"), max_length=16, choices=KeyItemSource.choices)
    risk_score = models.DecimalField(_("风险分"), max_digits=7, decimal_places=2, default=0)
    reasons = models.JSONField(_("评分依据"), default=list, blank=True)

    class Meta:
        verbose_name = _("重点审核项目")
        verbose_name_plural = _("重点审核项目")
        constraints = [models.UniqueConstraint(fields=["selection", "project"], name="key_item_once")]

    def __str__(self):
        return str(self.project)


class OpinionSource(models.TextChoices):
    SUPERVISION = "supervision", _("监督与绩效管理股")
    COUNTERPART = "counterpart", _("对口服务股室")


class Opinion(models.Model):
    """A reviewer's opinion on a project (or, with no project, on the unit as a whole)."""

    cycle = models.ForeignKey("monitoring.MonitoringCycle", on_delete=models.PROTECT, related_name="opinions")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    source = models.CharField(_("意见来源"), max_length=16, choices=OpinionSource.choices)
    problem = models.TextField(_("发现的主要问题"), blank=True)
    requirement = models.TextField(_("整改意见及要求"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("送对口股室时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["cycle", "organisation"])]

    def __str__(self):
        return f"{self.organisation} {self.project or ''} {self.get_source_display()}"


class FeedbackState(models.TextChoices):
    DRAFT = "draft", _("起草中")
    APPROVED = "approved", _("已审定")
    ISSUED = "issued", _("已下达")


class Feedback(models.Model):
    """附件2 综合意见反馈表: one per town or first-level unit per cycle."""

    cycle = models.ForeignKey(
        "monitoring.MonitoringCycle", on_delete=models.PROTECT, related_name="feedbacks"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("反馈对象"),
        on_delete=models.PROTECT,
        related_name="feedbacks",
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=FeedbackState.choices, default=FeedbackState.DRAFT
    )
    supervision_opinion = models.TextField(_("财政监督与绩效管理股意见"), blank=True)
    supervision_reviewer = models.CharField(_("审核人（监督股）"), max_length=40, blank=True)
    supervision_date = models.DateField(_("审核日期（监督股）"), null=True, blank=True)
    counterpart_opinion = models.TextField(_("对口服务股室审核意见"), blank=True)
    counterpart_reviewer = models.CharField(_("审核人（对口股室）"), max_length=40, blank=True)
    counterpart_date = models.DateField(_("审核日期（对口股室）"), null=True, blank=True)
    overall_opinion = models.TextField(_("综合意见"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    composed_at = models.DateTimeField(_("生成问题清单时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    issued_at = models.DateTimeField(_("下达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("综合意见反馈表")
        verbose_name_plural = _("综合意见反馈表")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "organisation"], name="feedback_one_per_unit")
        ]

    def __str__(self):
        return f"{self.organisation} 综合意见反馈表"


class FeedbackTransition(Transition):
    """One step in a 附件2's 办理记录: composed, edited, approved, issued."""

    subject = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="transitions")

    class Meta(Transition.Meta):
        verbose_name = _("反馈表办理记录")
        verbose_name_plural = _("反馈表办理记录")


class FeedbackItem(models.Model):
    """One problem in 附件2 as issued; its rectification is a `jixiao.rectification` item opened on issue."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("序号"))
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    problem = models.TextField(_("监控发现的主要问题"))
    requirement = models.TextField(_("整改意见及要求"))
    due_date = models.DateField(_("整改时限"))
    source = models.CharField(_("意见来源"), max_length=16, choices=OpinionSource.choices)

    class Meta:
        verbose_name = _("反馈表问题")
        verbose_name_plural = _("反馈表问题")
        ordering = ["feedback", "position"]
        constraints = [
            models.UniqueConstraint(fields=["feedback", "position"], name="feedback_item_position")
        ]

    def __str__(self):
        return f"{self.position}. {self.problem[:30]}"
