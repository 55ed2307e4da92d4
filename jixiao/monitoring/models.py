from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.organisations.models import BUDGET_UNIT_KINDS


class CycleKind(models.TextChoices):
    ANNUAL = "annual", _("年度监控")
    SELF_INITIATED = "self_initiated", _("自行监控")


class CycleStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


# The six steps of 第十一条 and the month/day each is due in the cycle's year.
DUE_DATE_STEPS = [
    ("due_unit_to_primary", (9, 10), _("二级预算单位报送一级预算单位")),
    ("due_unit_to_bureau", (9, 15), _("镇、一级预算单位报送区财政局")),
    ("due_supervision_review", (9, 30), _("监督与绩效管理股反馈审核意见")),
    ("due_feedback_issue", (10, 20), _("对口服务股室下达综合意见反馈表")),
    ("due_rectification_report", (11, 30), _("报送整改落实情况")),
    ("due_rectification_complete", (12, 31), _("完成整改")),
]


def default_due_dates(year: int) -> dict[str, date]:
    """The regulation's deadlines (第十一条, 第十三条) for a cycle of `year`."""
    return {field: date(year, month, day) for field, (month, day), _label in DUE_DATE_STEPS}


def _pp(default: str):
    return {"max_digits": 6, "decimal_places": 2, "default": Decimal(default)}


class MonitoringCycle(models.Model):
    """One round of monitoring for the period 1 January – end of `period_end_month`.

    The warning thresholds of warnings.md live here so that a cycle can change them; a change recomputes
    that cycle's warnings.
    """

    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类型"), max_length=20, choices=CycleKind.choices, default=CycleKind.ANNUAL)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("自行监控单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="own_cycles",
        limit_choices_to={"kind__in": BUDGET_UNIT_KINDS},
        help_text=_("仅自行开展的监控填写。"),
    )
    name = models.CharField(_("名称"), max_length=100)
    period_end_month = models.PositiveSmallIntegerField(
        _("监控截止月份"), default=8, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    status = models.CharField(_("状态"), max_length=16, choices=CycleStatus.choices, default=CycleStatus.OPEN)

    due_unit_to_primary = models.DateField(_("二级单位报送截止"))
    due_unit_to_bureau = models.DateField(_("报送区财政局截止"))
    due_supervision_review = models.DateField(_("监督股反馈截止"))
    due_feedback_issue = models.DateField(_("下达反馈表截止"))
    due_rectification_report = models.DateField(_("整改报告截止"))
    due_rectification_complete = models.DateField(_("整改完成截止"))

    exec_lag_red_pp = models.DecimalField(_("执行滞后红色（百分点）"), **_pp("20"))
    exec_lag_yellow_pp = models.DecimalField(_("执行滞后黄色（百分点）"), **_pp("10"))
    exec_zero_min_progress_pct = models.DecimalField(_("零支出红色起始时间进度（%）"), **_pp("50"))
    projected_low_pct = models.DecimalField(_("预计执行偏低（%）"), **_pp("90"))
    indicator_lag_red_pp = models.DecimalField(_("指标滞后红色（百分点）"), **_pp("20"))
    indicator_lag_yellow_pp = models.DecimalField(_("指标滞后黄色（百分点）"), **_pp("10"))
    shortfall_red_pct = models.DecimalField(_("水平型指标差距红色（%）"), **_pp("10"))
    excess_red_pct = models.DecimalField(_("反向指标超出红色（%）"), **_pp("10"))
    over_target_note_pct = models.DecimalField(_("大幅超前提示（%）"), **_pp("120"))
    output_spend_mismatch_pp = models.DecimalField(_("投入产出不匹配（百分点）"), **_pp("50"))
    output_ratio_cap_pct = models.DecimalField(_("产出完成率上限（%）"), **_pp("150"))
    disposition_working_days = models.PositiveSmallIntegerField(_("红色预警处置答复时限（工作日）"), default=10)

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("监控周期")
        verbose_name_plural = _("监控周期")
        ordering = ["-year", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=models.Q(kind="annual"), name="cycle_one_annual_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end_month__gte=1, period_end_month__lte=12), name="cycle_month_range"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def period_label(self) -> str:
        return f"{self.year}年1—{self.period_end_month}月"

    @property
    def time_progress(self) -> Decimal:
        """TP of warnings.md as an exact fraction (m / 12)."""
        return Decimal(self.period_end_month) / Decimal(12)

    def due_dates(self) -> list[tuple[str, str, date]]:
        return [(field, label, getattr(self, field)) for field, _md, label in DUE_DATE_STEPS]

    def clean(self):
        errors = {}
        if self.kind == CycleKind.SELF_INITIATED and not self.organisation_id:
            errors["organisation"] = _("自行开展的监控须指定单位。")
        if self.kind == CycleKind.ANNUAL and self.organisation_id:
            errors["organisation"] = _("年度监控由区财政局组织，不指定单位。")
        if self.exec_lag_yellow_pp is not None and self.exec_lag_red_pp is not None:
            if self.exec_lag_yellow_pp >= self.exec_lag_red_pp:
                errors["exec_lag_yellow_pp"] = _("黄色阈值须小于红色阈值。")
        if self.indicator_lag_yellow_pp is not None and self.indicator_lag_red_pp is not None:
            if self.indicator_lag_yellow_pp >= self.indicator_lag_red_pp:
                errors["indicator_lag_yellow_pp"] = _("黄色阈值须小于红色阈值。")
        dates = [getattr(self, field) for field, _md, _label in DUE_DATE_STEPS]
        if all(dates) and any(later < earlier for earlier, later in zip(dates, dates[1:], strict=False)):
            errors["due_unit_to_bureau"] = _("各环节截止日期须按先后顺序排列。")
        if errors:
            raise ValidationError(errors)
