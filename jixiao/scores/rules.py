"""The monitoring score (第十六条) as pure functions: a unit's inputs and the cycle's scheme → each
component's points, deduction and reasons, and the 100-point total.

Nothing here reads the database, so the score of a closed cycle can be recomputed from its stored inputs and
scheme, and every line of the arithmetic is tested by hand.
"""

from dataclasses import asdict, dataclass, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)

# (key, label): the five parts of the score, in the order every page and the export show them.
COMPONENTS = [
    ("timeliness", "报送及时性"),
    ("completeness", "报送完整性"),
    ("quality", "报送质量"),
    ("warnings", "预警情况"),
    ("rectification", "整改落实"),
]
COMPONENT_LABELS = dict(COMPONENTS)


@dataclass(frozen=True)
class Scheme:
    """A cycle's weights (points of each component, summing to 100) and deduction parameters."""

    weight_timeliness: int = 20
    weight_completeness: int = 20
    weight_quality: int = 20
    weight_warnings: int = 20
    weight_rectification: int = 20
    late_day_points: Decimal = Decimal("2")
    missing_report_points: Decimal = Decimal("5")
    return_points: Decimal = Decimal("5")
    gap_points: Decimal = Decimal("2")
    red_share_free_pct: Decimal = Decimal("5")
    red_share_zero_pct: Decimal = Decimal("50")
    overdue_item_points: Decimal = Decimal("5")

    def weight(self, key: str) -> int:
        return getattr(self, f"weight_{key}")

    def as_dict(self) -> dict[str, str | int]:
        return {name: value if isinstance(value, int) else str(value) for name, value in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict) -> "Scheme":
        kinds = {f.name: f.type for f in fields(cls)}
        return cls(**{name: int(v) if kinds[name] is int else Decimal(v) for name, v in data.items()})


WEIGHT_FIELDS = [f"weight_{key}" for key, _label in COMPONENTS]
DEDUCTION_FIELDS = [f.name for f in fields(Scheme) if f.name not in WEIGHT_FIELDS]


def scheme_problems(scheme: Scheme) -> dict[str, str]:
    """What makes a scheme unusable, by field (empty when it is valid)."""
    problems = {}
    for name in WEIGHT_FIELDS:
        if not 0 <= getattr(scheme, name) <= 100:
            problems[name] = "权重须在 0 至 100 分之间。"
    total = sum(getattr(scheme, name) for name in WEIGHT_FIELDS)
    if total != 100:
        problems["weight_timeliness"] = f"五项权重合计须为 100 分，现为 {total} 分。"
    for name in DEDUCTION_FIELDS:
        if getattr(scheme, name) < 0:
            problems[name] = "不能为负数。"
    if not scheme.red_share_free_pct < scheme.red_share_zero_pct <= HUNDRED:
        problems["red_share_zero_pct"] = "不得分的红色预警占比须大于不扣分的占比，且不超过 100%。"
    return problems


@dataclass(frozen=True)
class Inputs:
    """What the score is computed from, as counted on `as_of` (the day of the computation or of the close)."""

    as_of: date
    due_date: date
    sent_on: date | None  # the first time the package was sent (报送), if it was
    projects: int  # the unit's own projects of the year
    reports_sent: int  # of which the 附件1 has been sent (locked)
    returns: int  # 退回补正 of its package
    gaps: int  # problems the bureau's review wrote on it (审核意见)
    budget: Decimal  # the budget of its projects, yuan
    red_budget: Decimal  # of which in projects whose 附件1 stands at red
    items: int  # rectification items of the cycle
    items_on_time: int  # verified (销号) by their due date
    items_late: int  # verified after their due date, or still open past it

    def as_dict(self) -> dict:
        data = asdict(self)
        return {
            name: value.isoformat()
            if isinstance(value, date)
            else str(value)
            if isinstance(value, Decimal)
            else value
            for name, value in data.items()
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Inputs":
        values = dict(data)
        for name in ("as_of", "due_date", "sent_on"):
            values[name] = date.fromisoformat(values[name]) if values[name] else None
        for name in ("budget", "red_budget"):
            values[name] = Decimal(values[name])
        return cls(**values)


@dataclass(frozen=True)
class Component:
    key: str
    label: str
    weight: int
    points: Decimal
    deduction: Decimal
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Breakdown:
    components: tuple[Component, ...]

    @property
    def total(self) -> Decimal:
        return sum((c.points for c in self.components), Decimal(0))

    def component(self, key: str) -> Component:
        return next(c for c in self.components if c.key == key)

    def as_dict(self) -> dict:
        return {
            "total": str(self.total),
            "components": [
                {
                    **asdict(c),
                    "points": str(c.points),
                    "deduction": str(c.deduction),
                    "reasons": list(c.reasons),
                }
                for c in self.components
            ],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Breakdown":
        return cls(
            tuple(
                Component(
                    key=c["key"],
                    label=c["label"],
                    weight=int(c["weight"]),
                    points=Decimal(c["points"]),
                    deduction=Decimal(c["deduction"]),
                    reasons=tuple(c["reasons"]),
                )
                for c in data["components"]
            )
        )


def number_text(value: Decimal) -> str:
    """2 → "2", 2.50 → "2.5": parameters as people write them."""
    return f"{value.normalize():f}"


def _capped(key: str, weight: int, deduction: Decimal, reasons: list[str]) -> Component:
    """The component after `deduction`, never below zero."""
    deduction = min(Decimal(weight), deduction).quantize(CENT, ROUND_HALF_UP)
    points = (Decimal(weight) - deduction).quantize(CENT, ROUND_HALF_UP)
    return Component(key, COMPONENT_LABELS[key], weight, points, deduction, tuple(reasons))


def timeliness(inputs: Inputs, scheme: Scheme) -> Component:
    """Days late of the first sending (or, not sent, until `as_of`) × points per day."""
    if inputs.sent_on is not None:
        late = max((inputs.sent_on - inputs.due_date).days, 0)
        reasons = [f"报送截止 {inputs.due_date:%Y-%m-%d}，{inputs.sent_on:%Y-%m-%d} 首次报送。"]
    else:
        late = max((inputs.as_of - inputs.due_date).days, 0)
        reasons = [f"报送截止 {inputs.due_date:%Y-%m-%d}，截至 {inputs.as_of:%Y-%m-%d} 尚未报送。"]
    if late:
        reasons.append(f"逾期 {late} 天，每天扣 {number_text(scheme.late_day_points)} 分。")
    return _capped("timeliness", scheme.weight_timeliness, late * scheme.late_day_points, reasons)


def completeness(inputs: Inputs, scheme: Scheme) -> Component:
    """Each project whose 附件1 has not been sent costs the points of a missing report."""
    missing = max(inputs.projects - inputs.reports_sent, 0)
    reasons = [f"本单位项目 {inputs.projects} 个，已报送监控分析表 {inputs.reports_sent} 个。"]
    if missing:
        reasons.append(f"缺报 {missing} 个，每个扣 {number_text(scheme.missing_report_points)} 分。")
    return _capped(
        "completeness", scheme.weight_completeness, missing * scheme.missing_report_points, reasons
    )


def quality(inputs: Inputs, scheme: Scheme) -> Component:
    """Each return (退回补正) and each problem the bureau's review found cost points."""
    reasons = []
    if inputs.returns:
        reasons.append(f"被退回补正 {inputs.returns} 次，每次扣 {number_text(scheme.return_points)} 分。")
    if inputs.gaps:
        reasons.append(f"审核发现问题 {inputs.gaps} 个，每个扣 {number_text(scheme.gap_points)} 分。")
    if not reasons:
        reasons.append("未被退回，审核未发现问题。")
    deduction = inputs.returns * scheme.return_points + inputs.gaps * scheme.gap_points
    return _capped("quality", scheme.weight_quality, deduction, reasons)


def red_share(inputs: Inputs) -> Decimal:
    """The share of the unit's budget in red projects, in per cent."""
    if inputs.budget <= 0:
        return Decimal(0)
    return (inputs.red_budget / inputs.budget * HUNDRED).quantize(CENT, ROUND_HALF_UP)


def warnings(inputs: Inputs, scheme: Scheme) -> Component:
    """Full points up to the free share of budget in red projects, none from the zero share, linear between."""
    share, free, zero = red_share(inputs), scheme.red_share_free_pct, scheme.red_share_zero_pct
    weight = Decimal(scheme.weight_warnings)
    reasons = [
        f"红色预警项目预算占比 {number_text(share)}%（不超过 {number_text(free)}% 不扣分，达到 {number_text(zero)}% 不得分）。"
    ]
    if share <= free:
        deduction = Decimal(0)
    elif share >= zero:
        deduction = weight
    else:
        deduction = weight * (share - free) / (zero - free)
    return _capped("warnings", scheme.weight_warnings, deduction, reasons)


def rectification(inputs: Inputs, scheme: Scheme) -> Component:
    """Each item verified late, or still open past its due date, costs the points of an overdue item."""
    reasons = [f"整改事项 {inputs.items} 项，按期核查销号 {inputs.items_on_time} 项。"]
    if inputs.items_late:
        reasons.append(f"逾期 {inputs.items_late} 项，每项扣 {number_text(scheme.overdue_item_points)} 分。")
    deduction = inputs.items_late * scheme.overdue_item_points
    return _capped("rectification", scheme.weight_rectification, deduction, reasons)


RULES = [timeliness, completeness, quality, warnings, rectification]


def score(inputs: Inputs, scheme: Scheme) -> Breakdown:
    return Breakdown(tuple(rule(inputs, scheme) for rule in RULES))
