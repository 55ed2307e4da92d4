from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from jixiao.organisations.models import BUDGET_UNIT_KINDS, OrganisationKind

MONEY = {"max_digits": 16, "decimal_places": 2}
ZERO = Decimal("0.00")


def budget_of(initial_fiscal: Decimal, initial_other: Decimal, adjusted_fiscal, adjusted_other) -> Decimal:
    """B of warnings.md: the adjusted budget when either part was adjusted (a part left blank keeps its
    initial amount), else the initial budget."""
    if adjusted_fiscal is None and adjusted_other is None:
        return initial_fiscal + initial_other
    fiscal = initial_fiscal if adjusted_fiscal is None else adjusted_fiscal
    other = initial_other if adjusted_other is None else adjusted_other
    return fiscal + other


class ProjectType(models.TextChoices):
    DEPARTMENT_SPECIAL = "department_special", _("部门预算专项")
    FISCAL_SPECIAL = "fiscal_special", _("财政专项资金")


class Project(models.Model):
    """A budget project monitored in one budget year (第二条)."""

    code = models.CharField(_("项目编码"), max_length=40)
    name = models.CharField(_("项目名称"), max_length=200)
    year = models.PositiveSmallIntegerField(_("预算年度"))
    owner = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("实施单位"),
        on_delete=models.PROTECT,
        related_name="projects",
        limit_choices_to={"kind__in": BUDGET_UNIT_KINDS},
    )
    project_type = models.CharField(_("项目类型"), max_length=32, choices=ProjectType.choices)
    responsible_person = models.CharField(_("项目负责人"), max_length=40, blank=True)
    responsible_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    start_date = models.DateField(_("实施开始日期"), null=True, blank=True)
    end_date = models.DateField(_("实施结束日期"), null=True, blank=True)
    is_key_project = models.BooleanField(
        _("重点项目"), default=False, help_text=_("由区财政局直接组织监控。")
    )
    initial_fiscal = models.DecimalField(_("年初预算·财政拨款"), default=ZERO, **MONEY)
    initial_other = models.DecimalField(_("年初预算·其他资金"), default=ZERO, **MONEY)
    adjusted_fiscal = models.DecimalField(_("调整后预算·财政拨款"), null=True, blank=True, **MONEY)
    adjusted_other = models.DecimalField(_("调整后预算·其他资金"), null=True, blank=True, **MONEY)
    agencies = models.ManyToManyField(
        "organisations.Organisation",
        verbose_name=_("委托跟踪机构"),
        blank=True,
        related_name="tracked_projects",
        limit_choices_to={"kind": OrganisationKind.AGENCY},
    )
    current_target = models.ForeignKey(
        "TargetVersion",
        verbose_name=_("现行绩效目标"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("项目")
        verbose_name_plural = _("项目")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["year", "code"], name="project_unique_code_per_year")]
        indexes = [models.Index(fields=["owner", "year"])]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        if self.owner_id and self.owner.kind not in BUDGET_UNIT_KINDS:
            raise ValidationError({"owner": _("项目只能属于镇或预算单位。")})
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})

    @property
    def initial_total(self) -> Decimal:
        return self.initial_fiscal + self.initial_other

    @property
    def is_adjusted(self) -> bool:
        return self.adjusted_fiscal is not None or self.adjusted_other is not None

    @property
    def adjusted_total(self) -> Decimal | None:
        return self.budget if self.is_adjusted else None

    @property
    def budget(self) -> Decimal:
        return budget_of(self.initial_fiscal, self.initial_other, self.adjusted_fiscal, self.adjusted_other)


class ProjectMonth(models.Model):
    """One month of a project's money: amounts paid (from the treasury) and the spending plan (用款计划)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="months")
    month = models.PositiveSmallIntegerField(
        _("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    paid_fiscal = models.DecimalField(_("支付数·财政拨款"), default=ZERO, **MONEY)
    paid_other = models.DecimalField(_("支付数·其他资金"), default=ZERO, **MONEY)
    planned = models.DecimalField(_("用款计划"), default=ZERO, **MONEY)

    class Meta:
        verbose_name = _("月度资金")
        verbose_name_plural = _("月度资金")
        ordering = ["project", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="project_month_unique"),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="project_month_range"
            ),
        ]

    def __str__(self):
        return f"{self.project.code} {self.month}月"

    @property
    def paid_total(self) -> Decimal:
        return self.paid_fiscal + self.paid_other


class TargetVersion(models.Model):
    """One approved version of a project's performance goal and indicators.

    An approved adjustment (第十四条) adds a version; reports keep the version they were filled against,
    so a version is never edited once another one follows it.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="target_versions")
    number = models.PositiveSmallIntegerField(_("版本号"))
    annual_goal = models.TextField(_("年度总体目标"))
    reason = models.CharField(_("调整原因"), max_length=200, blank=True)
    source_url = models.CharField(
        _("来源链接"), max_length=300, blank=True, help_text=_("产生本版本的办理页面，如绩效目标调整申请。")
    )
    approved_at = models.DateTimeField(_("批复时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("绩效目标版本")
        verbose_name_plural = _("绩效目标版本")
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="target_version_unique")]

    def __str__(self):
        return f"{self.project.code} 第{self.number}版"


class IndicatorLevel1(models.TextChoices):
    OUTPUT = "output", _("产出指标")
    BENEFIT = "benefit", _("效益指标")
    SATISFACTION = "satisfaction", _("满意度指标")


class IndicatorCategory(models.TextChoices):
    """二级指标; the 一级 follows from it (CATEGORY_LEVEL1)."""

    QUANTITY = "quantity", _("数量指标")
    QUALITY = "quality", _("质量指标")
    TIMELINESS = "timeliness", _("时效指标")
    COST = "cost", _("成本指标")
    ECONOMIC = "economic", _("经济效益指标")
    SOCIAL = "social", _("社会效益指标")
    ECOLOGICAL = "ecological", _("生态效益指标")
    SUSTAINABILITY = "sustainability", _("可持续影响指标")
    BENEFICIARY_SATISFACTION = "beneficiary_satisfaction", _("服务对象满意度指标")


CATEGORY_LEVEL1 = {
    IndicatorCategory.QUANTITY: IndicatorLevel1.OUTPUT,
    IndicatorCategory.QUALITY: IndicatorLevel1.OUTPUT,
    IndicatorCategory.TIMELINESS: IndicatorLevel1.OUTPUT,
    IndicatorCategory.COST: IndicatorLevel1.OUTPUT,
    IndicatorCategory.ECONOMIC: IndicatorLevel1.BENEFIT,
    IndicatorCategory.SOCIAL: IndicatorLevel1.BENEFIT,
    IndicatorCategory.ECOLOGICAL: IndicatorLevel1.BENEFIT,
    IndicatorCategory.SUSTAINABILITY: IndicatorLevel1.BENEFIT,
    IndicatorCategory.BENEFICIARY_SATISFACTION: IndicatorLevel1.SATISFACTION,
}
CATEGORY_ORDER = list(IndicatorCategory.values)


def in_form_order(indicators) -> list:
    """Indicators as the forms list them: by 二级 in the national framework's order, then by position."""
    return sorted(indicators, key=lambda i: (CATEGORY_ORDER.index(i.category), i.position))


class Comparator(models.TextChoices):
    AT_LEAST = ">=", "≥"
    AT_MOST = "<=", "≤"
    EQUAL = "=", "="
    QUALITATIVE = "qualitative", _("定性")


class ValueType(models.TextChoices):
    NUMBER = "number", _("数值")
    PERCENT = "percent", _("百分比")
    DATE = "date", _("日期")
    TEXT = "text", _("文字")


class ProgressType(models.TextChoices):
    CUMULATIVE = "cumulative", _("累计型")
    LEVEL = "level", _("水平型")


class Indicator(models.Model):
    """A 三级 performance indicator of one target version.

    Percent targets are stored in percentage points (95 means 95%).
    """

    version = models.ForeignKey(TargetVersion, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(_("序号"))
    category = models.CharField(_("二级指标"), max_length=32, choices=IndicatorCategory.choices)
    name = models.CharField(_("三级指标"), max_length=120)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    comparator = models.CharField(_("比较方式"), max_length=16, choices=Comparator.choices)
    value_type = models.CharField(_("指标值类型"), max_length=16, choices=ValueType.choices)
    target_number = models.DecimalField(_("指标值"), max_digits=18, decimal_places=4, null=True, blank=True)
    target_date = models.DateField(_("指标日期"), null=True, blank=True)
    target_text = models.CharField(_("定性指标值"), max_length=200, blank=True)
    progress_type = models.CharField(
        _("进度类型"), max_length=16, choices=ProgressType.choices, default=ProgressType.CUMULATIVE
    )

    class Meta:
        verbose_name = _("绩效指标")
        verbose_name_plural = _("绩效指标")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="indicator_unique_position")
        ]

    def __str__(self):
        return f"{self.name} {self.target_display}"

    @property
    def level1(self) -> str:
        return CATEGORY_LEVEL1[self.category]

    def get_level1_display(self) -> str:
        return IndicatorLevel1(self.level1).label

    def clean(self):
        errors = {}
        is_text = self.value_type == ValueType.TEXT
        if is_text != (self.comparator == Comparator.QUALITATIVE):
            errors["comparator"] = _("文字型指标必须为定性比较，定性比较只能用于文字型指标。")
        if self.value_type in (ValueType.NUMBER, ValueType.PERCENT) and self.target_number is None:
            errors["target_number"] = _("请填写数值指标值。")
        if self.value_type == ValueType.DATE:
            if self.target_date is None:
                errors["target_date"] = _("请填写日期指标值。")
            if self.comparator == Comparator.AT_LEAST:
                errors["comparator"] = _("日期型指标只能为“≤”或“=”。")
        if is_text and not self.target_text:
            errors["target_text"] = _("请填写定性指标值。")
        if errors:
            raise ValidationError(errors)

    @property
    def target_display(self) -> str:
        """The target as written on the form: `≥500人`, `≤20万元`, `=100%`, `≤2026-11-30`, or text."""
        if self.value_type == ValueType.TEXT:
            return self.target_text
        sign = Comparator(self.comparator).label
        if self.value_type == ValueType.DATE:
            return f"{sign}{self.target_date:%Y-%m-%d}" if self.target_date else sign
        number = self.target_number.normalize() if self.target_number is not None else ""
        number = f"{number:f}" if number != "" else ""
        unit = "%" if self.value_type == ValueType.PERCENT else self.unit
        return f"{sign}{number}{unit}"
