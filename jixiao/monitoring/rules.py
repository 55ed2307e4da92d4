"""The "双监控" warning rules of warnings.md as pure functions over numbers.

No ORM, no database, no HTTP: callers (the web form, the workbook import, the batch recompute of a
cycle) build `FundsFigures` and `IndicatorFigures` from whatever they hold and get `Warning`s back.

Arithmetic is exact: every comparison is done on `fractions.Fraction`, so a boundary such as
"TP − ER ≥ 20pp" holds exactly at 20pp. Thresholds are Fractions of 1 (20pp → 1/5, 120% → 6/5).

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
_ZERO = Fraction(0)
_HUNDRED = Fraction(100)

# A private context, so a caller's changed decimal context cannot alter figures or rounding.
_CTX = Context(prec=28, rounding=ROUND_HALF_UP)
_CENT = Decimal("0.01")


# ---------------------------------------------------------------------------------------------------
# Inputs, thresholds and outputs


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


_DEFAULT_THRESHOLDS = Thresholds()

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


@dataclass(frozen=True, slots=True)
class FundsFigures:
    budget: Decimal | None  # B (adjusted if set, else initial); None or ≤ 0 = no budget
    paid: Decimal  # E, paid to date (None is read as 0)
    projected: Decimal | None  # P, the unit's projected full-year execution (None = not yet entered)


@dataclass(frozen=True, slots=True)
class IndicatorFigures:
    key: object  # caller's identifier (e.g. indicator id or position), echoed in warnings
    name: str  # 三级 name, echoed
    category: str  # 二级 code, e.g. "quantity"
    comparator: str  # ">=", "<=", "=", "qualitative"
    value_type: str  # "number", "percent", "date", "text"
    progress_type: str  # "cumulative" or "level"
    target_number: Decimal | None = None
    target_date: date | None = None
    actual_number: Decimal | None = None
    actual_date: date | None = None  # for date indicators: actual completion date
    projected_number: Decimal | None = None
    projected_date: date | None = None
    likelihood: str = ""  # "certain" / "possible" / "impossible" / ""
    self_assessment: str = ""  # qualitative: "met" / "partly_met" / "not_met" / ""
    unit: str = ""  # unit of measure (人, 万元 ...), only used in messages; percent shows "%"


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


def _opt_fraction(value) -> Fraction | None:
    return None if value is None else _to_fraction(value)


def _dec(value: Fraction) -> Decimal:
    """A Fraction as a Decimal: exact when it terminates, else 28 significant digits."""
    if value.denominator == 1:
        return Decimal(value.numerator)
    return _CTX.divide(Decimal(value.numerator), Decimal(value.denominator))


def _fig(value: Fraction) -> str:
    return str(_dec(value))


def _round_half_up_tenths(value: Fraction) -> str:
    """value (already in percent units) → "26.7", rounded half-up (away from zero) to 1 decimal."""
    magnitude = abs(value) * 10
    tenths = (2 * magnitude.numerator + magnitude.denominator) // (2 * magnitude.denominator)
    sign = "-" if value < 0 and tenths else ""
    return f"{sign}{tenths // 10}.{tenths % 10}"


def _pct(ratio: Fraction) -> str:
    """A fraction of 1 → "66.7%"."""
    return f"{_round_half_up_tenths(ratio * 100)}%"


def _pp(ratio: Fraction) -> str:
    """A difference of fractions of 1 → "26.7" (percentage points, without the unit)."""
    return _round_half_up_tenths(ratio * 100)


def _wan(yuan: Decimal) -> str:
    """Yuan → "123.46万元", rounded half-up to 2 decimals."""
    wan = _CTX.scaleb(Decimal(yuan), -4).quantize(_CENT, rounding=ROUND_HALF_UP, context=_CTX)
    return f"{wan:,.2f}万元"


def _plain(number: Decimal) -> str:
    text = f"{_CTX.normalize(Decimal(number)):f}"
    return "0" if text == "-0" else text


def _value_text(indicator: IndicatorFigures, number: Decimal) -> str:
    unit = "%" if indicator.value_type == PERCENT else indicator.unit
    return f"{_plain(number)}{unit}"


def _target_text(indicator: IndicatorFigures) -> str:
    sign = _SIGNS.get(indicator.comparator, "")
    if indicator.value_type == DATE:
        return f"{sign}{indicator.target_date:%Y-%m-%d}"
    return f"{sign}{_value_text(indicator, indicator.target_number)}"


# ---------------------------------------------------------------------------------------------------
# Derived figures


_TIME_PROGRESS = tuple(Fraction(month, 12) for month in range(13))


def time_progress(m: int) -> Fraction:
    """TP = m / 12 for the period 1 January – end of month m."""
    if not isinstance(m, int) or not 1 <= m <= 12:
        raise ValueError(f"period_end_month must be 1–12, not {m!r}")
    return _TIME_PROGRESS[m]


@lru_cache(maxsize=256)
def _period_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _paid(funds: FundsFigures) -> Fraction:
    return _ZERO if funds.paid is None else _to_fraction(funds.paid)


def execution_rate(funds: FundsFigures) -> Fraction | None:
    """ER = E / B, or None without a (positive) budget."""
    budget = _opt_fraction(funds.budget)
    if budget is None or budget <= 0:
        return None
    return _paid(funds) / budget


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
    target = _to_fraction(indicator.target_number)
    if target <= 0:
        return None
    return _to_fraction(indicator.actual_number) / target


def _fails(comparator: str, projected, target) -> bool:
    """Whether a projected value (number or date) fails the target for the comparator."""
    if comparator == AT_LEAST:
        return projected < target
    if comparator == AT_MOST:
        return projected > target
    if comparator == EQUAL:
        return projected != target
    return False


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
    t = thresholds
    tp = time_progress(period_end_month)
    budget = _opt_fraction(funds.budget)
    paid_amount = Decimal(0) if funds.paid is None else funds.paid
    paid = _to_fraction(paid_amount)
    warnings: list[Warning] = []

    if budget is None or budget <= 0:
        budget_figure = "" if funds.budget is None else str(funds.budget)
        if paid > 0:
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

    er = paid / budget
    gap = tp - er
    if gap >= t.exec_lag_yellow or gap >= t.exec_lag_red:
        red = gap >= t.exec_lag_red
        warnings.append(
            Warning(
                "EXEC_LAG",
                LEVEL_RED if red else LEVEL_YELLOW,
                f"预算执行率{_pct(er)}，低于时间进度{_pct(tp)}，相差{_pp(gap)}个百分点",
                None,
                None,
                {
                    "budget": str(funds.budget),
                    "paid": str(paid_amount),
                    "execution_rate": _fig(er),
                    "time_progress": _fig(tp),
                    "gap": _fig(gap),
                    "threshold": _fig(t.exec_lag_red if red else t.exec_lag_yellow),
                },
            )
        )
    if paid == 0 and tp >= t.exec_zero_min_progress:
        warnings.append(
            Warning(
                "EXEC_ZERO",
                LEVEL_RED,
                f"时间进度已达{_pct(tp)}，预算执行数仍为0",
                None,
                None,
                {
                    "budget": str(funds.budget),
                    "paid": str(paid_amount),
                    "time_progress": _fig(tp),
                    "threshold": _fig(t.exec_zero_min_progress),
                },
            )
        )
    if paid > budget:
        warnings.append(
            Warning(
                "EXEC_OVER",
                LEVEL_RED,
                f"执行数{_wan(paid_amount)}，超过预算数{_wan(funds.budget)}",
                None,
                None,
                {"budget": str(funds.budget), "paid": str(paid_amount), "execution_rate": _fig(er)},
            )
        )
    if funds.projected is not None:
        projected_rate = _to_fraction(funds.projected) / budget
        if projected_rate < t.projected_low:
            warnings.append(
                Warning(
                    "EXEC_PROJECTED_LOW",
                    LEVEL_YELLOW,
                    f"全年预计执行数{_wan(funds.projected)}，为预算数{_wan(funds.budget)}的"
                    f"{_pct(projected_rate)}，低于{_pct(t.projected_low)}",
                    None,
                    None,
                    {
                        "budget": str(funds.budget),
                        "projected": str(funds.projected),
                        "projected_rate": _fig(projected_rate),
                        "threshold": _fig(t.projected_low),
                    },
                )
            )
    return warnings


# ---------------------------------------------------------------------------------------------------
# Indicators


def _ind_warning(indicator: IndicatorFigures, code: str, level: str, message: str, figures: dict) -> Warning:
    return Warning(code, level, message, indicator.key, indicator.name, figures)


_PROJECTED_MISS_VERBS = {AT_LEAST: "未达到", AT_MOST: "超出", EQUAL: "不符合"}
_DATE_MISS_VERBS = {AT_LEAST: "早于", AT_MOST: "晚于", EQUAL: "不符合"}


def indicator_warnings(
    indicator: IndicatorFigures, *, period_end: date, period_end_month: int, thresholds: Thresholds
) -> list[Warning]:
    """The per-indicator rules of warnings.md, in the order of its table.

    - IND_IMPOSSIBLE / IND_POSSIBLE for every indicator (qualitative included).
    - Qualitative (comparator "qualitative" or value type text): IND_QUAL_PARTLY / IND_QUAL_NOT_MET from
      the self-assessment; nothing else.
    - Date: IND_PROJECTED_MISS from the projected date ("<=": later than T; "=": not T), and
      IND_DATE_OVERDUE for "<=" when period_end > T and there is no actual completion date.
    - Number / percent: IND_PROJECTED_MISS, IND_LAG, IND_SHORTFALL, IND_EXCESS, IND_LEVEL_MISMATCH,
      IND_NO_ACTUAL, IND_OVER_TARGET. Rules that divide by T need T > 0.
    """
    t = thresholds
    warnings: list[Warning] = []
    comparator = indicator.comparator
    value_type = indicator.value_type

    if indicator.likelihood == IMPOSSIBLE:
        warnings.append(
            _ind_warning(
                indicator,
                "IND_IMPOSSIBLE",
                LEVEL_RED,
                "完成目标可能性为“完全不可能”",
                {"likelihood": IMPOSSIBLE},
            )
        )
    elif indicator.likelihood == POSSIBLE:
        warnings.append(
            _ind_warning(
                indicator, "IND_POSSIBLE", LEVEL_YELLOW, "完成目标可能性为“有可能”", {"likelihood": POSSIBLE}
            )
        )

    if comparator == QUALITATIVE or value_type == TEXT:
        if indicator.self_assessment == PARTLY_MET:
            warnings.append(
                _ind_warning(
                    indicator,
                    "IND_QUAL_PARTLY",
                    LEVEL_YELLOW,
                    "自评为“部分达成目标并具有一定效果”",
                    {"self_assessment": PARTLY_MET},
                )
            )
        elif indicator.self_assessment == NOT_MET:
            warnings.append(
                _ind_warning(
                    indicator,
                    "IND_QUAL_NOT_MET",
                    LEVEL_RED,
                    "自评为“未达成目标且效果较差”",
                    {"self_assessment": NOT_MET},
                )
            )
        return warnings

    if value_type == DATE:
        target_date = indicator.target_date
        if target_date is None:
            return warnings
        projected_date = indicator.projected_date
        if projected_date is not None and _fails(comparator, projected_date, target_date):
            warnings.append(
                _ind_warning(
                    indicator,
                    "IND_PROJECTED_MISS",
                    LEVEL_RED,
                    f"预计完成日期{projected_date:%Y-%m-%d}{_DATE_MISS_VERBS[comparator]}"
                    f"年度指标值{_target_text(indicator)}",
                    {"target": target_date.isoformat(), "projected": projected_date.isoformat()},
                )
            )
        if comparator == AT_MOST and period_end > target_date and indicator.actual_date is None:
            warnings.append(
                _ind_warning(
                    indicator,
                    "IND_DATE_OVERDUE",
                    LEVEL_RED,
                    f"已过年度指标值{_target_text(indicator)}，截至{period_end:%Y-%m-%d}仍未完成",
                    {"target": target_date.isoformat(), "period_end": period_end.isoformat()},
                )
            )
        return warnings

    if value_type not in _NUMERIC_TYPES or indicator.target_number is None or comparator not in _SIGNS:
        if value_type in _NUMERIC_TYPES and indicator.actual_number is None:
            warnings.append(_no_actual(indicator, period_end_month))
        return warnings

    target = _to_fraction(indicator.target_number)
    if indicator.projected_number is not None:
        projected = _to_fraction(indicator.projected_number)
        if _fails(comparator, projected, target):
            warnings.append(
                _ind_warning(
                    indicator,
                    "IND_PROJECTED_MISS",
                    LEVEL_RED,
                    f"全年预计完成值{_value_text(indicator, indicator.projected_number)}"
                    f"{_PROJECTED_MISS_VERBS[comparator]}年度指标值{_target_text(indicator)}",
                    {"target": str(indicator.target_number), "projected": str(indicator.projected_number)},
                )
            )

    if indicator.actual_number is None:
        warnings.append(_no_actual(indicator, period_end_month))
        return warnings

    actual = _to_fraction(indicator.actual_number)
    progress_type = indicator.progress_type
    cumulative = progress_type == CUMULATIVE
    level = progress_type == LEVEL
    actual_text = _value_text(indicator, indicator.actual_number)
    base = {"target": str(indicator.target_number), "actual": str(indicator.actual_number)}

    if cumulative and comparator != AT_MOST and target > 0:
        tp = time_progress(period_end_month)
        completion = actual / target
        gap = tp - completion
        if gap >= t.indicator_lag_yellow or gap >= t.indicator_lag_red:
            red = gap >= t.indicator_lag_red
            warnings.append(
                _ind_warning(
                    indicator,
                    "IND_LAG",
                    LEVEL_RED if red else LEVEL_YELLOW,
                    f"完成进度{_pct(completion)}，低于时间进度{_pct(tp)}，相差{_pp(gap)}个百分点",
                    {
                        **base,
                        "progress": _fig(completion),
                        "time_progress": _fig(tp),
                        "gap": _fig(gap),
                        "threshold": _fig(t.indicator_lag_red if red else t.indicator_lag_yellow),
                    },
                )
            )

    if level and comparator == AT_LEAST and target > 0:
        shortfall = (target - actual) / target
        if shortfall > 0:
            warnings.append(
                _ind_warning(
                    indicator,
                    "IND_SHORTFALL",
                    LEVEL_RED if shortfall >= t.shortfall_red else LEVEL_YELLOW,
                    f"实际完成值{actual_text}低于年度指标值{_target_text(indicator)}，差距{_pct(shortfall)}",
                    {**base, "shortfall": _fig(shortfall), "threshold": _fig(t.shortfall_red)},
                )
            )

    if (level or cumulative) and comparator == AT_MOST and target > 0:
        excess = (actual - target) / target
        if excess > 0:
            warnings.append(
                _ind_warning(
                    indicator,
                    "IND_EXCESS",
                    LEVEL_RED if excess >= t.excess_red else LEVEL_YELLOW,
                    f"实际完成值{actual_text}超出年度指标值{_target_text(indicator)}，超出{_pct(excess)}",
                    {**base, "excess": _fig(excess), "threshold": _fig(t.excess_red)},
                )
            )

    if level and comparator == EQUAL and actual != target:
        warnings.append(
            _ind_warning(
                indicator,
                "IND_LEVEL_MISMATCH",
                LEVEL_YELLOW,
                f"实际完成值{actual_text}不符合年度指标值{_target_text(indicator)}",
                dict(base),
            )
        )

    if cumulative and comparator == AT_LEAST and target > 0:
        tp = time_progress(period_end_month)
        ratio = actual / (target * tp)
        if ratio >= t.over_target_note:
            warnings.append(
                _ind_warning(
                    indicator,
                    "IND_OVER_TARGET",
                    LEVEL_BLUE,
                    f"实际完成值{actual_text}为按时间进度应完成值的{_pct(ratio)}，"
                    "大幅超前，年度指标值可能设定偏低",
                    {
                        **base,
                        "time_progress": _fig(tp),
                        "ratio": _fig(ratio),
                        "threshold": _fig(t.over_target_note),
                    },
                )
            )
    return warnings


def _no_actual(indicator: IndicatorFigures, period_end_month: int) -> Warning:
    return _ind_warning(
        indicator,
        "IND_NO_ACTUAL",
        LEVEL_YELLOW,
        f"未填写1—{period_end_month}月实际完成值",
        {"target": "" if indicator.target_number is None else str(indicator.target_number)},
    )


# ---------------------------------------------------------------------------------------------------
# Consistency of input and output


def _output_ratio(indicator: IndicatorFigures, cap: Fraction) -> Fraction | None:
    """min(A / T, cap) for a cumulative 数量指标 with ">=" or "=", number/percent, A given, T > 0."""
    if (
        indicator.category != QUANTITY
        or indicator.progress_type != CUMULATIVE
        or indicator.comparator not in (AT_LEAST, EQUAL)
        or indicator.value_type not in _NUMERIC_TYPES
        or indicator.actual_number is None
        or indicator.target_number is None
    ):
        return None
    target = _to_fraction(indicator.target_number)
    if target <= 0:
        return None
    ratio = _to_fraction(indicator.actual_number) / target
    return cap if ratio > cap else ratio


def consistency_warnings(
    indicators: Sequence[IndicatorFigures], funds: FundsFigures, *, thresholds: Thresholds
) -> list[Warning]:
    """OUTPUT_SPEND_MISMATCH: |Cq − ER| ≥ 50pp, Cq the mean of the capped A / T of the project's
    cumulative 数量指标 with ">=" or "=" that have an actual value and T > 0. Needs B > 0 and at least one
    such indicator; indicators without an actual value are left out of the mean, not counted as 0.
    """
    t = thresholds
    budget = _opt_fraction(funds.budget)
    if budget is None or budget <= 0:
        return []
    ratios = [r for r in (_output_ratio(i, t.output_ratio_cap) for i in indicators) if r is not None]
    if not ratios:
        return []
    mean = sum(ratios, _ZERO) / len(ratios)
    er = _paid(funds) / budget
    difference = abs(mean - er)
    if difference < t.output_spend_mismatch:
        return []
    return [
        Warning(
            "OUTPUT_SPEND_MISMATCH",
            LEVEL_YELLOW,
            f"数量指标平均完成进度{_pct(mean)}与预算执行率{_pct(er)}相差{_pp(difference)}个百分点，"
            "投入与产出不匹配",
            None,
            None,
            {
                "output_progress": _fig(mean),
                "execution_rate": _fig(er),
                "difference": _fig(difference),
                "indicator_count": str(len(ratios)),
                "threshold": _fig(t.output_spend_mismatch),
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
