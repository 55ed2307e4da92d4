"""The monitoring score of each unit and cycle (第十六条): the cycle's scheme, and the scores frozen when the
cycle closes, with the inputs and the breakdown they were computed from (for the 绩效评价 that follows)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.scores import rules

_DEFAULTS = rules.Scheme()


def _weight(label: str, name: str):
    return models.PositiveSmallIntegerField(label, default=getattr(_DEFAULTS, name))


def _points(label: str, name: str, help_text: str = ""):
    return models.DecimalField(
        label, max_digits=6, decimal_places=2, default=getattr(_DEFAULTS, name), help_text=help_text
    )


class ScoreScheme(models.Model):
    """A cycle's weights and deduction rules, set by the supervision section until the cycle closes; a cycle
    without one is scored by the defaults of `rules.Scheme`."""

    cycle = models.OneToOneField(
        "monitoring.MonitoringCycle", on_delete=models.PROTECT, related_name="score_scheme"
    )
    weight_timeliness = _weight(_("报送及时性（分）"), "weight_timeliness")
    weight_completeness = _weight(_("报送完整性（分）"), "weight_completeness")
    weight_quality = _weight(_("报送质量（分）"), "weight_quality")
    weight_warnings = _weight(_("预警情况（分）"), "weight_warnings")
    weight_rectification = _weight(_("整改落实（分）"), "weight_rectification")
    late_day_points = _points(_("逾期每天扣分"), "late_day_points")
    missing_report_points = _points(_("缺报每个项目扣分"), "missing_report_points")
    return_points = _points(_("每次退回补正扣分"), "return_points")
    gap_points = _points(_("审核发现每个问题扣分"), "gap_points")
    red_share_free_pct = _points(
        _("红色预警预算占比不扣分上限（%）"), "red_share_free_pct", _("占比不超过此值时预警情况得满分。")
    )
    red_share_zero_pct = _points(
        _("红色预警预算占比不得分下限（%）"),
        "red_share_zero_pct",
        _("占比达到此值时预警情况不得分，其间按比例扣分。"),
    )
    overdue_item_points = _points(_("整改逾期每项扣分"), "overdue_item_points")
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("评分规则")
        verbose_name_plural = _("评分规则")

    def __str__(self):
        return f"{self.cycle} 评分规则"

    def params(self) -> rules.Scheme:
        return rules.Scheme(
            **{name: getattr(self, name) for name in rules.WEIGHT_FIELDS + rules.DEDUCTION_FIELDS}
        )


class ScoreFreeze(models.Model):
    """The scores of a closed cycle, computed once at the close with the scheme then in force."""

    cycle = models.OneToOneField(
        "monitoring.MonitoringCycle", on_delete=models.PROTECT, related_name="score_freeze"
    )
    as_of = models.DateField(_("计分截止日期"))
    scheme = models.JSONField(_("评分规则"))
    frozen_at = models.DateTimeField(_("固定时间"), auto_now_add=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("固定的监控评分")
        verbose_name_plural = _("固定的监控评分")

    def __str__(self):
        return f"{self.cycle} 监控评分（{self.as_of:%Y-%m-%d}）"

    def params(self) -> rules.Scheme:
        return rules.Scheme.from_dict(self.scheme)


class FrozenScore(models.Model):
    """One unit's score in a closed cycle: its rank, total, the inputs counted and the breakdown."""

    freeze = models.ForeignKey(ScoreFreeze, on_delete=models.CASCADE, related_name="scores")
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    rank = models.PositiveIntegerField(_("名次"))
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=2, default=Decimal(0))
    inputs = models.JSONField(_("计分依据"))
    breakdown = models.JSONField(_("得分明细"))

    class Meta:
        verbose_name = _("单位监控评分")
        verbose_name_plural = _("单位监控评分")
        ordering = ["rank", "organisation__code"]
        constraints = [models.UniqueConstraint(fields=["freeze", "organisation"], name="frozen_score_once")]

    def __str__(self):
        return f"{self.organisation} {self.total}"
