"""Goal adjustment (第十四条): a unit asks to change its project's targets for an objective cause, with its
response plan; the counterpart section and the supervision section both approve (in either order), and
the approval makes the goal's next version."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.notifications.models import Transition
from jixiao.projects.models import Comparator, Indicator, ValueType


class Cause(models.TextChoices):
    """The objective causes 第十四条 names, and any other."""

    POLICY = "policy", _("政策变化")
    EMERGENCY = "emergency", _("突发事件")
    FORCE_MAJEURE = "force_majeure", _("不可抗力")
    OTHER = "other", _("其他客观因素")


class AdjustmentState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    COUNTERPART_APPROVED = "counterpart_approved", _("对口股室已同意")
    SUPERVISION_APPROVED = "supervision_approved", _("监督股已同意")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未同意")


# Sent to the bureau and waiting for one or both sections.
PENDING_STATES = (
    AdjustmentState.SUBMITTED,
    AdjustmentState.COUNTERPART_APPROVED,
    AdjustmentState.SUPERVISION_APPROVED,
)
OPEN_STATES = (AdjustmentState.DRAFT, *PENDING_STATES)


class GoalAdjustment(models.Model):
    """One request to adjust a project's performance goal, against the version in force when it was made."""

    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT, related_name="goal_adjustments"
    )
    cycle = models.ForeignKey(
        "monitoring.MonitoringCycle",
        verbose_name=_("监控周期"),
        on_delete=models.PROTECT,
        related_name="goal_adjustments",
    )
    counterpart_section = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("对口服务股室"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("申请时项目所在单位（或其上级单位）的对口服务股室。"),
    )
    base_version = models.ForeignKey(
        "projects.TargetVersion", verbose_name=_("原绩效目标版本"), on_delete=models.PROTECT, related_name="+"
    )
    new_version = models.OneToOneField(
        "projects.TargetVersion",
        verbose_name=_("调整后绩效目标版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cause = models.CharField(_("客观原因"), max_length=20, choices=Cause.choices)
    cause_description = models.TextField(_("原因说明"))
    response_plan = models.TextField(_("应对方案"))
    new_goal = models.TextField(_("调整后的年度总体目标"), blank=True, help_text=_("不调整总体目标的留空。"))
    state = models.CharField(
        _("状态"), max_length=24, choices=AdjustmentState.choices, default=AdjustmentState.DRAFT
    )
    urgent = models.BooleanField(
        _("紧急"), default=False, editable=False, help_text=_("突发事件，提交即告知区财政局。")
    )
    refusal_reason = models.TextField(_("不同意的理由"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("填写人")
    )
    created_at = models.DateTimeField(_("填写时间"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    counterpart_approved_at = models.DateTimeField(_("对口股室同意时间"), null=True, blank=True)
    supervision_approved_at = models.DateTimeField(_("监督股同意时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("绩效目标调整申请")
        verbose_name_plural = _("绩效目标调整申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(state__in=OPEN_STATES),
                name="adjustment_one_open_per_project",
            )
        ]
        indexes = [models.Index(fields=["state", "counterpart_section"])]

    def __str__(self):
        return f"{self.project.code} 绩效目标调整申请 #{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.state in PENDING_STATES


class AdjustedIndicator(models.Model):
    """One indicator's new target in a request, with the target it replaces as it stood when requested."""

    adjustment = models.ForeignKey(GoalAdjustment, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey(
        "projects.Indicator", verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+"
    )
    old_target = models.CharField(_("原指标值"), max_length=220)
    comparator = models.CharField(_("比较方式"), max_length=16, choices=Comparator.choices)
    value_type = models.CharField(_("指标值类型"), max_length=16, choices=ValueType.choices)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    target_number = models.DecimalField(_("指标值"), max_digits=18, decimal_places=4, null=True, blank=True)
    target_date = models.DateField(_("指标日期"), null=True, blank=True)
    target_text = models.CharField(_("定性指标值"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("调整的指标")
        verbose_name_plural = _("调整的指标")
        ordering = ["adjustment", "indicator__position"]
        constraints = [
            models.UniqueConstraint(fields=["adjustment", "indicator"], name="adjusted_indicator_unique")
        ]

    def __str__(self):
        return f"{self.indicator.name} {self.old_target} → {self.new_target}"

    @property
    def new_target(self) -> str:
        """The new target as the forms write it."""
        return Indicator(
            comparator=self.comparator,
            value_type=self.value_type,
            unit=self.unit,
            target_number=self.target_number,
            target_date=self.target_date,
            target_text=self.target_text,
        ).target_display


class AdjustmentTransition(Transition):
    """One step in a goal adjustment's 办理记录."""

    subject = models.ForeignKey(GoalAdjustment, on_delete=models.CASCADE, related_name="transitions")

    class Meta(Transition.Meta):
        verbose_name = _("绩效目标调整办理记录")
        verbose_name_plural = _("绩效目标调整办理记录")
