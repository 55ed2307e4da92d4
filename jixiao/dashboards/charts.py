"""The cockpit's chart data: each chart is a title, its series and the table that shows the same figures.

The page draws them with ECharts and offers the table view and the .xlsx export of the same table, so a
chart never says anything its table does not. Amounts are 万元, rates percentages with one decimal.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from jixiao.core.formatting import wan
from jixiao.dashboards.cockpit import COMPLETION_BUCKETS, LEVEL_LABELS, LEVELS, Cockpit
from jixiao.funding.models import HOLD_STATES, FundingState
from jixiao.monitoring.models import LEVEL_NONE, AnalysisReport
from jixiao.projects.models import Project
from jixiao.projects.selectors import budget_expression, paid_to_date_subquery
from jixiao.rectification.selectors import rectification_item_list
from jixiao.workflow.models import Step, Submission

SCATTER_LIMIT = 500  # the largest projects by budget; the table says when more exist
HUNDRED = Decimal(100)


@dataclass
class Chart:
    name: str
    title: str
    kind: str  # bar, stacked, scatter, line
    columns: list[str]
    rows: list[list]
    categories: list[str] = field(default_factory=list)
    series: list[dict] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    money_columns: list[int] = field(default_factory=list)  # 0-based columns in 万元
    rate_columns: list[int] = field(default_factory=list)  # 0-based columns holding percentages

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "kind": self.kind,
            "columns": self.columns,
            "rows": [[_plain(value) for value in row] for row in self.rows],
            "categories": self.categories,
            "series": self.series,
            **self.extra,
        }


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _percent(rate: Decimal | None) -> Decimal | None:
    return None if rate is None else (rate * HUNDRED).quantize(Decimal("0.1"))


def _wan(amount: Decimal) -> Decimal:
    return Decimal(wan(amount).replace(",", ""))


def execution_chart(cockpit: Cockpit) -> Chart:
    """Execution rate ΣE/ΣB of each line against the cycle's time progress."""
    progress = _percent(cockpit.time_progress)
    rows = [
        [row.label, _wan(row.figures.budget), _wan(row.figures.paid), _percent(row.figures.execution_rate)]
        for row in cockpit.rows
    ]
    return Chart(
        name="execution",
        title="执行率与时间进度",
        kind="bar",
        columns=["名称", "预算数（万元）", "执行数（万元）", "执行率（%）"],
        rows=rows,
        categories=[row[0] for row in rows],
        series=[{"name": "执行率", "data": [_plain(row[3]) for row in rows]}],
        extra={"mark": {"name": "时间进度", "value": _plain(progress)}},
        money_columns=[1, 2],
        rate_columns=[3],
    )


def levels_chart(cockpit: Cockpit) -> Chart:
    """How many projects of each line stand at each warning level, stacked."""
    rows = [
        [row.label, *(row.figures.level_counts.get(level, 0) for level in LEVELS)] for row in cockpit.rows
    ]
    return Chart(
        name="levels",
        title="预警等级分布",
        kind="stacked",
        columns=["名称", *(f"{LEVEL_LABELS[level]}（个）" for level in LEVELS)],
        rows=rows,
        categories=[row[0] for row in rows],
        series=[
            {"name": LEVEL_LABELS[level], "level": level, "data": [row[1 + i] for row in rows]}
            for i, level in enumerate(LEVELS)
        ],
    )


def scatter_chart(cockpit: Cockpit) -> Chart:
    """One point a project (the largest by budget): budget against execution rate, coloured by level."""
    filters = cockpit.filters
    level = Coalesce(
        Subquery(
            AnalysisReport.objects.filter(cycle=filters.cycle, project=OuterRef("pk")).values("level")[:1]
        ),
        Value(LEVEL_NONE),
        output_field=CharField(),
    )
    projects = Project.objects.filter(year=filters.cycle.year, owner__in=cockpit.unit_ids)
    if filters.project_type:
        projects = projects.filter(project_type=filters.project_type)
    if filters.key_only:
        projects = projects.filter(is_key_project=True)
    if filters.funding == FundingState.NORMAL:
        projects = projects.exclude(funding_control__status__in=HOLD_STATES)
    elif filters.funding:
        projects = projects.filter(funding_control__status=filters.funding)
    projects = projects.annotate(report_level=level)
    if filters.level:
        projects = projects.filter(report_level=filters.level)
    found = list(
        projects.annotate(
            budget_total=budget_expression(), paid_total=paid_to_date_subquery(filters.cycle.period_end_month)
        )
        .select_related("owner")
        .order_by("-budget_total", "code")
        .only("pk", "code", "name", "owner__name")[:SCATTER_LIMIT]
    )
    rows, points = [], []
    for project in found:
        rate = _percent(project.paid_total / project.budget_total) if project.budget_total else None
        rows.append(
            [project.code, project.name, project.owner.name, _wan(project.budget_total), rate,
             LEVEL_LABELS[project.report_level]]
        )  # fmt: skip
        points.append(
            {
                "value": [_plain(_wan(project.budget_total)), _plain(rate) if rate is not None else 0],
                "name": project.name,
                "level": project.report_level,
                "url": reverse("projects:project_detail", args=[project.pk]),
            }
        )
    return Chart(
        name="scatter",
        title=f"项目预算与执行率（预算最大的 {SCATTER_LIMIT} 个项目以内）",
        kind="scatter",
        columns=["项目编码", "项目名称", "单位", "预算数（万元）", "执行率（%）", "预警等级"],
        rows=rows,
        series=[
            {"name": LEVEL_LABELS[lv], "level": lv, "data": [p for p in points if p["level"] == lv]}
            for lv in LEVELS
        ],
        money_columns=[3],
        rate_columns=[4],
    )


def packages_chart(cockpit: Cockpit) -> Chart:
    """Packages received per day before (negative) and after (positive) their due date, per step."""
    sent = Submission.objects.filter(
        cycle=cockpit.filters.cycle, organisation__in=cockpit.unit_ids, submitted_at__isnull=False
    ).values_list("step", "submitted_at", "due_date")
    counts = Counter(
        (step, (timezone.localdate(submitted_at) - due_date).days) for step, submitted_at, due_date in sent
    )
    offsets = sorted({offset for _step, offset in counts} | {0})
    categories = [f"{offset:+d}天" if offset else "截止日" for offset in offsets]
    steps = list(Step)
    rows = [
        [categories[i], *(counts.get((step, offset), 0) for step in steps)]
        for i, offset in enumerate(offsets)
    ]
    return Chart(
        name="packages",
        title="每日收到的报送材料（相对截止日）",
        kind="bar",
        columns=["相对截止日", *(f"{step.label}（份）" for step in steps)],
        rows=rows,
        categories=categories,
        series=[{"name": step.label, "data": [row[1 + i] for row in rows]} for i, step in enumerate(steps)],
    )


def rectification_chart(cockpit: Cockpit, *, user) -> Chart:
    """Rectification items opened (a 附件2 issued, a finding recorded) and verified, month by month."""
    items = rectification_item_list(user=user).filter(
        cycle=cockpit.filters.cycle, organisation__in=cockpit.unit_ids
    )
    opened, closed = Counter(), Counter()
    for opened_at, verified_at in items.values_list("opened_at", "verified_at"):
        if opened_at:
            opened[timezone.localtime(opened_at).strftime("%Y-%m")] += 1
        if verified_at:
            closed[timezone.localtime(verified_at).strftime("%Y-%m")] += 1
    months = sorted(set(opened) | set(closed))
    rows = [[month, opened[month], closed[month]] for month in months]
    return Chart(
        name="rectification",
        title="整改问题下达与核查销号（按月）",
        kind="line",
        columns=["月份", "下达问题（项）", "核查销号（项）"],
        rows=rows,
        categories=months,
        series=[
            {"name": "下达问题", "data": [row[1] for row in rows]},
            {"name": "核查销号", "data": [row[2] for row in rows]},
        ],
    )


def completion_chart(cockpit: Cockpit) -> Chart:
    """How far the filled 附件1's "≥" number and percent indicators have come (actual ÷ target), stacked."""
    rows = [
        [row.label, *(row.figures.completion[name] for name, _label in COMPLETION_BUCKETS)]
        for row in cockpit.rows
    ]
    return Chart(
        name="completion",
        title="指标完成程度分布（“≥”类数值指标，实际完成值 ÷ 指标值）",
        kind="stacked",
        columns=["名称", *(f"{label}（个）" for _name, label in COMPLETION_BUCKETS)],
        rows=rows,
        categories=[row[0] for row in rows],
        series=[
            {"name": label, "data": [row[1 + i] for row in rows]}
            for i, (_name, label) in enumerate(COMPLETION_BUCKETS)
        ],
    )


CHARTS = ["execution", "levels", "scatter", "completion", "packages", "rectification"]


def chart_build(name: str, cockpit: Cockpit, *, user) -> Chart:
    """The chart `name` (one of CHARTS) of the cockpit's scope."""
    if name == "execution":
        return execution_chart(cockpit)
    if name == "levels":
        return levels_chart(cockpit)
    if name == "scatter":
        return scatter_chart(cockpit)
    if name == "completion":
        return completion_chart(cockpit)
    if name == "packages":
        return packages_chart(cockpit)
    return rectification_chart(cockpit, user=user)


def rows_table(cockpit: Cockpit) -> Chart:
    """The drill-down table: the figures, warning levels, holds, completeness and timeliness of each line."""
    steps = list(Step)
    columns = [
        "名称", "项目数", "已填报", "预算数（万元）", "执行数（万元）", "执行率（%）",
        *(f"{LEVEL_LABELS[level]}（个）" for level in LEVELS), "红色预警金额（万元）", "暂缓或停止拨款（个）",
        *(f"报送完整率·{step.label}（%）" for step in steps), *(f"报送及时率·{step.label}（%）" for step in steps),
    ]  # fmt: skip
    rows = []
    for row in [*cockpit.rows]:
        figures = row.figures
        rows.append(
            [
                row.label, figures.projects, figures.filled, _wan(figures.budget), _wan(figures.paid),
                _percent(figures.execution_rate), *(figures.level_counts.get(level, 0) for level in LEVELS),
                _wan(figures.level_budgets.get("red") or 0), row.holds,
                *(_percent(row.rates[step].completeness) if step in row.rates else None for step in steps),
                *(_percent(row.rates[step].timeliness) if step in row.rates else None for step in steps),
            ]
        )  # fmt: skip
    money = [3, 4, 6 + len(LEVELS)]
    return Chart(
        name="rows",
        title=f"{cockpit.title}·监控情况汇总",
        kind="table",
        columns=columns,
        rows=rows,
        money_columns=money,
        rate_columns=[5, *range(8 + len(LEVELS), 8 + len(LEVELS) + 2 * len(steps))],
    )


def late_table(cockpit: Cockpit) -> Chart:
    """Packages sent after their due date, or still missing past it, the latest first."""
    rows = [
        [status.unit.name, Step(status.step).label, status.due_date.isoformat(),
         status.sent_on.isoformat() if status.sent_on else "未报送", status.late_days]
        for status in cockpit.late
    ]  # fmt: skip
    return Chart(
        name="late",
        title=f"{cockpit.title}·逾期报送情况",
        kind="table",
        columns=["单位", "环节", "截止日期", "报送日期", "逾期天数"],
        rows=rows,
    )


TABLES = {"rows": rows_table, "late": late_table}
