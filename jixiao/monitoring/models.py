from datetime import date
from decimal import Decimal
from itertools import pairwise

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


THRESHOLD_FIELDS = [
    "exec_lag_red_pp",
    "exec_lag_yellow_pp",
    "exec_zero_min_progress_pct",
    "projected_low_pct",
    "indicator_lag_red_pp",
    "indicator_lag_yellow_pp",
    "shortfall_red_pct",
    "excess_red_pct",
    "over_target_note_pct",
    "output_spend_mismatch_pp",
    "output_ratio_cap_pct",
]


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
    disposition_working_days = models.PositiveSmallIntegerField(
        _("红色预警处置答复时限（工作日）"), default=10
    )

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("监控周期")
        verbose_name_plural = _("监控周期")
        ordering = ["-year", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(kind="annual"),
                name="cycle_one_annual_per_year",
                violation_error_message=_("该年度的年度监控周期已经存在。"),
            ),
            models.CheckConstraint(
                condition=models.Q(period_end_month__gte=1, period_end_month__lte=12),
                name="cycle_month_range",
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
        for yellow, red in (
            ("exec_lag_yellow_pp", "exec_lag_red_pp"),
            ("indicator_lag_yellow_pp", "indicator_lag_red_pp"),
        ):
            yellow_value, red_value = getattr(self, yellow), getattr(self, red)
            if yellow_value is not None and red_value is not None and yellow_value >= red_value:
                errors[yellow] = _("黄色阈值须小于红色阈值。")
        dates = [getattr(self, field) for field, _md, _label in DUE_DATE_STEPS]
        if all(dates) and any(later < earlier for earlier, later in pairwise(dates)):
            errors["due_unit_to_bureau"] = _("各环节截止日期须按先后顺序排列。")
        if errors:
            raise ValidationError(errors)


class DataVersion(models.Model):
    """A number that goes up with each change to what it stands for (`jixiao.monitoring.versions`)."""

    number = models.PositiveBigIntegerField(_("版本号"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.pk} 第{self.number}版"


class CycleVersion(DataVersion):
    """How many times what the bureau's pages compute from one cycle has changed: its roll-up (every 附件1
    save, recompute and load), its packages, 附件2, rectification items, funding holds, the cycle or the
    organisations. Figures cached from a cycle (the cockpit, the key-item ranking) are keyed on this
    number, so a view reads this one row to know whether they still hold (`jixiao.monitoring.versions`)."""

    cycle = models.OneToOneField(
        MonitoringCycle, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )

    class Meta:
        verbose_name = _("监控周期数据版本")
        verbose_name_plural = _("监控周期数据版本")


class UnitVersion(DataVersion):
    """How many times a unit's own monitoring data has changed: its projects, budgets, targets and
    payments (loads, edits), its 附件1 and their warnings (saves, recomputes), its projects' funding holds.
    What a page works out from a unit's data (a package's readiness and draft) is keyed on the numbers of
    the unit and those below it (`jixiao.monitoring.versions`)."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )

    class Meta:
        verbose_name = _("单位数据版本")
        verbose_name_plural = _("单位数据版本")


class Likelihood(models.TextChoices):
    CERTAIN = "certain", _("确定能")
    POSSIBLE = "possible", _("有可能")
    IMPOSSIBLE = "impossible", _("完全不可能")


class SelfAssessment(models.TextChoices):
    MET = "met", _("达成目标")
    PARTLY_MET = "partly_met", _("部分达成目标并具有一定效果")
    NOT_MET = "not_met", _("未达成目标且效果较差")


class WarningLevel(models.TextChoices):
    GREEN = "green", _("绿色")
    BLUE = "blue", _("蓝色")
    YELLOW = "yellow", _("黄色")
    RED = "red", _("红色")


# Most severe first, for lists of warnings.
LEVEL_RANK = {WarningLevel.RED: 0, WarningLevel.YELLOW: 1, WarningLevel.BLUE: 2, WarningLevel.GREEN: 3}

DEVIATION_FIELDS = [
    ("deviation_funding", _("经费保障")),
    ("deviation_rules", _("制度保障")),
    ("deviation_staffing", _("人员保障")),
    ("deviation_facilities", _("硬件条件保障")),
    ("deviation_other", _("其他")),
]


class DeviationAnalysis(models.Model):
    """The five-part deviation analysis and corrective measures a warned item must carry (warnings.md)."""

    deviation_funding = models.TextField(_("偏差原因·经费保障"), blank=True)
    deviation_rules = models.TextField(_("偏差原因·制度保障"), blank=True)
    deviation_staffing = models.TextField(_("偏差原因·人员保障"), blank=True)
    deviation_facilities = models.TextField(_("偏差原因·硬件条件保障"), blank=True)
    deviation_other = models.TextField(_("偏差原因·其他"), blank=True)
    corrective_measures = models.TextField(_("纠偏措施"), blank=True)

    class Meta:
        abstract = True

    @property
    def has_deviation_analysis(self) -> bool:
        return any(getattr(self, name).strip() for name, _label in DEVIATION_FIELDS)

    @property
    def has_corrective_measures(self) -> bool:
        return bool(self.corrective_measures.strip())


NARRATIVE_FIELDS = [
    ("narrative_rules", _("制度建设及执行情况")),
    ("narrative_outputs", _("阶段性产出完成情况")),
    ("narrative_benefits", _("效益实现程度及趋势")),
    ("narrative_conditions", _("实施条件与目标调整需求")),
    ("narrative_funds", _("资金管理情况")),
    ("narrative_deviation", _("偏离原因及应对措施")),
    ("narrative_innovation", _("创新做法与可推广经验")),
]


class MonitoringNarrative(models.Model):
    """The seven points of 第十条, written for one project (附件1) or for a whole unit (书面说明材料)."""

    narrative_rules = models.TextField(_("制度建设及执行情况"), blank=True)
    narrative_outputs = models.TextField(_("阶段性产出完成情况"), blank=True)
    narrative_benefits = models.TextField(_("效益实现程度及趋势"), blank=True)
    narrative_conditions = models.TextField(_("实施条件与目标调整需求"), blank=True)
    narrative_funds = models.TextField(_("资金管理情况"), blank=True)
    narrative_deviation = models.TextField(_("偏离原因及应对措施"), blank=True)
    narrative_innovation = models.TextField(_("创新做法与可推广经验"), blank=True)

    class Meta:
        abstract = True

    @property
    def narratives(self) -> list[tuple[str, str]]:
        return [(str(label), getattr(self, name)) for name, label in NARRATIVE_FIELDS]


class AnalysisReport(DeviationAnalysis, MonitoringNarrative):
    """附件1: one project's monitoring analysis table in one cycle.

    `revision` increases on every save; a save carrying an older revision (a stale tab) is refused.
    """

    cycle = models.ForeignKey(MonitoringCycle, on_delete=models.PROTECT, related_name="reports")
    project = models.ForeignKey("projects.Project", on_delete=models.PROTECT, related_name="reports")
    target_version = models.ForeignKey(
        "projects.TargetVersion",
        verbose_name=_("绩效目标版本"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    projected_fiscal = models.DecimalField(
        _("全年预计执行数·财政拨款"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    projected_other = models.DecimalField(
        _("全年预计执行数·其他资金"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    goal_progress = models.TextField(_("目标完成情况"), blank=True)
    unit_leader_name = models.CharField(_("单位负责人"), max_length=40, blank=True)
    finance_leader_name = models.CharField(_("财务负责人"), max_length=40, blank=True)
    filler_name = models.CharField(_("填表人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    filled_on = models.DateField(_("填报日期"), null=True, blank=True)
    level = models.CharField(
        _("预警等级"), max_length=8, choices=WarningLevel.choices, default=WarningLevel.GREEN
    )
    # The level the cycle's roll-up last counted this report at (`jixiao.monitoring.rollup`): a whole-cycle
    # rebuild recounts only the units with a report whose level has moved since.
    counted_level = models.CharField(_("汇总所计预警等级"), max_length=8, blank=True, editable=False)
    red_since = models.DateField(
        _("首次红色预警日期"),
        null=True,
        blank=True,
        help_text=_("本周期内首次出现红色预警的日期；红色预警处置的答复时限由此起算。"),
    )
    locked = models.BooleanField(
        _("已报送锁定"), default=False, help_text=_("所在单位的报送材料已报送或已审核通过时，本表只读。")
    )
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(_("最后保存"), auto_now=True)
    updated_by = models.ForeignKey(
        "organisations.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("监控分析表")
        verbose_name_plural = _("监控分析表")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "project"], name="report_one_per_project_cycle")
        ]
        indexes = [models.Index(fields=["cycle", "level"])]

    def __str__(self):
        return f"{self.project} · {self.cycle.period_label}"

    @property
    def projected_total(self) -> Decimal | None:
        if self.projected_fiscal is None and self.projected_other is None:
            return None
        return (self.projected_fiscal or Decimal(0)) + (self.projected_other or Decimal(0))


class IndicatorEntry(DeviationAnalysis):
    """One indicator's row of 附件1: what was achieved to date, what is expected, and why it deviates."""

    report = models.ForeignKey(AnalysisReport, on_delete=models.CASCADE, related_name="entries")
    indicator = models.ForeignKey("projects.Indicator", on_delete=models.PROTECT, related_name="entries")
    actual_number = models.DecimalField(
        _("实际完成值"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    actual_date = models.DateField(_("实际完成日期"), null=True, blank=True)
    actual_text = models.TextField(_("实际完成情况"), blank=True)
    projected_number = models.DecimalField(
        _("全年预计完成值"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    projected_date = models.DateField(_("预计完成日期"), null=True, blank=True)
    self_assessment = models.CharField(_("自评"), max_length=16, choices=SelfAssessment.choices, blank=True)
    likelihood = models.CharField(_("完成目标可能性"), max_length=16, choices=Likelihood.choices, blank=True)
    remark = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("指标完成情况")
        verbose_name_plural = _("指标完成情况")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="entry_one_per_indicator")
        ]

    def __str__(self):
        return f"{self.report_id}:{self.indicator_id}"


class ReportWarning(models.Model):
    """A warning computed for a report (indicator empty: a funds or consistency rule)."""

    # Indexed through (report, level) below; a second index on report alone would only slow bulk writes.
    report = models.ForeignKey(
        AnalysisReport, on_delete=models.CASCADE, related_name="warnings", db_index=False
    )
    indicator = models.ForeignKey(
        "projects.Indicator", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    code = models.CharField(_("规则"), max_length=32)
    level = models.CharField(_("等级"), max_length=8, choices=WarningLevel.choices)
    message = models.CharField(_("预警信息"), max_length=300)
    figures = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        indexes = [models.Index(fields=["report", "level"])]

    def __str__(self):
        return f"{self.get_level_display()} {self.message}"


# The roll-up's level of a project with no 附件1 in the cycle yet.
LEVEL_NONE = "none"


class CycleRollup(models.Model):
    """Maintained totals of one cycle per owning unit, warning level, project type and key flag.

    Kept up to date by the services that change what they count (a 附件1 saved, warnings recomputed,
    projects, targets or payments loaded: `jixiao.monitoring.rollup`), so that the bureau's cockpit reads
    a few hundred rows instead of summing every project on each view. Annual cycles only.
    """

    cycle = models.ForeignKey(MonitoringCycle, on_delete=models.CASCADE, related_name="rollups")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="rollups"
    )
    level = models.CharField(_("预警等级"), max_length=8)
    project_type = models.CharField(_("项目类型"), max_length=32)
    is_key_project = models.BooleanField(_("重点项目"))
    projects = models.PositiveIntegerField(_("项目数"))
    budget = models.DecimalField(_("预算数"), max_digits=18, decimal_places=2)
    paid = models.DecimalField(_("执行数"), max_digits=18, decimal_places=2)
    quantitative = models.PositiveIntegerField(_("定量指标数"))
    qualitative = models.PositiveIntegerField(_("定性指标数"))
    # "≥" number and percent indicators of the filled 附件1 by completion (actual ÷ target): not filled,
    # below 60 %, 60–80 %, 80–100 %, reached.
    completion_none = models.PositiveIntegerField(_("指标未填报"), default=0)
    completion_low = models.PositiveIntegerField(_("完成不足60%"), default=0)
    completion_mid = models.PositiveIntegerField(_("完成60%—80%"), default=0)
    completion_high = models.PositiveIntegerField(_("完成80%—100%"), default=0)
    completion_met = models.PositiveIntegerField(_("已达到指标值"), default=0)

    class Meta:
        verbose_name = _("监控汇总")
        verbose_name_plural = _("监控汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "organisation", "level", "project_type", "is_key_project"],
                name="rollup_one_per_group",
            )
        ]

    def __str__(self):
        return f"{self.cycle_id}:{self.organisation_id}:{self.level}"
