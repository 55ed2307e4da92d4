"""The "双监控" warning rules of warnings.md as pure functions over numbers.

No ORM, no database, no HTTP: callers (the web form, the workbook import, the batch recompute of a
cycle) build `FundsFigures` and `IndicatorFigures` from whatever they hold and get `Warning`s back.

Arithmetic is exact and integer-only on the hot paths: every number is read as an integer ratio
(`Decimal.as_integer_ratio()`), thresholds are integer ratios precomputed once per `Thresholds` (and per
period month), and each rule cross-multiplies instead of dividing, so a boundary such as "TP − ER ≥ 20pp"
holds exactly at 20pp. Thresholds are Fractions of 1 (20pp → 1/5, 120% → 6/5). Ratios for the figures and
messages are only formed for the rules that fire.

Units:
- money (budget, paid, projected) in yuan, as Decimal;
- indicator values as stored: percent targets and values in percentage points (95 means 95%);
- in `Warning.figures`, every value is a `str`: money and indicator values as given, ratios and gaps
  as fractions of 1 rendered as Decimals with up to 28 significant digits ("0.6666666666666666666666666667"
  is 66.7%), dates in ISO format, thresholds as fractions of 1 as well.
- in `Warning.message`, percentages and percentage points are rounded half-up to 1 decimal, money is
  shown in 万元 rounded half-up to 2 decimals.
"""

import calendar
from collections import namedtuple
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal
from fractions import Fraction
from functools import lru_cache

LEVEL_RED, LEVEL_YELLOW, LEVEL_BLUE, LEVEL_GREEN = "red", "yellow", "blue", "green"
LEVEL_LABELS = {"red": "红色", "yellow": "黄色", "blue": "蓝色", "green": "绿色"}

# Rule codes and their short Chinese names (for legends and exports).
RULE_LABELS = {
    "EXEC_LAG": "预算执行进度滞后",
    "EXEC_ZERO": "预算未支出",
    "EXEC_OVER": "超预算支出",
    "EXEC_PROJECTED_LOW": "全年预计执行偏低",
    "NO_BUDGET": "未安排预算",
    "IND_IMPOSSIBLE": "指标完全不可能完成",
    "IND_POSSIBLE": "指标有可能完成",
    "IND_PROJECTED_MISS": "全年预计未达指标值",
    "IND_LAG": "指标完成进度滞后",
    "IND_SHORTFALL": "指标实际值低于目标",
    "IND_EXCESS": "指标实际值超出上限",
    "IND_LEVEL_MISMATCH": "指标实际值与目标不符",
    "IND_DATE_OVERDUE": "逾期未完成",
    "IND_NO_ACTUAL": "未填报实际完成值",
    "IND_OVER_TARGET": "指标大幅超前",
    "IND_QUAL_PARTLY": "定性指标部分达成",
    "IND_QUAL_NOT_MET": "定性指标未达成",
    "OUTPUT_SPEND_MISMATCH": "投入产出不匹配",
}

# Plain string values of jixiao.projects.models / jixiao.monitoring.models choices (kept here so the
# module stays free of Django).
AT_LEAST, AT_MOST, EQUAL, QUALITATIVE = ">=", "<=", "=", "qualitative"
NUMBER, PERCENT, DATE, TEXT = "number", "percent", "date", "text"
CUMULATIVE, LEVEL = "cumulative", "level"
QUANTITY = "quantity"
CERTAIN, POSSIBLE, IMPOSSIBLE = "certain", "possible", "impossible"
MET, PARTLY_MET, NOT_MET = "met", "partly_met", "not_met"

_NUMERIC_TYPES = frozenset((NUMBER, PERCENT))
_SIGNS = {AT_LEAST: "≥", AT_MOST: "≤", EQUAL: "="}
_OUTPUT_COMPARATORS = frozenset((AT_LEAST, EQUAL))
_MONTHS = range(1, 13)
_HUNDRED = Fraction(100)

# A private context, so a caller's changed decimal context cannot alter figures or rounding.
_CTX = Context(prec=28, rounding=ROUND_HALF_UP)
_CENT = Decimal("0.01")


# ---------------------------------------------------------------------------------------------------
# Exact numbers and their display


def _to_fraction(value) -> Fraction:
    kind = type(value)
    if kind is Decimal:
        return Fraction(*value.as_integer_ratio())  # the fast (int, int) path of Fraction()
    if kind is Fraction:
        return value
    if isinstance(value, (Fraction, int, Decimal)):
        return Fraction(value)
    return Fraction(str(value))


def _ratio(value) -> tuple[int, int]:
    """A number as an exact (numerator, denominator > 0) pair of ints, read as `_to_fraction` reads it."""
    if type(value) is Decimal:
        return value.as_integer_ratio()
    if type(value) is int:
        return value, 1
    fraction = _to_fraction(value)
    return fraction.numerator, fraction.denominator


def _fig(numerator: int, denominator: int) -> str:
    """numerator / denominator (denominator > 0, not necessarily in lowest terms) as a Decimal string:
    exact when it terminates, else 28 significant digits (the same digits whatever the common factor)."""
    quotient, remainder = divmod(numerator, denominator)
    if not remainder:
        return str(quotient)
    return str(_CTX.divide(numerator, denominator))  # the context reads the ints exactly


def _tenths(numerator: int, denominator: int) -> str:
    """100 × numerator / denominator (denominator > 0) → "26.7", rounded half-up (away from zero)."""
    tenths = (2000 * abs(numerator) + denominator) // (2 * denominator)
    sign = "-" if numerator < 0 and tenths else ""
    return f"{sign}{tenths // 10}.{tenths % 10}"


def _pct(numerator: int, denominator: int) -> str:
    """A fraction of 1 → "66.7%"."""
    return f"{_tenths(numerator, denominator)}%"


def _wan(yuan: Decimal) -> str:
    """Yuan → "123.46万元", rounded half-up to 2 decimals."""
    wan = _CTX.scaleb(Decimal(yuan), -4).quantize(_CENT, rounding=ROUND_HALF_UP, context=_CTX)
    return f"{wan:,.2f}万元"


def _plain(number: Decimal) -> str:
    text = f"{_CTX.normalize(number if type(number) is Decimal else Decimal(number)):f}"
    return "0" if text == "-0" else text


def _day(value: date) -> str:
    """A date as "2026-08-31" (isoformat is the fast spelling of %Y-%m-%d for years 1000–9999)."""
    if type(value) is date and value.year >= 1000:
        return value.isoformat()
    return f"{value:%Y-%m-%d}"


def _value_text(indicator: "IndicatorFigures", number: Decimal) -> str:
    unit = "%" if indicator.value_type == PERCENT else indicator.unit
    return f"{_plain(number)}{unit}"


def _target_text(indicator: "IndicatorFigures") -> str:
    sign = _SIGNS.get(indicator.comparator, "")
    if indicator.value_type == DATE:
        return f"{sign}{_day(indicator.target_date)}"
    return f"{sign}{_value_text(indicator, indicator.target_number)}"


# ---------------------------------------------------------------------------------------------------
# Inputs, thresholds and outputs


class _Compiled:
    """A `Thresholds` as integer constants for the hot paths (built once per Thresholds object).

    A threshold p/q (q > 0) enters each rule by cross-multiplication; for TP = m/12 and a ratio x/y
    (y > 0):
    - lag: m/12 − x/y ≥ p/q  ⟺  y·(m·q − 12·p) ≥ x·(12·q)   → per month (k = m·q − 12·p, c = 12·q);
    - over target: x / (y·m/12) ≥ p/q  ⟺  x·(12·q) ≥ y·(p·m)   → per month (12·q, p·m);
    - otherwise p and q as they are.
    """

    __slots__ = (
        "excess_red",
        "excess_red_text",
        "exec_lag_red_text",
        "exec_lag_yellow_text",
        "exec_zero_text",
        "funds_months",
        "indicator_lag_red_text",
        "indicator_lag_yellow_text",
        "indicator_months",
        "output_ratio_cap",
        "output_spend_mismatch",
        "output_spend_mismatch_text",
        "over_target_text",
        "projected_low",
        "projected_low_pct",
        "projected_low_text",
        "shortfall_red",
        "shortfall_red_text",
    )

    def __init__(self, thresholds: "Thresholds"):
        ratio = {name: _threshold_ratio(getattr(thresholds, name)) for name, _ in _CYCLE_ATTRIBUTES}
        text = {name: _fig(*pair) for name, pair in ratio.items()}
        zero_p, zero_q = ratio["exec_zero_min_progress"]
        over_p, over_q = ratio["over_target_note"]

        def lag_constants(m: int, red: str, yellow: str) -> tuple[int, int, int, int]:
            """Behind time progress by at least p/q in month m ⟺ progress · c ≤ k (red, then yellow)."""
            (red_p, red_q), (yellow_p, yellow_q) = ratio[red], ratio[yellow]
            return m * red_q - 12 * red_p, 12 * red_q, m * yellow_q - 12 * yellow_p, 12 * yellow_q

        # month → (TP figure, TP %, red k, red c, yellow k, yellow c, TP ≥ exec_zero_min_progress)
        self.funds_months = {
            m: (
                _TP_TEXT[m],
                _TP_PCT[m],
                *lag_constants(m, "exec_lag_red", "exec_lag_yellow"),
                m * zero_q >= 12 * zero_p,
            )
            for m in _MONTHS
        }
        # month → (TP figure, TP %, red k, red c, yellow k, yellow c, over-target c1, over-target c2)
        self.indicator_months = {
            m: (
                _TP_TEXT[m],
                _TP_PCT[m],
                *lag_constants(m, "indicator_lag_red", "indicator_lag_yellow"),
                12 * over_q,
                over_p * m,
            )
            for m in _MONTHS
        }
        self.projected_low = ratio["projected_low"]
        self.projected_low_pct = _pct(*ratio["projected_low"])
        self.shortfall_red = ratio["shortfall_red"]
        self.excess_red = ratio["excess_red"]
        self.output_spend_mismatch = ratio["output_spend_mismatch"]
        self.output_ratio_cap = ratio["output_ratio_cap"]
        self.exec_lag_red_text = text["exec_lag_red"]
        self.exec_lag_yellow_text = text["exec_lag_yellow"]
        self.exec_zero_text = text["exec_zero_min_progress"]
        self.projected_low_text = text["projected_low"]
        self.indicator_lag_red_text = text["indicator_lag_red"]
        self.indicator_lag_yellow_text = text["indicator_lag_yellow"]
        self.shortfall_red_text = text["shortfall_red"]
        self.excess_red_text = text["excess_red"]
        self.over_target_text = text["over_target_note"]
        self.output_spend_mismatch_text = text["output_spend_mismatch"]


def _threshold_ratio(value) -> tuple[int, int]:
    if isinstance(value, float):  # compared as its exact binary value, as Fraction compares floats
        return value.as_integer_ratio()
    return _ratio(value)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The editable thresholds of a cycle, as Fractions of 1 (20pp → Fraction(1, 5))."""

    exec_lag_red: Fraction = Fraction(20, 100)
    exec_lag_yellow: Fraction = Fraction(10, 100)
    exec_zero_min_progress: Fraction = Fraction(50, 100)
    projected_low: Fraction = Fraction(90, 100)
    indicator_lag_red: Fraction = Fraction(20, 100)
    indicator_lag_yellow: Fraction = Fraction(10, 100)
    shortfall_red: Fraction = Fraction(10, 100)
    excess_red: Fraction = Fraction(10, 100)
    over_target_note: Fraction = Fraction(120, 100)
    output_spend_mismatch: Fraction = Fraction(50, 100)
    output_ratio_cap: Fraction = Fraction(150, 100)
    # The same thresholds as integer constants for the rules; not part of equality, hash or repr.
    _compiled: _Compiled = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_compiled", _Compiled(self))

    @classmethod
    def defaults(cls) -> "Thresholds":
        """The defaults of warnings.md (the same as a new MonitoringCycle's)."""
        return _DEFAULT_THRESHOLDS

    @classmethod
    def from_cycle(cls, cycle) -> "Thresholds":
        """Read a MonitoringCycle-like object's percent / pp attributes (`exec_lag_red_pp` = 20 → 1/5)."""
        values = {}
        for name, attribute in _CYCLE_ATTRIBUTES:
            value = getattr(cycle, attribute)
            if value is None:
                raise ValueError(f"cycle.{attribute} is not set")
            values[name] = _to_fraction(value) / _HUNDRED
        return cls(**values)


_CYCLE_ATTRIBUTES = (
    ("exec_lag_red", "exec_lag_red_pp"),
    ("exec_lag_yellow", "exec_lag_yellow_pp"),
    ("exec_zero_min_progress", "exec_zero_min_progress_pct"),
    ("projected_low", "projected_low_pct"),
    ("indicator_lag_red", "indicator_lag_red_pp"),
    ("indicator_lag_yellow", "indicator_lag_yellow_pp"),
    ("shortfall_red", "shortfall_red_pct"),
    ("excess_red", "excess_red_pct"),
    ("over_target_note", "over_target_note_pct"),
    ("output_spend_mismatch", "output_spend_mismatch_pp"),
    ("output_ratio_cap", "output_ratio_cap_pct"),
)

_TIME_PROGRESS = tuple(Fraction(month, 12) for month in range(13))
_TP_TEXT = tuple(_fig(month, 12) for month in range(13))
_TP_PCT = tuple(_pct(month, 12) for month in range(13))

_DEFAULT_THRESHOLDS = Thresholds()


class FundsFigures(namedtuple("FundsFigures", ("budget", "paid", "projected"))):
    """The money of one report (an immutable named tuple).

    - budget: B (adjusted if set, else initial); None or ≤ 0 = no budget
    - paid: E, paid to date (None is read as 0)
    - projected: P, the unit's projected full-year execution (None = not yet entered)
    """

    __slots__ = ()


class IndicatorFigures(
    namedtuple(
        "IndicatorFigures",
        (
            "key",  # caller's identifier (e.g. indicator id or position), echoed in warnings
            "name",  # 三级 name, echoed
            "category",  # 二级 code, e.g. "quantity"
            "comparator",  # ">=", "<=", "=", "qualitative"
            "value_type",  # "number", "percent", "date", "text"
            "progress_type",  # "cumulative" or "level"
            "target_number",  # Decimal | None
            "target_date",  # date | None
            "actual_number",  # Decimal | None
            "actual_date",  # date | None: for date indicators, the actual completion date
            "projected_number",  # Decimal | None
            "projected_date",  # date | None
            "likelihood",  # "certain" / "possible" / "impossible" / ""
            "self_assessment",  # qualitative: "met" / "partly_met" / "not_met" / ""
            "unit",  # unit of measure (人, 万元 ...), only used in messages; percent shows "%"
        ),
        defaults=(None, None, None, None, None, None, "", "", ""),
    )
):
    """One indicator of a report with its target and entry (an immutable named tuple; see the fields)."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Warning:  # the name of the contract; it shadows the builtin only inside this module
    code: str  # e.g. "EXEC_LAG"
    level: str  # "red" / "yellow" / "blue"
    message: str  # Chinese, with the figures
    indicator_key: object | None  # None for project-level (funds / consistency) rules
    indicator_name: str | None
    figures: dict = field(hash=False)  # the numbers that triggered it, str values (JSON-ready)

    def as_dict(self) -> dict:
        """A JSON-ready dict (indicator_key is passed through as given)."""
        return asdict(self)


# ---------------------------------------------------------------------------------------------------
# Derived figures


def time_progress(m: int) -> Fraction:
    """TP = m / 12 for the period 1 January – end of month m."""
    if not isinstance(m, int) or not 1 <= m <= 12:
        raise ValueError(f"period_end_month must be 1–12, not {m!r}")
    return _TIME_PROGRESS[m]


def _month_constants(table: dict, m: int) -> tuple:
    """The per-month constants of a `_Compiled` table; ValueError as time_progress for other months."""
    constants = table.get(m) if type(m) is int else None
    if constants is None:
        time_progress(m)  # raises unless m is 1–12 (or a bool standing for 1)
        constants = table[int(m)]
    return constants


@lru_cache(maxsize=256)
def _period_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def execution_rate(funds: FundsFigures) -> Fraction | None:
    """ER = E / B, or None without a (positive) budget."""
    if funds.budget is None:
        return None
    budget_n, budget_d = _ratio(funds.budget)
    if budget_n <= 0:
        return None
    paid_n, paid_d = (0, 1) if funds.paid is None else _ratio(funds.paid)
    return Fraction(paid_n * budget_d, paid_d * budget_n)


def indicator_progress(indicator: IndicatorFigures, *, period_end_month: int) -> Fraction | None:
    """完成进度 as shown on the form: A / T.

    Defined for number / percent indicators with an actual value and T > 0 that are either cumulative
    with ">=" or "=", or level (any numeric comparator). None otherwise (dates, text, cumulative "<=",
    no actual, T ≤ 0). `period_end_month` is accepted for the callers' symmetry; A / T does not use it.
    """
    if indicator.value_type not in _NUMERIC_TYPES or indicator.comparator not in _SIGNS:
        return None
    if indicator.progress_type == CUMULATIVE:
        if indicator.comparator == AT_MOST:
            return None
    elif indicator.progress_type != LEVEL:
        return None
    if indicator.actual_number is None or indicator.target_number is None:
        return None
    target_n, target_d = _ratio(indicator.target_number)
    if target_n <= 0:
        return None
    actual_n, actual_d = _ratio(indicator.actual_number)
    return Fraction(actual_n * target_d, actual_d * target_n)


# ---------------------------------------------------------------------------------------------------
# Budget execution


def funds_warnings(
    funds: FundsFigures, *, has_indicators: bool, period_end_month: int, thresholds: Thresholds
) -> list[Warning]:
    """EXEC_LAG, EXEC_ZERO, EXEC_OVER, EXEC_PROJECTED_LOW and NO_BUDGET of warnings.md.

    A budget B that is None, 0 (or negative) is "no budget": ER is undefined, so EXEC_LAG, EXEC_ZERO and
    EXEC_PROJECTED_LOW do not apply; NO_BUDGET applies when the project has indicators. EXEC_OVER
    ("E > B") is also reported red when there is no budget and E > 0: paying without a budget is
    overspending.
    """
    compiled = thresholds._compiled
    tp_text, tp_pct, red_k, red_c, yellow_k, yellow_c, zero_due = _month_constants(
        compiled.funds_months, period_end_month
    )
    budget = funds.budget
    paid_amount = funds.paid
    if paid_amount is None:
        paid_amount = Decimal(0)
    paid_n, paid_d = paid_amount.as_integer_ratio() if type(paid_amount) is Decimal else _ratio(paid_amount)
    if budget is not None:
        budget_n, budget_d = budget.as_integer_ratio() if type(budget) is Decimal else _ratio(budget)
    warnings: list[Warning] = []

    if budget is None or budget_n <= 0:
        budget_figure = "" if budget is None else str(budget)
        if paid_n > 0:
            warnings.append(
                Warning(
                    "EXEC_OVER",
                    LEVEL_RED,
                    f"未安排预算，已支出{_wan(paid_amount)}",
                    None,
                    None,
                    {"budget": budget_figure, "paid": str(paid_amount)},
                )
            )
        if has_indicators:
            warnings.append(
                Warning(
                    "NO_BUDGET",
                    LEVEL_YELLOW,
                    "项目设有绩效指标，但预算数为0或未填写",
                    None,
                    None,
                    {"budget": budget_figure},
                )
            )
        return warnings

    # ER = x / y, y > 0
    x = paid_n * budget_d
    y = paid_d * budget_n
    red = y * red_k >= x * red_c
    if red or y * yellow_k >= x * yellow_c:
        m12y = 12 * y
        gap_n = period_end_month * y - 12 * x  # TP − ER = gap_n / 12y
        warnings.append(
            Warning(
                "EXEC_LAG",
                LEVEL_RED if red else LEVEL_YELLOW,
                f"预算执行率{_pct(x, y)}，低于时间进度{tp_pct}，相差{_tenths(gap_n, m12y)}个百分点",
                None,
                None,
                {
                    "budget": str(budget),
                    "paid": str(paid_amount),
                    "execution_rate": _fig(x, y),
                    "time_progress": tp_text,
                    "gap": _fig(gap_n, m12y),
                    "threshold": compiled.exec_lag_red_text if red else compiled.exec_lag_yellow_text,
                },
            )
        )
    if zero_due and paid_n == 0:
        warnings.append(
            Warning(
                "EXEC_ZERO",
                LEVEL_RED,
                f"时间进度已达{tp_pct}，预算执行数仍为0",
                None,
                None,
                {
                    "budget": str(budget),
                    "paid": str(paid_amount),
                    "time_progress": tp_text,
                    "threshold": compiled.exec_zero_text,
                },
            )
        )
    if x > y:
        warnings.append(
            Warning(
                "EXEC_OVER",
                LEVEL_RED,
                f"执行数{_wan(paid_amount)}，超过预算数{_wan(budget)}",
                None,
                None,
                {"budget": str(budget), "paid": str(paid_amount), "execution_rate": _fig(x, y)},
            )
        )
    projected = funds.projected
    if projected is not None:
        projected_n, projected_d = (
            projected.as_integer_ratio() if type(projected) is Decimal else _ratio(projected)
        )
        low_p, low_q = compiled.projected_low
        # P / B < p / q  ⟺  q·Pn·Bd < p·Bn·Pd
        rate_n = projected_n * budget_d
        rate_d = projected_d * budget_n
        if low_q * rate_n < low_p * rate_d:
            warnings.append(
                Warning(
                    "EXEC_PROJECTED_LOW",
                    LEVEL_YELLOW,
                    f"全年预计执行数{_wan(projected)}，为预算数{_wan(budget)}的"
                    f"{_pct(rate_n, rate_d)}，低于{compiled.projected_low_pct}",
                    None,
                    None,
                    {
                        "budget": str(budget),
                        "projected": str(projected),
                        "projected_rate": _fig(rate_n, rate_d),
                        "threshold": compiled.projected_low_text,
                    },
                )
            )
    return warnings


# ---------------------------------------------------------------------------------------------------
# Indicators


_PROJECTED_MISS_VERBS = {AT_LEAST: "未达到", AT_MOST: "超出", EQUAL: "不符合"}
_DATE_MISS_VERBS = {AT_LEAST: "早于", AT_MOST: "晚于", EQUAL: "不符合"}


def _fails(comparator: str, projected, target) -> bool:
    """Whether a projected value (number or date) fails the target for the comparator."""
    if comparator == AT_LEAST:
        return projected < target
    if comparator == AT_MOST:
        return projected > target
    if comparator == EQUAL:
        return projected != target
    return False


def indicator_warnings(
    indicator: IndicatorFigures, *, period_end: date, period_end_month: int, thresholds: Thresholds
) -> list[Warning]:
    """The per-indicator rules of warnings.md, in the order of its table.

    - IND_IMPOSSIBLE / IND_POSSIBLE for every indicator (qualitative included).
    - Qualitative (comparator "qualitative" or value type text): IND_QUAL_PARTLY / IND_QUAL_NOT_MET from
      the self-assessment; nothing else.
    - Date: a target "<=" or "=" is a deadline. IND_PROJECTED_MISS when the projected date is later than
      T (finishing early is never a miss), and IND_DATE_OVERDUE when period_end > T and there is no
      actual completion date.
    - Number / percent: IND_PROJECTED_MISS, IND_LAG, IND_SHORTFALL, IND_EXCESS, IND_LEVEL_MISMATCH,
      IND_NO_ACTUAL, IND_OVER_TARGET. Rules that divide by T need T > 0.
    """
    warnings: list[Warning] = []
    likelihood = indicator.likelihood
    if likelihood == IMPOSSIBLE:
        warnings.append(
            Warning(
                "IND_IMPOSSIBLE",
                LEVEL_RED,
                "完成目标可能性为“完全不可能”",
                indicator.key,
                indicator.name,
                {"likelihood": IMPOSSIBLE},
            )
        )
    elif likelihood == POSSIBLE:
        warnings.append(
            Warning(
                "IND_POSSIBLE",
                LEVEL_YELLOW,
                "完成目标可能性为“有可能”",
                indicator.key,
                indicator.name,
                {"likelihood": POSSIBLE},
            )
        )

    comparator = indicator.comparator
    value_type = indicator.value_type
    if comparator == QUALITATIVE or value_type == TEXT:
        assessment = indicator.self_assessment
        if assessment == PARTLY_MET:
            warnings.append(
                Warning(
                    "IND_QUAL_PARTLY",
                    LEVEL_YELLOW,
                    "自评为“部分达成目标并具有一定效果”",
                    indicator.key,
                    indicator.name,
                    {"self_assessment": PARTLY_MET},
                )
            )
        elif assessment == NOT_MET:
            warnings.append(
                Warning(
                    "IND_QUAL_NOT_MET",
                    LEVEL_RED,
                    "自评为“未达成目标且效果较差”",
                    indicator.key,
                    indicator.name,
                    {"self_assessment": NOT_MET},
                )
            )
        return warnings

    if value_type == DATE:
        return _date_warnings(indicator, warnings, comparator, period_end)

    target = indicator.target_number
    if value_type not in _NUMERIC_TYPES or target is None or comparator not in _SIGNS:
        if value_type in _NUMERIC_TYPES and indicator.actual_number is None:
            warnings.append(_no_actual(indicator, period_end_month))
        return warnings

    target_n, target_d = target.as_integer_ratio() if type(target) is Decimal else _ratio(target)
    projected = indicator.projected_number
    if projected is not None:
        projected_n, projected_d = (
            projected.as_integer_ratio() if type(projected) is Decimal else _ratio(projected)
        )
        if _fails(comparator, projected_n * target_d, target_n * projected_d):
            warnings.append(
                Warning(
                    "IND_PROJECTED_MISS",
                    LEVEL_RED,
                    f"全年预计完成值{_value_text(indicator, projected)}"
                    f"{_PROJECTED_MISS_VERBS[comparator]}年度指标值{_target_text(indicator)}",
                    indicator.key,
                    indicator.name,
                    {"target": str(target), "projected": str(projected)},
                )
            )

    actual = indicator.actual_number
    if actual is None:
        warnings.append(_no_actual(indicator, period_end_month))
        return warnings

    actual_n, actual_d = actual.as_integer_ratio() if type(actual) is Decimal else _ratio(actual)
    # A and T over the common positive denominator actual_d·target_d: A / T = x / y, A < T ⟺ x < y.
    x = actual_n * target_d
    y = target_n * actual_d
    progress_type = indicator.progress_type
    if progress_type == CUMULATIVE:
        if target_n > 0:
            if comparator == AT_MOST:
                if x > y:
                    warnings.append(_target_miss("IND_EXCESS", indicator, thresholds, x, y))
            else:
                tp_text, tp_pct, red_k, red_c, yellow_k, yellow_c, over_c1, over_c2 = _month_constants(
                    thresholds._compiled.indicator_months, period_end_month
                )
                red = y * red_k >= x * red_c
                if red or y * yellow_k >= x * yellow_c:
                    warnings.append(_lag(indicator, thresholds, x, y, period_end_month, tp_text, tp_pct, red))
                if comparator == AT_LEAST and x * over_c1 >= y * over_c2:
                    warnings.append(_over_target(indicator, thresholds, x, y, period_end_month, tp_text))
    elif progress_type == LEVEL:
        if comparator == AT_LEAST:
            if target_n > 0 and x < y:
                warnings.append(_target_miss("IND_SHORTFALL", indicator, thresholds, x, y))
        elif comparator == AT_MOST:
            if target_n > 0 and x > y:
                warnings.append(_target_miss("IND_EXCESS", indicator, thresholds, x, y))
        elif x != y:
            warnings.append(
                Warning(
                    "IND_LEVEL_MISMATCH",
                    LEVEL_YELLOW,
                    f"实际完成值{_value_text(indicator, actual)}不符合年度指标值{_target_text(indicator)}",
                    indicator.key,
                    indicator.name,
                    {"target": str(target), "actual": str(actual)},
                )
            )
    return warnings


def _date_warnings(indicator: IndicatorFigures, warnings: list, comparator: str, period_end: date) -> list:
    target_date = indicator.target_date
    if target_date is None:
        return warnings
    if comparator == EQUAL:
        comparator = AT_MOST  # a date target is a deadline: "=2026-02-28" means "by 2026-02-28"
    projected_date = indicator.projected_date
    if projected_date is not None and _fails(comparator, projected_date, target_date):
        warnings.append(
            Warning(
                "IND_PROJECTED_MISS",
                LEVEL_RED,
                f"预计完成日期{_day(projected_date)}{_DATE_MISS_VERBS[comparator]}"
                f"年度指标值{_target_text(indicator)}",
                indicator.key,
                indicator.name,
                {"target": target_date.isoformat(), "projected": projected_date.isoformat()},
            )
        )
    if comparator == AT_MOST and period_end > target_date and indicator.actual_date is None:
        warnings.append(
            Warning(
                "IND_DATE_OVERDUE",
                LEVEL_RED,
                f"已过年度指标值{_target_text(indicator)}，截至{_day(period_end)}仍未完成",
                indicator.key,
                indicator.name,
                {"target": target_date.isoformat(), "period_end": period_end.isoformat()},
            )
        )
    return warnings


def _base_figures(indicator: IndicatorFigures) -> dict:
    return {"target": str(indicator.target_number), "actual": str(indicator.actual_number)}


def _lag(
    indicator: IndicatorFigures,
    thresholds: Thresholds,
    x: int,
    y: int,
    m: int,
    tp_text: str,
    tp_pct: str,
    red: bool,
) -> Warning:
    """IND_LAG with C = x / y and TP − C = (m·y − 12·x) / 12y."""
    compiled = thresholds._compiled
    gap_n, gap_d = m * y - 12 * x, 12 * y
    return Warning(
        "IND_LAG",
        LEVEL_RED if red else LEVEL_YELLOW,
        f"完成进度{_pct(x, y)}，低于时间进度{tp_pct}，相差{_tenths(gap_n, gap_d)}个百分点",
        indicator.key,
        indicator.name,
        {
            **_base_figures(indicator),
            "progress": _fig(x, y),
            "time_progress": tp_text,
            "gap": _fig(gap_n, gap_d),
            "threshold": compiled.indicator_lag_red_text if red else compiled.indicator_lag_yellow_text,
        },
    )


# How an actual that misses its annual target is told: (figure and threshold name, verb, what the gap is).
_TARGET_MISSES = {"IND_SHORTFALL": ("shortfall", "低于", "差距"), "IND_EXCESS": ("excess", "超出", "超出")}


def _target_miss(code: str, indicator: IndicatorFigures, thresholds: Thresholds, x: int, y: int) -> Warning:
    """IND_SHORTFALL (A below T) and IND_EXCESS (A above T) with s = |A − T| / T = |x − y| / y > 0; red when
    s ≥ p/q ⟺ q·|x − y| ≥ p·y."""
    name, verb, gap = _TARGET_MISSES[code]
    compiled = thresholds._compiled
    red_p, red_q = getattr(compiled, f"{name}_red")
    miss_n = abs(x - y)
    return Warning(
        code,
        LEVEL_RED if red_q * miss_n >= red_p * y else LEVEL_YELLOW,
        f"实际完成值{_value_text(indicator, indicator.actual_number)}{verb}年度指标值"
        f"{_target_text(indicator)}，{gap}{_pct(miss_n, y)}",
        indicator.key,
        indicator.name,
        {
            **_base_figures(indicator),
            name: _fig(miss_n, y),
            "threshold": getattr(compiled, f"{name}_red_text"),
        },
    )


def _over_target(
    indicator: IndicatorFigures, thresholds: Thresholds, x: int, y: int, m: int, tp_text: str
) -> Warning:
    """IND_OVER_TARGET with A / (T × TP) = 12·x / (m·y)."""
    ratio_n, ratio_d = 12 * x, m * y
    return Warning(
        "IND_OVER_TARGET",
        LEVEL_BLUE,
        f"实际完成值{_value_text(indicator, indicator.actual_number)}为按时间进度应完成值的"
        f"{_pct(ratio_n, ratio_d)}，大幅超前，年度指标值可能设定偏低",
        indicator.key,
        indicator.name,
        {
            **_base_figures(indicator),
            "time_progress": tp_text,
            "ratio": _fig(ratio_n, ratio_d),
            "threshold": thresholds._compiled.over_target_text,
        },
    )


def _no_actual(indicator: IndicatorFigures, period_end_month: int) -> Warning:
    return Warning(
        "IND_NO_ACTUAL",
        LEVEL_YELLOW,
        f"未填写1—{period_end_month}月实际完成值",
        indicator.key,
        indicator.name,
        {"target": "" if indicator.target_number is None else str(indicator.target_number)},
    )


# ---------------------------------------------------------------------------------------------------
# Consistency of input and output


def consistency_warnings(
    indicators: Sequence[IndicatorFigures], funds: FundsFigures, *, thresholds: Thresholds
) -> list[Warning]:
    """OUTPUT_SPEND_MISMATCH: |Cq − ER| ≥ 50pp, Cq the mean of the capped A / T of the project's
    cumulative 数量指标 with ">=" or "=" that have an actual value and T > 0. Needs B > 0 and at least one
    such indicator; indicators without an actual value are left out of the mean, not counted as 0.
    """
    budget = funds.budget
    if budget is None:
        return []
    budget_n, budget_d = budget.as_integer_ratio() if type(budget) is Decimal else _ratio(budget)
    if budget_n <= 0:
        return []
    compiled = thresholds._compiled
    cap_p, cap_q = compiled.output_ratio_cap
    # The sum of the capped ratios as sum_n / sum_d (sum_d > 0, not reduced).
    count, sum_n, sum_d = 0, 0, 1
    for indicator in indicators:
        if (
            indicator.category != QUANTITY
            or indicator.progress_type != CUMULATIVE
            or indicator.comparator not in _OUTPUT_COMPARATORS
            or indicator.value_type not in _NUMERIC_TYPES
        ):
            continue
        actual = indicator.actual_number
        target = indicator.target_number
        if actual is None or target is None:
            continue
        target_n, target_d = target.as_integer_ratio() if type(target) is Decimal else _ratio(target)
        if target_n <= 0:
            continue
        actual_n, actual_d = actual.as_integer_ratio() if type(actual) is Decimal else _ratio(actual)
        ratio_n = actual_n * target_d
        ratio_d = target_n * actual_d
        if ratio_n * cap_q > cap_p * ratio_d:  # A / T > cap
            ratio_n, ratio_d = cap_p, cap_q
        if ratio_d == sum_d:
            sum_n += ratio_n
        else:
            sum_n = sum_n * ratio_d + ratio_n * sum_d
            sum_d *= ratio_d
        count += 1
    if not count:
        return []
    paid = funds.paid
    paid_n, paid_d = (
        (0, 1) if paid is None else paid.as_integer_ratio() if type(paid) is Decimal else _ratio(paid)
    )
    # Cq = sum_n / (sum_d·count) = mean_n / mean_d; ER = er_n / er_d; |Cq − ER| = |diff_n| / diff_d.
    mean_d = sum_d * count
    er_n = paid_n * budget_d
    er_d = paid_d * budget_n
    diff_n = abs(sum_n * er_d - er_n * mean_d)
    diff_d = mean_d * er_d
    mismatch_p, mismatch_q = compiled.output_spend_mismatch
    if mismatch_q * diff_n < mismatch_p * diff_d:
        return []
    return [
        Warning(
            "OUTPUT_SPEND_MISMATCH",
            LEVEL_YELLOW,
            f"数量指标平均完成进度{_pct(sum_n, mean_d)}与预算执行率{_pct(er_n, er_d)}"
            f"相差{_tenths(diff_n, diff_d)}个百分点，投入与产出不匹配",
            None,
            None,
            {
                "output_progress": _fig(sum_n, mean_d),
                "execution_rate": _fig(er_n, er_d),
                "difference": _fig(diff_n, diff_d),
                "indicator_count": str(count),
                "threshold": compiled.output_spend_mismatch_text,
            },
        )
    ]


# ---------------------------------------------------------------------------------------------------
# A whole project


def project_warnings(
    funds: FundsFigures,
    indicators: Iterable[IndicatorFigures],
    *,
    year: int,
    period_end_month: int,
    thresholds: Thresholds,
) -> list[Warning]:
    """Every rule for one project: funds first, then each indicator in order, then consistency.

    The period ends on the last day of month `period_end_month` of `year`.
    """
    if not isinstance(indicators, (list, tuple)):
        indicators = list(indicators)
    period_end = _period_end(year, period_end_month)
    warnings = funds_warnings(
        funds, has_indicators=bool(indicators), period_end_month=period_end_month, thresholds=thresholds
    )
    for indicator in indicators:
        warnings.extend(
            indicator_warnings(
                indicator, period_end=period_end, period_end_month=period_end_month, thresholds=thresholds
            )
        )
    warnings.extend(consistency_warnings(indicators, funds, thresholds=thresholds))
    return warnings


def project_level(warnings: Iterable[Warning]) -> str:
    """red > yellow > green; blue notes never raise the level."""
    level = LEVEL_GREEN
    for warning in warnings:
        if warning.level == LEVEL_RED:
            return LEVEL_RED
        if warning.level == LEVEL_YELLOW:
            level = LEVEL_YELLOW
    return level
