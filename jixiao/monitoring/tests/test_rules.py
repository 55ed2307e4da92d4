"""The warning rules of warnings.md, table by table, on both sides of every threshold.

Money is in yuan. For m = 8 (TP = 2/3) and B = 3,000,000, TP − ER is exactly 20pp at E = 1,400,000 and
exactly 10pp at E = 1,700,000; one cent either side moves the result across the boundary.
"""

import ast
import calendar
import dataclasses
import decimal
import json
import random
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from jixiao.monitoring import rules
from jixiao.monitoring.models import MonitoringCycle
from jixiao.monitoring.rules import (
    FundsFigures,
    IndicatorFigures,
    Thresholds,
    consistency_warnings,
    execution_rate,
    funds_warnings,
    indicator_progress,
    indicator_warnings,
    project_level,
    project_warnings,
    time_progress,
)

D = Decimal
YEAR = 2026
DEFAULTS = Thresholds.defaults()
RED, YELLOW, BLUE = "red", "yellow", "blue"


# --- builders -------------------------------------------------------------------------------------


def funds(budget, paid="0", projected=None) -> FundsFigures:
    return FundsFigures(
        budget=None if budget is None else D(budget),
        paid=D(paid),
        projected=None if projected is None else D(projected),
    )


def num(
    comparator=">=",
    progress="cumulative",
    target="500",
    actual=None,
    projected=None,
    *,
    value_type="number",
    category="quantity",
    likelihood="",
    unit="人",
    key=1,
    name="培训人数",
) -> IndicatorFigures:
    """A number (or percent) indicator."""
    return IndicatorFigures(
        key=key,
        name=name,
        category=category,
        comparator=comparator,
        value_type=value_type,
        progress_type=progress,
        target_number=None if target is None else D(target),
        actual_number=None if actual is None else D(actual),
        projected_number=None if projected is None else D(projected),
        likelihood=likelihood,
        unit=unit,
    )


def pct(comparator=">=", progress="level", target="95", actual=None, projected=None, **kw):
    """A percent indicator (values in percentage points)."""
    kw.setdefault("category", "quality")
    return num(comparator, progress, target, actual, projected, value_type="percent", unit="", **kw)


def day(comparator, target, *, actual=None, projected=None, likelihood="") -> IndicatorFigures:
    """A date indicator; dates as "MM-DD" of YEAR."""

    def as_date(text):
        return None if text is None else date(YEAR, *map(int, text.split("-")))

    return IndicatorFigures(
        key="d",
        name="完工时间",
        category="timeliness",
        comparator=comparator,
        value_type="date",
        progress_type="cumulative",
        target_date=as_date(target),
        actual_date=as_date(actual),
        projected_date=as_date(projected),
        likelihood=likelihood,
    )


def qual(assessment="", likelihood="") -> IndicatorFigures:
    return IndicatorFigures(
        key="q",
        name="群众获得感",
        category="social",
        comparator="qualitative",
        value_type="text",
        progress_type="level",
        self_assessment=assessment,
        likelihood=likelihood,
    )


def period_end(m: int, year: int = YEAR) -> date:
    return date(year, m, calendar.monthrange(year, m)[1])


def run_funds(m, budget, paid="0", projected=None, *, has_indicators=True, thresholds=DEFAULTS):
    return funds_warnings(
        funds(budget, paid, projected),
        has_indicators=has_indicators,
        period_end_month=m,
        thresholds=thresholds,
    )


def run_indicator(indicator, m=8, *, thresholds=DEFAULTS):
    return indicator_warnings(indicator, period_end=period_end(m), period_end_month=m, thresholds=thresholds)


def pairs(warnings) -> list[tuple[str, str]]:
    return sorted((w.code, w.level) for w in warnings)


# --- budget execution -----------------------------------------------------------------------------

LAG_RED = ("EXEC_LAG", RED)
LAG_YELLOW = ("EXEC_LAG", YELLOW)
ZERO = ("EXEC_ZERO", RED)
OVER = ("EXEC_OVER", RED)
PROJ_LOW = ("EXEC_PROJECTED_LOW", YELLOW)
NO_BUDGET = ("NO_BUDGET", YELLOW)

FUNDS_CASES = [
    # id, m, B, E, P, has_indicators, expected (code, level) pairs
    # EXEC_LAG, m = 8 (TP = 66.7%), B = 3,000,000: 20pp at E = 1,400,000, 10pp at E = 1,700,000
    ("lag m8 exactly 20pp red", 8, "3000000", "1400000", None, True, [LAG_RED]),
    ("lag m8 above 20pp red", 8, "3000000", "1399999.99", None, True, [LAG_RED]),
    ("lag m8 below 20pp yellow", 8, "3000000", "1400000.01", None, True, [LAG_YELLOW]),
    ("lag m8 above 10pp yellow", 8, "3000000", "1699999.99", None, True, [LAG_YELLOW]),
    ("lag m8 exactly 10pp yellow", 8, "3000000", "1700000", None, True, [LAG_YELLOW]),
    ("lag m8 below 10pp none", 8, "3000000", "1700000.01", None, True, []),
    ("lag m8 on time none", 8, "3000000", "2000000", None, True, []),
    ("lag m8 ahead none", 8, "3000000", "2500000", None, True, []),
    # m = 6 (TP = 50%), B = 1,000,000: 20pp at E = 300,000, 10pp at E = 400,000
    ("lag m6 exactly 20pp red", 6, "1000000", "300000", None, True, [LAG_RED]),
    ("lag m6 below 20pp yellow", 6, "1000000", "300000.01", None, True, [LAG_YELLOW]),
    ("lag m6 exactly 10pp yellow", 6, "1000000", "400000", None, True, [LAG_YELLOW]),
    ("lag m6 below 10pp none", 6, "1000000", "400000.01", None, True, []),
    # m = 12 (TP = 100%)
    ("lag m12 exactly 20pp red", 12, "1000000", "800000", None, True, [LAG_RED]),
    ("lag m12 below 20pp yellow", 12, "1000000", "800000.01", None, True, [LAG_YELLOW]),
    ("lag m12 exactly 10pp yellow", 12, "1000000", "900000", None, True, [LAG_YELLOW]),
    ("lag m12 below 10pp none", 12, "1000000", "900000.01", None, True, []),
    ("lag m12 fully spent none", 12, "1000000", "1000000", None, True, []),
    # m = 3 (TP = 25%), B = 1,200,000: 20pp at E = 60,000
    ("lag m3 exactly 20pp red", 3, "1200000", "60000", None, True, [LAG_RED]),
    ("lag m3 below 20pp yellow", 3, "1200000", "60000.01", None, True, [LAG_YELLOW]),
    # nothing paid early in the year: TP itself is the gap
    ("nothing paid m1 (8.3pp) none", 1, "1200000", "0", None, True, []),
    ("nothing paid m2 (16.7pp) yellow", 2, "1200000", "0", None, True, [LAG_YELLOW]),
    ("nothing paid m3 (25pp) red", 3, "1200000", "0", None, True, [LAG_RED]),
    # EXEC_ZERO: B > 0, E = 0, TP ≥ 50% — reported beside EXEC_LAG
    ("zero m5 (TP 41.7%) only lag", 5, "1200000", "0", None, True, [LAG_RED]),
    ("zero m6 (TP exactly 50%) red", 6, "1200000", "0", None, True, [LAG_RED, ZERO]),
    ("zero m7 red", 7, "1200000", "0", None, True, [LAG_RED, ZERO]),
    ("zero m12 red", 12, "1200000", "0", None, True, [LAG_RED, ZERO]),
    ("zero m6 one cent paid no zero", 6, "1200000", "0.01", None, True, [LAG_RED]),
    ("zero needs a budget (B = 0)", 6, "0", "0", None, True, [NO_BUDGET]),
    ("zero needs a budget (B missing)", 6, None, "0", None, True, [NO_BUDGET]),
    ("smallest budget is a budget", 8, "0.01", "0", None, True, [LAG_RED, ZERO]),
    # EXEC_OVER: E > B
    ("over by one cent red", 8, "1000000", "1000000.01", None, True, [OVER]),
    ("over exactly B none", 8, "1000000", "1000000", None, True, []),
    ("over with B = 0 red", 8, "0", "0.01", None, False, [OVER]),
    ("over with B missing red", 8, None, "100", None, True, [OVER, NO_BUDGET]),
    ("B = 0 and nothing paid no over", 8, "0", "0", None, False, []),
    # EXEC_PROJECTED_LOW: P / B < 90% (E = 700,000 keeps EXEC_LAG quiet at m = 8)
    ("projected exactly 90% none", 8, "1000000", "700000", "900000", True, []),
    ("projected just below 90% yellow", 8, "1000000", "700000", "899999.99", True, [PROJ_LOW]),
    ("projected just above 90% none", 8, "1000000", "700000", "900000.01", True, []),
    ("projected 0 yellow", 8, "1000000", "700000", "0", True, [PROJ_LOW]),
    ("projected above budget none", 8, "1000000", "700000", "1200000", True, []),
    ("projected not entered none", 8, "1000000", "700000", None, True, []),
    ("projected needs a budget", 8, "0", "0", "100", False, []),
    ("zero, lag and projected low together", 8, "1000000", "0", "0", True, [LAG_RED, ZERO, PROJ_LOW]),
    # NO_BUDGET: B = 0 or missing while indicators exist
    ("no budget (0) with indicators yellow", 8, "0", "0", None, True, [NO_BUDGET]),
    ("no budget (missing) with indicators yellow", 8, None, "0", None, True, [NO_BUDGET]),
    ("no budget without indicators none", 8, None, "0", None, False, []),
    ("negative budget counts as none", 8, "-100", "0", None, True, [NO_BUDGET]),
    ("budget of one cent no NO_BUDGET", 8, "0.01", "0.01", None, True, []),
]


@pytest.mark.parametrize(
    ("m", "budget", "paid", "projected", "has_indicators", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in FUNDS_CASES],
)
def test_funds_rules(m, budget, paid, projected, has_indicators, expected):
    warnings = run_funds(m, budget, paid, projected, has_indicators=has_indicators)
    assert pairs(warnings) == sorted(expected)
    assert all(w.indicator_key is None and w.indicator_name is None for w in warnings)


def test_exec_lag_reported_once_with_its_figures():
    warnings = run_funds(8, "3000000", "1400000")
    assert [w.code for w in warnings] == ["EXEC_LAG"]
    figures = warnings[0].figures
    assert D(figures["execution_rate"]).quantize(D("0.000001")) == D("0.466667")
    assert D(figures["time_progress"]).quantize(D("0.000001")) == D("0.666667")
    assert D(figures["gap"]).quantize(D("0.000001")) == D("0.200000")
    assert figures["budget"] == "3000000" and figures["paid"] == "1400000"
    assert figures["threshold"] == "0.2"


# --- indicators -----------------------------------------------------------------------------------

I_RED = {
    code: (code, RED)
    for code in (
        "IND_IMPOSSIBLE",
        "IND_PROJECTED_MISS",
        "IND_LAG",
        "IND_SHORTFALL",
        "IND_EXCESS",
        "IND_DATE_OVERDUE",
        "IND_QUAL_NOT_MET",
    )
}
I_YELLOW = {
    code: (code, YELLOW)
    for code in (
        "IND_POSSIBLE",
        "IND_LAG",
        "IND_SHORTFALL",
        "IND_EXCESS",
        "IND_LEVEL_MISMATCH",
        "IND_NO_ACTUAL",
        "IND_QUAL_PARTLY",
    )
}
OVER_TARGET = ("IND_OVER_TARGET", BLUE)

INDICATOR_CASES = [
    # id, indicator, m, expected
    # IND_LAG: cumulative ">=" / "=", C = A / T; m = 8, T = 300: 20pp at A = 140, 10pp at A = 170
    ("lag exactly 20pp red", num(">=", target="300", actual="140"), 8, [I_RED["IND_LAG"]]),
    ("lag above 20pp red", num(">=", target="300", actual="139.99"), 8, [I_RED["IND_LAG"]]),
    ("lag below 20pp yellow", num(">=", target="300", actual="140.01"), 8, [I_YELLOW["IND_LAG"]]),
    ("lag exactly 10pp yellow", num(">=", target="300", actual="170"), 8, [I_YELLOW["IND_LAG"]]),
    ("lag above 10pp yellow", num(">=", target="300", actual="169.99"), 8, [I_YELLOW["IND_LAG"]]),
    ("lag below 10pp none", num(">=", target="300", actual="170.01"), 8, []),
    ("lag on time none", num(">=", target="300", actual="200"), 8, []),
    ("lag with = red", num("=", target="300", actual="140"), 8, [I_RED["IND_LAG"]]),
    ("lag with = below 10pp none", num("=", target="300", actual="170.01"), 8, []),
    ("lag percent m6 20pp red", pct(">=", "cumulative", "100", "30"), 6, [I_RED["IND_LAG"]]),
    ("lag percent m6 below 20pp yellow", pct(">=", "cumulative", "100", "30.01"), 6, [I_YELLOW["IND_LAG"]]),
    ("lag percent m6 10pp yellow", pct(">=", "cumulative", "100", "40"), 6, [I_YELLOW["IND_LAG"]]),
    ("lag percent m6 below 10pp none", pct(">=", "cumulative", "100", "40.01"), 6, []),
    ("lag m12 20pp red", num(">=", target="500", actual="400"), 12, [I_RED["IND_LAG"]]),
    ("lag m12 10pp yellow", num(">=", target="500", actual="450"), 12, [I_YELLOW["IND_LAG"]]),
    ("lag m12 below 10pp none", num(">=", target="500", actual="450.01"), 12, []),
    ("lag needs T > 0", num(">=", target="0", actual="0"), 8, []),
    ("no lag for cumulative <=", num("<=", target="200000", actual="0", unit="元"), 8, []),
    # IND_SHORTFALL: level ">=", s = (T − A) / T; T = 95%: 10% at A = 85.5
    ("shortfall exactly 10% red", pct(">=", "level", "95", "85.5"), 8, [I_RED["IND_SHORTFALL"]]),
    ("shortfall above 10% red", pct(">=", "level", "95", "85.49"), 8, [I_RED["IND_SHORTFALL"]]),
    ("shortfall below 10% yellow", pct(">=", "level", "95", "85.51"), 8, [I_YELLOW["IND_SHORTFALL"]]),
    ("shortfall small yellow", pct(">=", "level", "95", "94.99"), 8, [I_YELLOW["IND_SHORTFALL"]]),
    ("shortfall met none", pct(">=", "level", "95", "95"), 8, []),
    ("shortfall exceeded none (no lag, no blue for level)", pct(">=", "level", "95", "99"), 8, []),
    ("shortfall number exactly 10% red", num(">=", "level", "90", "81"), 8, [I_RED["IND_SHORTFALL"]]),
    ("shortfall number below 10% yellow", num(">=", "level", "90", "81.01"), 8, [I_YELLOW["IND_SHORTFALL"]]),
    ("level far above target no blue", num(">=", "level", "100", "1000"), 8, []),
    # IND_EXCESS: level or cumulative "<=", s = (A − T) / T; T = 5%: 10% at A = 5.5
    ("excess level exactly 10% red", pct("<=", "level", "5", "5.5"), 8, [I_RED["IND_EXCESS"]]),
    ("excess level above 10% red", pct("<=", "level", "5", "5.51"), 8, [I_RED["IND_EXCESS"]]),
    ("excess level below 10% yellow", pct("<=", "level", "5", "5.49"), 8, [I_YELLOW["IND_EXCESS"]]),
    ("excess level small yellow", pct("<=", "level", "5", "5.01"), 8, [I_YELLOW["IND_EXCESS"]]),
    ("excess level at limit none", pct("<=", "level", "5", "5"), 8, []),
    ("excess level under limit none", pct("<=", "level", "5", "0"), 8, []),
    (
        "excess cumulative exactly 10% red",
        num("<=", target="200000", actual="220000", unit="元"),
        8,
        [I_RED["IND_EXCESS"]],
    ),
    (
        "excess cumulative below 10% yellow",
        num("<=", target="200000", actual="219999.99", unit="元"),
        8,
        [I_YELLOW["IND_EXCESS"]],
    ),
    (
        "excess cumulative by one cent yellow",
        num("<=", target="200000", actual="200000.01", unit="元"),
        8,
        [I_YELLOW["IND_EXCESS"]],
    ),
    ("excess cumulative at limit none", num("<=", target="200000", actual="200000", unit="元"), 8, []),
    # IND_LEVEL_MISMATCH: level "=", A ≠ T
    ("level = met none", pct("=", "level", "100", "100"), 8, []),
    ("level = just below yellow", pct("=", "level", "100", "99.99"), 8, [I_YELLOW["IND_LEVEL_MISMATCH"]]),
    ("level = just above yellow", pct("=", "level", "100", "100.01"), 8, [I_YELLOW["IND_LEVEL_MISMATCH"]]),
    ("level = zero yellow", pct("=", "level", "100", "0"), 8, [I_YELLOW["IND_LEVEL_MISMATCH"]]),
    ("cumulative = above T: no mismatch, no blue", num("=", target="100", actual="200"), 8, []),
    # IND_OVER_TARGET: cumulative ">=", A / (T × TP) ≥ 120% — blue; m = 8, T = 500: at A = 400
    ("over target exactly 120% blue", num(">=", target="500", actual="400"), 8, [OVER_TARGET]),
    ("over target just below none", num(">=", target="500", actual="399.99"), 8, []),
    ("over target just above blue", num(">=", target="500", actual="400.01"), 8, [OVER_TARGET]),
    ("over target past T blue", num(">=", target="500", actual="600"), 8, [OVER_TARGET]),
    ("over target m6 exactly blue", num(">=", target="100", actual="60"), 6, [OVER_TARGET]),
    ("over target m6 below none", num(">=", target="100", actual="59.99"), 6, []),
    ("over target m12 exactly blue", num(">=", target="100", actual="120"), 12, [OVER_TARGET]),
    ("over target m12 below none", num(">=", target="100", actual="119.99"), 12, []),
    # IND_NO_ACTUAL: number or percent without an actual value
    ("no actual number yellow", num(">=", target="500"), 8, [I_YELLOW["IND_NO_ACTUAL"]]),
    ("no actual percent yellow", pct(">=", "level", "95"), 8, [I_YELLOW["IND_NO_ACTUAL"]]),
    ("no actual without target yellow", num(">=", target=None), 8, [I_YELLOW["IND_NO_ACTUAL"]]),
    ("actual 0 is a value (lag, not no-actual)", num(">=", target="500", actual="0"), 8, [I_RED["IND_LAG"]]),
    ("no actual for dates", day("<=", "11-30"), 8, []),
    ("no actual for text", qual(), 8, []),
    # IND_PROJECTED_MISS: F fails T for the comparator (A = 350 of 500 is quiet at m = 8)
    (
        "projected >= below T red",
        num(">=", "cumulative", "500", "350", "499.99"),
        8,
        [I_RED["IND_PROJECTED_MISS"]],
    ),
    ("projected >= at T none", num(">=", "cumulative", "500", "350", "500"), 8, []),
    ("projected >= not entered none", num(">=", "cumulative", "500", "350", None), 8, []),
    (
        "projected <= above T red",
        num("<=", "cumulative", "200000", "100000", "200000.01", unit="元"),
        8,
        [I_RED["IND_PROJECTED_MISS"]],
    ),
    ("projected <= at T none", num("<=", "cumulative", "200000", "100000", "200000", unit="元"), 8, []),
    ("projected = below T red", pct("=", "level", "100", "100", "99.99"), 8, [I_RED["IND_PROJECTED_MISS"]]),
    ("projected = above T red", pct("=", "level", "100", "100", "100.01"), 8, [I_RED["IND_PROJECTED_MISS"]]),
    ("projected = at T none", pct("=", "level", "100", "100", "100"), 8, []),
    ("projected percent >= red", pct(">=", "level", "95", "96", "94.9"), 8, [I_RED["IND_PROJECTED_MISS"]]),
    (
        "projected miss without actual",
        num(">=", "cumulative", "500", None, "400"),
        8,
        [I_RED["IND_PROJECTED_MISS"], I_YELLOW["IND_NO_ACTUAL"]],
    ),
    ("projected date <= later red", day("<=", "11-30", projected="12-01"), 8, [I_RED["IND_PROJECTED_MISS"]]),
    ("projected date <= on T none", day("<=", "11-30", projected="11-30"), 8, []),
    ("projected date <= earlier none", day("<=", "11-30", projected="11-29"), 8, []),
    ("projected date = earlier none: a deadline", day("=", "11-30", projected="11-29"), 8, []),
    ("projected date = long before none", day("=", "02-28", projected="01-15"), 1, []),
    ("projected date = later red", day("=", "11-30", projected="12-01"), 8, [I_RED["IND_PROJECTED_MISS"]]),
    ("projected date = on T none", day("=", "11-30", projected="11-30"), 8, []),
    # IND_DATE_OVERDUE: date "<=" or "=", period end (08-31 for m = 8) after T, no actual completion date
    ("overdue day before period end red", day("<=", "08-30"), 8, [I_RED["IND_DATE_OVERDUE"]]),
    ("overdue T is period end none", day("<=", "08-31"), 8, []),
    ("overdue T after period end none", day("<=", "09-01"), 8, []),
    ("overdue m6 red", day("<=", "06-29"), 6, [I_RED["IND_DATE_OVERDUE"]]),
    ("overdue m6 T is period end none", day("<=", "06-30"), 6, []),
    ("overdue but completed none", day("<=", "08-30", actual="08-29"), 8, []),
    ("completed late: no rule in warnings.md", day("<=", "08-30", actual="08-31"), 8, []),
    ("overdue for = too red", day("=", "08-30"), 8, [I_RED["IND_DATE_OVERDUE"]]),
    ("overdue for = T is period end none", day("=", "08-31"), 8, []),
    ("overdue for = but completed none", day("=", "08-30", actual="08-15"), 8, []),
    (
        "overdue for = and projected later",
        day("=", "08-30", projected="09-15"),
        8,
        [I_RED["IND_PROJECTED_MISS"], I_RED["IND_DATE_OVERDUE"]],
    ),
    (
        "overdue and projected later",
        day("<=", "08-30", projected="09-15"),
        8,
        [I_RED["IND_PROJECTED_MISS"], I_RED["IND_DATE_OVERDUE"]],
    ),
    # likelihood, for every kind of indicator
    (
        "impossible red",
        num(">=", target="500", actual="350", likelihood="impossible"),
        8,
        [I_RED["IND_IMPOSSIBLE"]],
    ),
    (
        "possible yellow",
        num(">=", target="500", actual="350", likelihood="possible"),
        8,
        [I_YELLOW["IND_POSSIBLE"]],
    ),
    ("certain none", num(">=", target="500", actual="350", likelihood="certain"), 8, []),
    ("likelihood blank none", num(">=", target="500", actual="350", likelihood=""), 8, []),
    ("impossible on a date", day("<=", "11-30", likelihood="impossible"), 8, [I_RED["IND_IMPOSSIBLE"]]),
    ("possible on a qualitative", qual("met", "possible"), 8, [I_YELLOW["IND_POSSIBLE"]]),
    # qualitative self-assessment
    ("qualitative met none", qual("met"), 8, []),
    ("qualitative partly met yellow", qual("partly_met"), 8, [I_YELLOW["IND_QUAL_PARTLY"]]),
    ("qualitative not met red", qual("not_met"), 8, [I_RED["IND_QUAL_NOT_MET"]]),
    ("qualitative not assessed none", qual(""), 8, []),
    (
        "qualitative not met and impossible",
        qual("not_met", "impossible"),
        8,
        [I_RED["IND_IMPOSSIBLE"], I_RED["IND_QUAL_NOT_MET"]],
    ),
    ("self-assessment ignored for numbers", num(">=", target="500", actual="350"), 8, []),
]


@pytest.mark.parametrize(
    ("indicator", "m", "expected"), [pytest.param(*row[1:], id=row[0]) for row in INDICATOR_CASES]
)
def test_indicator_rules(indicator, m, expected):
    warnings = run_indicator(indicator, m)
    assert pairs(warnings) == sorted(expected)
    assert all(w.indicator_key == indicator.key and w.indicator_name == indicator.name for w in warnings)


def test_self_assessment_only_read_for_qualitative_indicators():
    number = IndicatorFigures(
        key=1,
        name="培训人数",
        category="quantity",
        comparator=">=",
        value_type="number",
        progress_type="cumulative",
        target_number=D("500"),
        actual_number=D("350"),
        self_assessment="not_met",
    )
    assert run_indicator(number) == []


# --- consistency of input and output ----------------------------------------------------------------


def quantity(actual, target="100", **kw):
    return num(kw.pop("comparator", ">="), kw.pop("progress", "cumulative"), target, actual, **kw)


MISMATCH_CASES = [
    # id, B, E, indicators, expect OUTPUT_SPEND_MISMATCH
    ("Cq 90% vs ER 40%: exactly 50pp", "1000000", "400000", [quantity("90")], True),
    ("Cq 89.99% vs ER 40%: below", "1000000", "400000", [quantity("89.99")], False),
    ("Cq 90.01% vs ER 40%: above", "1000000", "400000", [quantity("90.01")], True),
    ("spending ahead: ER 90% vs Cq 40%", "1000000", "900000", [quantity("40")], True),
    ("spending ahead: below 50pp", "1000000", "900000", [quantity("40.01")], False),
    ("spending ahead: above 50pp", "1000000", "900000", [quantity("39.99")], True),
    ("percent quantity indicator counts", "1000000", "400000", [quantity("90", value_type="percent")], True),
    ("= comparator counts", "1000000", "400000", [quantity("90", comparator="=")], True),
    # the 150% cap: A / T = 300% counts as 150%
    ("capped 150% vs ER 100%: exactly 50pp", "1000000", "1000000", [quantity("300")], True),
    ("capped 150% vs ER just above 100%", "1000000", "1000000.01", [quantity("300")], False),
    ("exactly 150% vs ER just above 100%", "1000000", "1000000.01", [quantity("150")], False),
    # the mean of several
    ("mean 70% vs ER 20%: exactly 50pp", "1000000", "200000", [quantity("100"), quantity("40")], True),
    ("mean 70% vs ER just above 20%", "1000000", "200000.01", [quantity("100"), quantity("40")], False),
    ("mean of capped 150% and 50% vs ER 50%", "1000000", "500000", [quantity("300"), quantity("50")], True),
    ("mean with cap vs ER just above 50%", "1000000", "500000.01", [quantity("300"), quantity("50")], False),
    ("missing actual left out of mean", "1000000", "400000", [quantity("90"), quantity(None)], True),
    # what does not count
    ("quality category ignored", "1000000", "400000", [quantity("100", category="quality")], False),
    ("level quantity ignored", "1000000", "400000", [quantity("100", progress="level")], False),
    ("<= quantity ignored", "1000000", "400000", [quantity("100", comparator="<=")], False),
    ("only indicator without actual", "1000000", "400000", [quantity(None)], False),
    ("T = 0 ignored", "1000000", "0", [quantity("5", target="0")], False),
    ("no indicators", "1000000", "0", [], False),
    ("dates and text ignored", "1000000", "0", [day("<=", "11-30"), qual("met")], False),
    ("needs a budget (B = 0)", "0", "0", [quantity("100")], False),
    ("needs a budget (B missing)", None, "0", [quantity("100")], False),
]


@pytest.mark.parametrize(
    ("budget", "paid", "indicators", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in MISMATCH_CASES],
)
def test_output_spend_mismatch(budget, paid, indicators, expected):
    warnings = consistency_warnings(indicators, funds(budget, paid), thresholds=DEFAULTS)
    assert pairs(warnings) == ([("OUTPUT_SPEND_MISMATCH", YELLOW)] if expected else [])
    for warning in warnings:
        assert warning.indicator_key is None and warning.indicator_name is None


def test_output_spend_mismatch_figures():
    [warning] = consistency_warnings(
        [quantity("300"), quantity("50")], funds("1000000", "400000"), thresholds=DEFAULTS
    )
    assert warning.figures == {
        "output_progress": "1",
        "execution_rate": "0.4",
        "difference": "0.6",
        "indicator_count": "2",
        "threshold": "0.5",
    }


# --- the worked example of warnings.md -----------------------------------------------------------


def test_worked_example():
    example_funds = funds("1000000.00", "400000.00", "850000.00")
    training = num(">=", "cumulative", "500", "320", "480", likelihood="possible", key=7, name="培训人数")
    warnings = project_warnings(example_funds, [training], year=YEAR, period_end_month=8, thresholds=DEFAULTS)

    assert pairs(warnings) == sorted(
        [
            ("EXEC_LAG", RED),
            ("EXEC_PROJECTED_LOW", YELLOW),
            ("IND_PROJECTED_MISS", RED),
            ("IND_POSSIBLE", YELLOW),
        ]
    )
    codes = {w.code for w in warnings}
    assert "IND_LAG" not in codes
    assert "OUTPUT_SPEND_MISMATCH" not in codes
    assert project_level(warnings) == RED

    assert execution_rate(example_funds) == Fraction(2, 5)
    assert time_progress(8) - execution_rate(example_funds) == Fraction(4, 15)  # 26.7pp
    assert indicator_progress(training, period_end_month=8) == Fraction(16, 25)  # C = 64.0%
    by_code = {w.code: w for w in warnings}
    assert by_code["EXEC_LAG"].message == "预算执行率40.0%，低于时间进度66.7%，相差26.7个百分点"
    assert by_code["IND_PROJECTED_MISS"].message == "全年预计完成值480人未达到年度指标值≥500人"
    assert by_code["IND_PROJECTED_MISS"].indicator_key == 7
    assert by_code["IND_PROJECTED_MISS"].indicator_name == "培训人数"
    assert by_code["EXEC_PROJECTED_LOW"].figures["projected_rate"] == "0.85"


# --- project level --------------------------------------------------------------------------------


def _warning(level: str) -> rules.Warning:
    return rules.Warning("TEST", level, "", None, None, {})


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ([], "green"),
        ([BLUE], "green"),
        ([BLUE, BLUE], "green"),
        ([YELLOW], "yellow"),
        ([BLUE, YELLOW], "yellow"),
        ([YELLOW, BLUE], "yellow"),
        ([YELLOW, YELLOW], "yellow"),
        ([RED], "red"),
        ([BLUE, RED], "red"),
        ([YELLOW, RED, BLUE], "red"),
        ([RED, YELLOW], "red"),
    ],
)
def test_project_level(levels, expected):
    assert project_level([_warning(level) for level in levels]) == expected
    assert project_level(_warning(level) for level in levels) == expected  # any iterable


def test_blue_note_alone_leaves_a_project_green():
    far_ahead = num(">=", "cumulative", "500", "450", likelihood="certain")
    warnings = project_warnings(
        funds("1000000", "700000", "1000000"), [far_ahead], year=YEAR, period_end_month=8, thresholds=DEFAULTS
    )
    assert pairs(warnings) == [OVER_TARGET]
    assert project_level(warnings) == "green"


def test_level_labels():
    assert rules.LEVEL_LABELS == {"red": "红色", "yellow": "黄色", "blue": "蓝色", "green": "绿色"}
    assert (rules.LEVEL_RED, rules.LEVEL_YELLOW, rules.LEVEL_BLUE, rules.LEVEL_GREEN) == (
        "red",
        "yellow",
        "blue",
        "green",
    )


# --- project_warnings ------------------------------------------------------------------------------


def test_project_warnings_order_and_scope():
    """Funds first, then each indicator in the order given, then the consistency rule."""
    lagging = num(">=", "cumulative", "300", "140", key="a", name="甲", category="quality")
    warnings = project_warnings(
        funds("1000000", "100000"),  # ER 10%: 56.7pp behind
        iter([lagging, qual("not_met"), quantity("70", key="c")]),  # any iterable; Cq 70% vs ER 10%
        year=YEAR,
        period_end_month=8,
        thresholds=DEFAULTS,
    )
    assert [(w.code, w.level, w.indicator_key) for w in warnings] == [
        ("EXEC_LAG", RED, None),
        ("IND_LAG", RED, "a"),
        ("IND_QUAL_NOT_MET", RED, "q"),
        ("OUTPUT_SPEND_MISMATCH", YELLOW, None),
    ]


def test_project_warnings_no_budget_depends_on_indicators():
    with_indicators = project_warnings(
        funds(None), [qual("met")], year=YEAR, period_end_month=8, thresholds=DEFAULTS
    )
    without = project_warnings(funds(None), [], year=YEAR, period_end_month=8, thresholds=DEFAULTS)
    assert pairs(with_indicators) == [NO_BUDGET]
    assert without == []


@pytest.mark.parametrize(
    ("year", "m", "target", "overdue"),
    [
        (2024, 2, date(2024, 2, 28), True),  # leap year: the period ends 02-29
        (2024, 2, date(2024, 2, 29), False),
        (2026, 2, date(2026, 2, 27), True),
        (2026, 2, date(2026, 2, 28), False),
        (2026, 12, date(2026, 12, 30), True),
        (2026, 12, date(2026, 12, 31), False),
    ],
)
def test_project_warnings_period_end_is_last_day_of_month(year, m, target, overdue):
    indicator = IndicatorFigures(
        key=1,
        name="完工时间",
        category="timeliness",
        comparator="<=",
        value_type="date",
        progress_type="cumulative",
        target_date=target,
    )
    warnings = project_warnings(
        funds("1000000", "1000000"), [indicator], year=year, period_end_month=m, thresholds=DEFAULTS
    )
    assert pairs(warnings) == ([("IND_DATE_OVERDUE", RED)] if overdue else [])


# --- thresholds -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("exec_lag_red", Fraction(1, 5)),
        ("exec_lag_yellow", Fraction(1, 10)),
        ("exec_zero_min_progress", Fraction(1, 2)),
        ("projected_low", Fraction(9, 10)),
        ("indicator_lag_red", Fraction(1, 5)),
        ("indicator_lag_yellow", Fraction(1, 10)),
        ("shortfall_red", Fraction(1, 10)),
        ("excess_red", Fraction(1, 10)),
        ("over_target_note", Fraction(6, 5)),
        ("output_spend_mismatch", Fraction(1, 2)),
        ("output_ratio_cap", Fraction(3, 2)),
    ],
)
def test_default_thresholds(name, value):
    assert getattr(Thresholds.defaults(), name) == value


def test_defaults_match_a_new_cycle():
    """The model's field defaults and the rules' defaults are the same numbers."""
    assert Thresholds.from_cycle(MonitoringCycle()) == Thresholds.defaults()


def test_from_cycle_reads_percent_and_pp_exactly():
    cycle = MonitoringCycle(exec_lag_red_pp=D("12.5"), output_ratio_cap_pct=D("200.00"))
    thresholds = Thresholds.from_cycle(cycle)
    assert thresholds.exec_lag_red == Fraction(1, 8)
    assert thresholds.output_ratio_cap == Fraction(2)
    assert thresholds.exec_lag_yellow == Fraction(1, 10)


def test_from_cycle_refuses_a_missing_threshold():
    with pytest.raises(ValueError, match="projected_low_pct"):
        Thresholds.from_cycle(MonitoringCycle(projected_low_pct=None))


def _lag_b3m(paid):
    return lambda t: pairs(run_funds(8, "3000000", paid, thresholds=t))


def _ind(indicator, m=8):
    return lambda t: pairs(run_indicator(indicator, m, thresholds=t))


def _mismatch(paid, *indicators):
    return lambda t: pairs(consistency_warnings(list(indicators), funds("1000000", paid), thresholds=t))


THRESHOLD_CHANGES = [
    # cycle attribute, new value, scenario, outcome with defaults, outcome with the change
    ("exec_lag_red_pp", "30", _lag_b3m("1400000"), [LAG_RED], [LAG_YELLOW]),
    ("exec_lag_yellow_pp", "5", _lag_b3m("1850000"), [], [LAG_YELLOW]),
    (
        "exec_zero_min_progress_pct",
        "40",
        lambda t: pairs(run_funds(5, "1200000", "0", thresholds=t)),
        [LAG_RED],
        [LAG_RED, ZERO],
    ),
    (
        "projected_low_pct",
        "80",
        lambda t: pairs(run_funds(8, "1000000", "700000", "850000", thresholds=t)),
        [PROJ_LOW],
        [],
    ),
    (
        "indicator_lag_red_pp",
        "25",
        _ind(num(">=", target="300", actual="140")),
        [I_RED["IND_LAG"]],
        [I_YELLOW["IND_LAG"]],
    ),
    ("indicator_lag_yellow_pp", "5", _ind(num(">=", target="300", actual="185")), [], [I_YELLOW["IND_LAG"]]),
    (
        "shortfall_red_pct",
        "15",
        _ind(pct(">=", "level", "95", "85.5")),
        [I_RED["IND_SHORTFALL"]],
        [I_YELLOW["IND_SHORTFALL"]],
    ),
    (
        "excess_red_pct",
        "20",
        _ind(pct("<=", "level", "5", "5.5")),
        [I_RED["IND_EXCESS"]],
        [I_YELLOW["IND_EXCESS"]],
    ),
    ("over_target_note_pct", "100", _ind(num(">=", target="500", actual="340")), [], [OVER_TARGET]),
    (
        "output_spend_mismatch_pp",
        "60",
        _mismatch("400000", quantity("90")),
        [("OUTPUT_SPEND_MISMATCH", YELLOW)],
        [],
    ),
    (
        "output_ratio_cap_pct",
        "200",
        _mismatch("1000000.01", quantity("300")),
        [],
        [("OUTPUT_SPEND_MISMATCH", YELLOW)],
    ),
]


@pytest.mark.parametrize(
    ("attribute", "value", "scenario", "before", "after"),
    [pytest.param(*row, id=f"{row[0]}={row[1]}") for row in THRESHOLD_CHANGES],
)
def test_changed_cycle_threshold_changes_outcome(attribute, value, scenario, before, after):
    default_cycle = MonitoringCycle()
    changed_cycle = MonitoringCycle(**{attribute: D(value)})
    assert scenario(Thresholds.from_cycle(default_cycle)) == sorted(before)
    assert scenario(Thresholds.from_cycle(changed_cycle)) == sorted(after)


# --- derived figures ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("m", "expected"), [(1, Fraction(1, 12)), (6, Fraction(1, 2)), (8, Fraction(2, 3)), (12, 1)]
)
def test_time_progress(m, expected):
    assert time_progress(m) == expected


@pytest.mark.parametrize("m", [0, 13, -1])
def test_time_progress_refuses_other_months(m):
    with pytest.raises(ValueError):
        time_progress(m)


@pytest.mark.parametrize(
    ("budget", "paid", "expected"),
    [
        ("3000000", "1400000", Fraction(7, 15)),
        ("1000000.00", "0.00", Fraction(0)),
        ("1000000", "1000000.01", Fraction(100000001, 100000000)),
        ("0", "100", None),
        (None, "100", None),
    ],
)
def test_execution_rate(budget, paid, expected):
    assert execution_rate(funds(budget, paid)) == expected


@pytest.mark.parametrize(
    ("indicator", "expected"),
    [
        (num(">=", "cumulative", "500", "320"), Fraction(16, 25)),
        (num("=", "cumulative", "300", "140"), Fraction(7, 15)),
        (pct(">=", "level", "95", "85.5"), Fraction(9, 10)),
        (pct("<=", "level", "5", "4"), Fraction(4, 5)),
        (pct("=", "level", "100", "99.5"), Fraction(199, 200)),
        (num("<=", "cumulative", "200000", "100000"), None),
        (num(">=", "cumulative", "500", None), None),
        (num(">=", "cumulative", "0", "5"), None),
        (day("<=", "11-30", actual="08-01"), None),
        (qual("met"), None),
    ],
)
def test_indicator_progress(indicator, expected):
    assert indicator_progress(indicator, period_end_month=8) == expected


# --- messages and figures -------------------------------------------------------------------------

MESSAGE_CASES = [
    # id, warnings, code, message
    (
        "lag half-up 46.65% -> 46.7%",
        lambda: run_funds(8, "2000000", "933000"),
        "EXEC_LAG",
        "预算执行率46.7%，低于时间进度66.7%，相差20.0个百分点",
    ),
    (
        "lag m1 8.3%",
        lambda: run_funds(2, "1200000", "0"),
        "EXEC_LAG",
        "预算执行率0.0%，低于时间进度16.7%，相差16.7个百分点",
    ),
    ("zero", lambda: run_funds(6, "1000000", "0"), "EXEC_ZERO", "时间进度已达50.0%，预算执行数仍为0"),
    (
        "over, 万元 half-up",
        lambda: run_funds(8, "1000000", "1000050"),
        "EXEC_OVER",
        "执行数100.01万元，超过预算数100.00万元",
    ),
    (
        "over, 万元 grouped",
        lambda: run_funds(8, "100000000", "123456789"),
        "EXEC_OVER",
        "执行数12,345.68万元，超过预算数10,000.00万元",
    ),
    ("over without budget", lambda: run_funds(8, None, "100"), "EXEC_OVER", "未安排预算，已支出0.01万元"),
    (
        "projected low",
        lambda: run_funds(8, "1000000", "700000", "850000"),
        "EXEC_PROJECTED_LOW",
        "全年预计执行数85.00万元，为预算数100.00万元的85.0%，低于90.0%",
    ),
    ("no budget", lambda: run_funds(8, "0"), "NO_BUDGET", "项目设有绩效指标，但预算数为0或未填写"),
    (
        "projected miss <=",
        lambda: run_indicator(num("<=", "cumulative", "20", "10", "20.5", unit="万元")),
        "IND_PROJECTED_MISS",
        "全年预计完成值20.5万元超出年度指标值≤20万元",
    ),
    (
        "projected miss = percent",
        lambda: run_indicator(pct("=", "level", "100", "100", "99.5")),
        "IND_PROJECTED_MISS",
        "全年预计完成值99.5%不符合年度指标值=100%",
    ),
    (
        "projected miss date",
        lambda: run_indicator(day("<=", "11-30", projected="12-01")),
        "IND_PROJECTED_MISS",
        "预计完成日期2026-12-01晚于年度指标值≤2026-11-30",
    ),
    (
        "indicator lag",
        lambda: run_indicator(num(">=", target="300", actual="140")),
        "IND_LAG",
        "完成进度46.7%，低于时间进度66.7%，相差20.0个百分点",
    ),
    (
        "shortfall",
        lambda: run_indicator(pct(">=", "level", "95.0000", "85.5000")),
        "IND_SHORTFALL",
        "实际完成值85.5%低于年度指标值≥95%，差距10.0%",
    ),
    (
        "excess",
        lambda: run_indicator(pct("<=", "level", "5", "5.5")),
        "IND_EXCESS",
        "实际完成值5.5%超出年度指标值≤5%，超出10.0%",
    ),
    (
        "level mismatch",
        lambda: run_indicator(pct("=", "level", "100", "99.99")),
        "IND_LEVEL_MISMATCH",
        "实际完成值99.99%不符合年度指标值=100%",
    ),
    (
        "date overdue",
        lambda: run_indicator(day("<=", "08-30")),
        "IND_DATE_OVERDUE",
        "已过年度指标值≤2026-08-30，截至2026-08-31仍未完成",
    ),
    ("no actual", lambda: run_indicator(num(">="), 6), "IND_NO_ACTUAL", "未填写1—6月实际完成值"),
    (
        "over target",
        lambda: run_indicator(num(">=", target="500", actual="400")),
        "IND_OVER_TARGET",
        "实际完成值400人为按时间进度应完成值的120.0%，大幅超前，年度指标值可能设定偏低",
    ),
    (
        "impossible",
        lambda: run_indicator(qual("", "impossible")),
        "IND_IMPOSSIBLE",
        "完成目标可能性为“完全不可能”",
    ),
    ("possible", lambda: run_indicator(qual("", "possible")), "IND_POSSIBLE", "完成目标可能性为“有可能”"),
    (
        "partly met",
        lambda: run_indicator(qual("partly_met")),
        "IND_QUAL_PARTLY",
        "自评为“部分达成目标并具有一定效果”",
    ),
    ("not met", lambda: run_indicator(qual("not_met")), "IND_QUAL_NOT_MET", "自评为“未达成目标且效果较差”"),
    (
        "mismatch",
        lambda: consistency_warnings([quantity("90")], funds("1000000", "400000"), thresholds=DEFAULTS),
        "OUTPUT_SPEND_MISMATCH",
        "数量指标平均完成进度90.0%与预算执行率40.0%相差50.0个百分点，投入与产出不匹配",
    ),
]


@pytest.mark.parametrize(
    ("produce", "code", "message"), [pytest.param(*row[1:], id=row[0]) for row in MESSAGE_CASES]
)
def test_messages(produce, code, message):
    by_code = {w.code: w for w in produce()}
    assert by_code[code].message == message
    assert len(message) <= 300  # ReportWarning.message max_length


def test_every_rule_code_has_a_label_and_json_ready_figures():
    """One project triggering every rule: all codes known, all figures str and JSON-serialisable."""
    indicators = [
        num(">=", target="300", actual="140", projected="200", likelihood="impossible"),
        num(">=", target="500", actual="400", likelihood="possible"),
        pct(">=", "level", "95", "85.5"),
        pct("<=", "level", "5", "5.5"),
        pct("=", "level", "100", "99"),
        num(">=", target="500"),
        day("<=", "08-30"),
        qual("partly_met"),
        qual("not_met"),
        quantity("100"),
    ]
    warnings = project_warnings(
        funds("1000000", "0", "0"), indicators, year=YEAR, period_end_month=8, thresholds=DEFAULTS
    )
    warnings += run_funds(8, None, "5")
    warnings += run_funds(8, "100", "200")
    warnings += consistency_warnings([quantity("100")], funds("1000000", "0"), thresholds=DEFAULTS)
    assert {w.code for w in warnings} == set(rules.RULE_LABELS)
    for warning in warnings:
        assert warning.level in (RED, YELLOW, BLUE)
        assert all(isinstance(value, str) for value in warning.figures.values()), warning
        json.dumps(warning.figures)
        json.dumps(warning.as_dict())


def test_rules_module_is_pure():
    """No Django (ORM, translation, HTTP) in the rules: only the standard library."""
    tree = ast.parse(Path(rules.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported <= {
        "calendar",
        "collections",
        "dataclasses",
        "datetime",
        "decimal",
        "fractions",
        "functools",
    }


# --- the figures types ----------------------------------------------------------------------------


def test_figures_are_immutable_keyword_built_with_defaults():
    indicator = IndicatorFigures(
        key=1, name="x", category="quantity", comparator=">=", value_type="number", progress_type="level"
    )
    assert (indicator.target_number, indicator.target_date, indicator.actual_number) == (None, None, None)
    assert (indicator.actual_date, indicator.projected_number, indicator.projected_date) == (None, None, None)
    assert (indicator.likelihood, indicator.self_assessment, indicator.unit) == ("", "", "")
    with pytest.raises(AttributeError):
        indicator.actual_number = D("1")
    with pytest.raises(TypeError):
        IndicatorFigures(key=1, name="x")  # the six leading fields are required
    money = FundsFigures(budget=D("1"), paid=D("0"), projected=None)
    assert (money.budget, money.paid, money.projected) == (D("1"), D("0"), None)
    with pytest.raises(AttributeError):
        money.paid = D("2")
    with pytest.raises(TypeError):
        FundsFigures(budget=D("1"), paid=D("0"))  # no defaults


def test_warning_hash_ignores_figures():
    first = rules.Warning("EXEC_LAG", RED, "m", None, None, {"gap": "0.2"})
    second = rules.Warning("EXEC_LAG", RED, "m", None, None, {"gap": "0.3"})
    assert hash(first) == hash(second) and first != second
    assert first.as_dict() == {
        "code": "EXEC_LAG",
        "level": RED,
        "message": "m",
        "indicator_key": None,
        "indicator_name": None,
        "figures": {"gap": "0.2"},
    }


def test_thresholds_compare_by_their_fractions_only():
    same = Thresholds(**{name: getattr(DEFAULTS, name) for name in THRESHOLD_NAMES})
    assert same == DEFAULTS and hash(same) == hash(DEFAULTS) and repr(same) == repr(DEFAULTS)
    stricter = dataclasses.replace(DEFAULTS, exec_lag_red=Fraction(3, 10))
    assert stricter != DEFAULTS
    assert pairs(run_funds(8, "3000000", "1400000", thresholds=stricter)) == [LAG_YELLOW]
    assert pairs(run_funds(8, "3000000", "1100000", thresholds=stricter)) == [LAG_RED]


def test_thresholds_of_other_number_types():
    """Thresholds given as Decimal or int (not only Fraction) are read exactly."""
    thresholds = Thresholds(exec_lag_red=D("0.2"), exec_lag_yellow=D("0.1"), over_target_note=1)
    assert pairs(run_funds(8, "3000000", "1400000", thresholds=thresholds)) == [LAG_RED]
    assert pairs(run_funds(8, "3000000", "1400000.01", thresholds=thresholds)) == [LAG_YELLOW]
    assert pairs(run_indicator(num(">=", target="300", actual="200"), thresholds=thresholds)) == [OVER_TARGET]
    assert pairs(run_indicator(num(">=", target="300", actual="199.99"), thresholds=thresholds)) == []


def test_period_end_month_is_checked_where_time_progress_is_needed():
    with pytest.raises(ValueError, match="1–12"):
        run_funds(13, "1000000", "0")
    lagging = num(">=", target="300", actual="140")
    with pytest.raises(ValueError, match="1–12"):
        indicator_warnings(lagging, period_end=period_end(12), period_end_month=0, thresholds=DEFAULTS)
    not_met = indicator_warnings(
        qual("not_met"), period_end=period_end(12), period_end_month=13, thresholds=DEFAULTS
    )
    assert pairs(not_met) == [I_RED["IND_QUAL_NOT_MET"]]  # no TP needed


def test_other_number_types_are_read_exactly():
    """An int projected total (0 + 0 from a form) or a str value reads as the same number."""
    warnings = funds_warnings(
        FundsFigures(budget=D("1000000"), paid=D("700000"), projected=0),
        has_indicators=True,
        period_end_month=8,
        thresholds=DEFAULTS,
    )
    assert [(w.code, w.figures["projected"], w.figures["projected_rate"]) for w in warnings] == [
        ("EXEC_PROJECTED_LOW", "0", "0")
    ]
    indicator = IndicatorFigures(
        key=1,
        name="x",
        category="quantity",
        comparator=">=",
        value_type="number",
        progress_type="cumulative",
        target_number=300,
        actual_number="140",
    )
    assert pairs(run_indicator(indicator)) == [I_RED["IND_LAG"]]


# --- randomized equivalence with a plain Fraction reference --------------------------------------
#
# The rules compute with integer cross-multiplication; the reference below does what warnings.md says
# with `Fraction`s, straightforwardly, and formats figures and messages on its own. Thousands of random
# cases, steered onto the thresholds (exactly on them and one cent or 0.0001 either side), must give
# identical warnings: codes, levels, messages, keys, names and figures.

THRESHOLD_NAMES = (
    "exec_lag_red",
    "exec_lag_yellow",
    "exec_zero_min_progress",
    "projected_low",
    "indicator_lag_red",
    "indicator_lag_yellow",
    "shortfall_red",
    "excess_red",
    "over_target_note",
    "output_spend_mismatch",
    "output_ratio_cap",
)
_REF_CTX = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_UP)


def _ref_fraction(value):
    if isinstance(value, (Fraction, int, Decimal)):
        return Fraction(value)
    return Fraction(str(value))


def _ref_fig(value: Fraction) -> str:
    if value.denominator == 1:
        return str(Decimal(value.numerator))
    return str(_REF_CTX.divide(Decimal(value.numerator), Decimal(value.denominator)))


def _ref_pp(ratio: Fraction) -> str:
    """A fraction of 1 in percent (points), rounded half-up (away from zero) to one decimal."""
    tenths = abs(ratio) * 1000
    whole = int(tenths)
    if tenths - whole >= Fraction(1, 2):
        whole += 1
    sign = "-" if ratio < 0 and whole else ""
    return f"{sign}{whole // 10}.{whole % 10}"


def _ref_pct(ratio: Fraction) -> str:
    return _ref_pp(ratio) + "%"


def _ref_wan(yuan) -> str:
    wan = _REF_CTX.scaleb(Decimal(yuan), -4).quantize(Decimal("0.01"), context=_REF_CTX)
    return f"{wan:,.2f}万元"


def _ref_value(indicator, number) -> str:
    text = f"{_REF_CTX.normalize(Decimal(number)):f}"
    unit = "%" if indicator.value_type == "percent" else indicator.unit
    return ("0" if text == "-0" else text) + unit


def _ref_target(indicator) -> str:
    sign = {">=": "≥", "<=": "≤", "=": "="}.get(indicator.comparator, "")
    if indicator.value_type == "date":
        return sign + indicator.target_date.strftime("%Y-%m-%d")
    return sign + _ref_value(indicator, indicator.target_number)


def _ref_funds(money, has_indicators, m, t) -> list[tuple]:
    tp = Fraction(m, 12)
    paid_amount = Decimal(0) if money.paid is None else money.paid
    paid = _ref_fraction(paid_amount)
    out = []
    if money.budget is None or _ref_fraction(money.budget) <= 0:
        budget_figure = "" if money.budget is None else str(money.budget)
        if paid > 0:
            figures = {"budget": budget_figure, "paid": str(paid_amount)}
            out.append(("EXEC_OVER", RED, f"未安排预算，已支出{_ref_wan(paid_amount)}", None, None, figures))
        if has_indicators:
            message = "项目设有绩效指标，但预算数为0或未填写"
            out.append(("NO_BUDGET", YELLOW, message, None, None, {"budget": budget_figure}))
        return out
    budget = _ref_fraction(money.budget)
    money_figures = {"budget": str(money.budget), "paid": str(paid_amount)}
    er = paid / budget
    gap = tp - er
    if gap >= t.exec_lag_red or gap >= t.exec_lag_yellow:
        red = gap >= t.exec_lag_red
        message = f"预算执行率{_ref_pct(er)}，低于时间进度{_ref_pct(tp)}，相差{_ref_pp(gap)}个百分点"
        figures = {
            **money_figures,
            "execution_rate": _ref_fig(er),
            "time_progress": _ref_fig(tp),
            "gap": _ref_fig(gap),
            "threshold": _ref_fig(t.exec_lag_red if red else t.exec_lag_yellow),
        }
        out.append(("EXEC_LAG", RED if red else YELLOW, message, None, None, figures))
    if paid == 0 and tp >= t.exec_zero_min_progress:
        message = f"时间进度已达{_ref_pct(tp)}，预算执行数仍为0"
        figures = {
            **money_figures,
            "time_progress": _ref_fig(tp),
            "threshold": _ref_fig(t.exec_zero_min_progress),
        }
        out.append(("EXEC_ZERO", RED, message, None, None, figures))
    if paid > budget:
        message = f"执行数{_ref_wan(paid_amount)}，超过预算数{_ref_wan(money.budget)}"
        out.append(("EXEC_OVER", RED, message, None, None, {**money_figures, "execution_rate": _ref_fig(er)}))
    if money.projected is not None:
        rate = _ref_fraction(money.projected) / budget
        if rate < t.projected_low:
            message = (
                f"全年预计执行数{_ref_wan(money.projected)}，为预算数{_ref_wan(money.budget)}的"
                f"{_ref_pct(rate)}，低于{_ref_pct(t.projected_low)}"
            )
            figures = {
                "budget": str(money.budget),
                "projected": str(money.projected),
                "projected_rate": _ref_fig(rate),
                "threshold": _ref_fig(t.projected_low),
            }
            out.append(("EXEC_PROJECTED_LOW", YELLOW, message, None, None, figures))
    return out


def _ref_misses(comparator, projected, target) -> bool:
    return {">=": projected < target, "<=": projected > target, "=": projected != target}.get(
        comparator, False
    )


def _ref_indicator(ind, period_end_day, m, t) -> list[tuple]:
    out = []

    def warn(code, level, message, figures):
        out.append((code, level, message, ind.key, ind.name, figures))

    if ind.likelihood == "impossible":
        warn("IND_IMPOSSIBLE", RED, "完成目标可能性为“完全不可能”", {"likelihood": "impossible"})
    elif ind.likelihood == "possible":
        warn("IND_POSSIBLE", YELLOW, "完成目标可能性为“有可能”", {"likelihood": "possible"})
    comparator = ind.comparator
    if comparator == "qualitative" or ind.value_type == "text":
        if ind.self_assessment == "partly_met":
            message = "自评为“部分达成目标并具有一定效果”"
            warn("IND_QUAL_PARTLY", YELLOW, message, {"self_assessment": "partly_met"})
        elif ind.self_assessment == "not_met":
            warn("IND_QUAL_NOT_MET", RED, "自评为“未达成目标且效果较差”", {"self_assessment": "not_met"})
        return out
    if ind.value_type == "date":
        target = ind.target_date
        if target is None:
            return out
        deadline = comparator in ("<=", "=")
        if ind.projected_date is not None and (
            ind.projected_date > target if deadline else _ref_misses(comparator, ind.projected_date, target)
        ):
            verb = "晚于" if deadline else "早于"
            message = (
                f"预计完成日期{ind.projected_date.strftime('%Y-%m-%d')}{verb}年度指标值{_ref_target(ind)}"
            )
            figures = {"target": target.isoformat(), "projected": ind.projected_date.isoformat()}
            warn("IND_PROJECTED_MISS", RED, message, figures)
        if deadline and period_end_day > target and ind.actual_date is None:
            message = f"已过年度指标值{_ref_target(ind)}，截至{period_end_day.strftime('%Y-%m-%d')}仍未完成"
            warn(
                "IND_DATE_OVERDUE",
                RED,
                message,
                {"target": target.isoformat(), "period_end": period_end_day.isoformat()},
            )
        return out
    numeric = ind.value_type in ("number", "percent")

    def no_actual():
        target_figure = "" if ind.target_number is None else str(ind.target_number)
        warn("IND_NO_ACTUAL", YELLOW, f"未填写1—{m}月实际完成值", {"target": target_figure})

    if not numeric or ind.target_number is None or comparator not in (">=", "<=", "="):
        if numeric and ind.actual_number is None:
            no_actual()
        return out
    target = _ref_fraction(ind.target_number)
    if ind.projected_number is not None and _ref_misses(
        comparator, _ref_fraction(ind.projected_number), target
    ):
        verb = {">=": "未达到", "<=": "超出", "=": "不符合"}[comparator]
        message = f"全年预计完成值{_ref_value(ind, ind.projected_number)}{verb}年度指标值{_ref_target(ind)}"
        warn(
            "IND_PROJECTED_MISS",
            RED,
            message,
            {"target": str(ind.target_number), "projected": str(ind.projected_number)},
        )
    if ind.actual_number is None:
        no_actual()
        return out
    actual = _ref_fraction(ind.actual_number)
    tp = Fraction(m, 12)
    actual_text = _ref_value(ind, ind.actual_number)
    base = {"target": str(ind.target_number), "actual": str(ind.actual_number)}
    cumulative, level = ind.progress_type == "cumulative", ind.progress_type == "level"
    if cumulative and comparator in (">=", "=") and target > 0:
        completion = actual / target
        gap = tp - completion
        if gap >= t.indicator_lag_red or gap >= t.indicator_lag_yellow:
            red = gap >= t.indicator_lag_red
            message = (
                f"完成进度{_ref_pct(completion)}，低于时间进度{_ref_pct(tp)}，相差{_ref_pp(gap)}个百分点"
            )
            figures = {
                **base,
                "progress": _ref_fig(completion),
                "time_progress": _ref_fig(tp),
                "gap": _ref_fig(gap),
                "threshold": _ref_fig(t.indicator_lag_red if red else t.indicator_lag_yellow),
            }
            warn("IND_LAG", RED if red else YELLOW, message, figures)
    if level and comparator == ">=" and target > 0 and actual < target:
        shortfall = (target - actual) / target
        message = f"实际完成值{actual_text}低于年度指标值{_ref_target(ind)}，差距{_ref_pct(shortfall)}"
        figures = {**base, "shortfall": _ref_fig(shortfall), "threshold": _ref_fig(t.shortfall_red)}
        warn("IND_SHORTFALL", RED if shortfall >= t.shortfall_red else YELLOW, message, figures)
    if (level or cumulative) and comparator == "<=" and target > 0 and actual > target:
        excess = (actual - target) / target
        message = f"实际完成值{actual_text}超出年度指标值{_ref_target(ind)}，超出{_ref_pct(excess)}"
        figures = {**base, "excess": _ref_fig(excess), "threshold": _ref_fig(t.excess_red)}
        warn("IND_EXCESS", RED if excess >= t.excess_red else YELLOW, message, figures)
    if level and comparator == "=" and actual != target:
        warn("IND_LEVEL_MISMATCH", YELLOW, f"实际完成值{actual_text}不符合年度指标值{_ref_target(ind)}", base)
    if cumulative and comparator == ">=" and target > 0 and actual / (target * tp) >= t.over_target_note:
        ratio = actual / (target * tp)
        message = (
            f"实际完成值{actual_text}为按时间进度应完成值的{_ref_pct(ratio)}，"
            "大幅超前，年度指标值可能设定偏低"
        )
        figures = {
            **base,
            "time_progress": _ref_fig(tp),
            "ratio": _ref_fig(ratio),
            "threshold": _ref_fig(t.over_target_note),
        }
        warn("IND_OVER_TARGET", BLUE, message, figures)
    return out


def _ref_output_ratios(indicators, cap) -> list[Fraction]:
    ratios = []
    for ind in indicators:
        if (
            ind.category == "quantity"
            and ind.progress_type == "cumulative"
            and ind.comparator in (">=", "=")
            and ind.value_type in ("number", "percent")
            and ind.actual_number is not None
            and ind.target_number is not None
            and _ref_fraction(ind.target_number) > 0
        ):
            ratios.append(min(_ref_fraction(ind.actual_number) / _ref_fraction(ind.target_number), cap))
    return ratios


def _ref_consistency(indicators, money, t) -> list[tuple]:
    if money.budget is None or _ref_fraction(money.budget) <= 0:
        return []
    ratios = _ref_output_ratios(indicators, t.output_ratio_cap)
    if not ratios:
        return []
    mean = sum(ratios) / len(ratios)
    er = (0 if money.paid is None else _ref_fraction(money.paid)) / _ref_fraction(money.budget)
    difference = abs(mean - er)
    if difference < t.output_spend_mismatch:
        return []
    message = (
        f"数量指标平均完成进度{_ref_pct(mean)}与预算执行率{_ref_pct(er)}相差{_ref_pp(difference)}个百分点，"
        "投入与产出不匹配"
    )
    figures = {
        "output_progress": _ref_fig(mean),
        "execution_rate": _ref_fig(er),
        "difference": _ref_fig(difference),
        "indicator_count": str(len(ratios)),
        "threshold": _ref_fig(t.output_spend_mismatch),
    }
    return [("OUTPUT_SPEND_MISMATCH", YELLOW, message, None, None, figures)]


def _tuples(warnings) -> list[tuple]:
    return [(w.code, w.level, w.message, w.indicator_key, w.indicator_name, w.figures) for w in warnings]


# Random cases. Values are steered onto a threshold: `_near` turns an exact Fraction into a number with
# `places` decimals, exactly when it has that many and otherwise just below or above, and then moves it
# by -1, 0 or +1 unit of the last place.


def _near(rng, value: Fraction, places: int) -> Decimal:
    scaled = value * 10**places
    units = scaled.numerator // scaled.denominator
    if scaled.denominator != 1 and rng.random() < 0.5:
        units += 1
    units += rng.choice((-1, 0, 0, 1))
    number = Decimal(units).scaleb(-places)
    return number if rng.random() < 0.9 else _REF_CTX.normalize(number)


def _random_thresholds(rng) -> Thresholds:
    if rng.random() < 0.4:
        return DEFAULTS
    values = {}
    for name in THRESHOLD_NAMES:
        default = getattr(DEFAULTS, name)
        choice = rng.random()
        if choice < 0.4:
            values[name] = default
        elif choice < 0.9:  # whole or half percentage points, as a cycle stores them (12.5 → 1/8)
            values[name] = Fraction(rng.randint(0, 400), 200)
        else:
            values[name] = Fraction(rng.randint(-5, 300), rng.choice((3, 7, 100, 10000)))
    return Thresholds(**values)


def _random_budget(rng):
    choice = rng.random()
    if choice < 0.04:
        return None
    if choice < 0.07:
        return Decimal("0.00")
    if choice < 0.08:
        return Decimal(-rng.randint(1, 10**6)).scaleb(-2)
    if choice < 0.1:
        return Decimal("0.01")
    if choice < 0.5:  # a multiple of 0.60 yuan: m/12, 1/5, 1/10 ... of it are whole cents
        return Decimal(60 * rng.randint(1, 10**8)).scaleb(-2)
    return Decimal(rng.randint(1, 10**11)).scaleb(-2)


def _random_funds(rng, m, t) -> FundsFigures:
    budget = _random_budget(rng)
    base = Fraction(60 * rng.randint(1, 10**8), 100) if budget is None else _ref_fraction(budget)
    tp = Fraction(m, 12)
    ratio = rng.choice(
        (
            tp - t.exec_lag_red,
            tp - t.exec_lag_yellow,
            tp,
            Fraction(0),
            Fraction(1),
            Fraction(rng.randint(0, 1500), 1000),
        )
    )
    paid = _near(rng, abs(base) * ratio, 2)
    if rng.random() < 0.03:
        paid = None
    elif rng.random() < 0.15:
        paid = Decimal("0.00")
    choice = rng.random()
    if choice < 0.3:
        projected = None
    elif choice < 0.35:
        projected = 0  # an int total from a form: (fiscal or 0) + (other or 0)
    else:
        ratio = rng.choice((t.projected_low, Fraction(rng.randint(0, 1500), 1000)))
        projected = _near(rng, abs(base) * ratio, 2)
    return FundsFigures(budget=budget, paid=paid, projected=projected)


def _random_date(rng, around: date):
    return around + timedelta(days=rng.randint(-45, 45))


def _random_indicator(rng, m, t, day_end, *, quantity_only=False) -> IndicatorFigures:
    comparator = rng.choice((">=", ">=", ">=", "<=", "<=", "=", "=", "qualitative", "?"))
    value_type = rng.choice(("number", "number", "number", "percent", "percent", "date", "text"))
    progress = rng.choice(("cumulative", "cumulative", "level", "level", ""))
    category = rng.choice(("quantity", "quantity", "quality", "timeliness", "cost", "social"))
    if quantity_only:
        comparator, value_type = rng.choice((">=", "=")), rng.choice(("number", "percent"))
        progress, category = "cumulative", "quantity"
    places = rng.choice((0, 0, 1, 2, 4))
    choice = rng.random()
    if choice < 0.05:
        target = None
    elif choice < 0.08:
        target = Decimal(0).scaleb(-places)
    elif choice < 0.1:
        target = Decimal(-rng.randint(1, 10**4)).scaleb(-places)
    elif choice < 0.6:  # a multiple of 60 units of the last place: easy exact boundaries
        target = Decimal(60 * rng.randint(1, 10**5)).scaleb(-places)
    else:
        target = Decimal(rng.randint(1, 10**9)).scaleb(-places)
    base = Fraction(rng.randint(1, 10**6)) if target is None else abs(_ref_fraction(target))
    tp = Fraction(m, 12)
    ratio = rng.choice(
        (
            tp - t.indicator_lag_red,
            tp - t.indicator_lag_yellow,
            t.over_target_note * tp,
            1 - t.shortfall_red,
            1 + t.excess_red,
            Fraction(1),
            t.output_ratio_cap,
            Fraction(rng.randint(0, 2500), 1000),
        )
    )
    actual_places = rng.choice((places, 2, 4))
    actual = None if rng.random() < 0.1 else _near(rng, base * ratio, actual_places)
    choice = rng.random()
    if choice < 0.4:
        projected = None
    elif choice < 0.8:
        projected = _near(rng, base, actual_places)
    else:
        projected = _near(rng, base * Fraction(rng.randint(0, 2000), 1000), actual_places)
    if rng.random() < 0.03 and actual is not None:
        actual = int(actual)  # another number type, read exactly as well
    target_date = None if rng.random() < 0.1 else _random_date(rng, day_end)
    return IndicatorFigures(
        key=rng.choice((rng.randint(1, 10**6), "k")),
        name=rng.choice(("培训人数", "满意度", "")),
        category=category,
        comparator=comparator,
        value_type=value_type,
        progress_type=progress,
        target_number=target,
        target_date=target_date,
        actual_number=actual,
        actual_date=None if rng.random() < 0.7 else _random_date(rng, day_end),
        projected_number=projected,
        projected_date=None if rng.random() < 0.4 else _random_date(rng, target_date or day_end),
        likelihood=rng.choice(("", "", "certain", "possible", "impossible")),
        self_assessment=rng.choice(("", "met", "partly_met", "not_met")),
        unit=rng.choice(("人", "元", "万元", "")),
    )


def _random_month(rng) -> tuple[int, int, date]:
    year, m = rng.choice((2024, 2025, 2026)), rng.randint(1, 12)
    return year, m, period_end(m, year)


def test_random_funds_match_reference():
    rng = random.Random(20260801)
    on_boundary = 0
    codes = set()
    for _ in range(4000):
        _, m, _ = _random_month(rng)
        t = _random_thresholds(rng)
        money = _random_funds(rng, m, t)
        has_indicators = rng.random() < 0.8
        expected = _ref_funds(money, has_indicators, m, t)
        got = funds_warnings(money, has_indicators=has_indicators, period_end_month=m, thresholds=t)
        assert _tuples(got) == expected, (money, m, t)
        assert execution_rate(money) == (
            None
            if money.budget is None or _ref_fraction(money.budget) <= 0
            else _ref_fraction(money.paid or 0) / _ref_fraction(money.budget)
        )
        codes.update(w[0] for w in expected)
        if expected and expected[0][0] == "EXEC_LAG":
            on_boundary += expected[0][5]["gap"] == expected[0][5]["threshold"]
    assert codes == {"EXEC_LAG", "EXEC_ZERO", "EXEC_OVER", "EXEC_PROJECTED_LOW", "NO_BUDGET"}
    assert on_boundary > 100  # many cases sit exactly on a threshold


def test_random_indicators_match_reference():
    rng = random.Random(20260802)
    codes = set()
    for _ in range(8000):
        _, m, day_end = _random_month(rng)
        t = _random_thresholds(rng)
        indicator = _random_indicator(rng, m, t, day_end)
        expected = _ref_indicator(indicator, day_end, m, t)
        got = indicator_warnings(indicator, period_end=day_end, period_end_month=m, thresholds=t)
        assert _tuples(got) == expected, (indicator, m, t)
        codes.update(w[0] for w in expected)
        progress = indicator_progress(indicator, period_end_month=m)
        if progress is not None:
            assert progress == _ref_fraction(indicator.actual_number) / _ref_fraction(indicator.target_number)
    assert codes == {code for code in rules.RULE_LABELS if code.startswith("IND_")}


def test_random_consistency_and_projects_match_reference():
    rng = random.Random(20260803)
    fired = 0
    for _ in range(2500):
        year, m, day_end = _random_month(rng)
        t = _random_thresholds(rng)
        indicators = [
            _random_indicator(rng, m, t, day_end, quantity_only=rng.random() < 0.7)
            for _ in range(rng.choice((0, 1, 1, 2, 3, 5)))
        ]
        money = _random_funds(rng, m, t)
        ratios = _ref_output_ratios(indicators, t.output_ratio_cap)
        if ratios and money.budget is not None and _ref_fraction(money.budget) > 0 and rng.random() < 0.8:
            # steer ER onto Cq ± the mismatch threshold
            mean = sum(ratios) / len(ratios)
            er = mean + rng.choice((1, -1)) * t.output_spend_mismatch
            paid = _near(rng, _ref_fraction(money.budget) * er, 2)
            money = FundsFigures(budget=money.budget, paid=paid, projected=money.projected)
        expected = _ref_consistency(indicators, money, t)
        assert _tuples(consistency_warnings(indicators, money, thresholds=t)) == expected, (
            indicators,
            money,
            t,
        )
        fired += bool(expected)
        whole = _ref_funds(money, bool(indicators), m, t)
        for indicator in indicators:
            whole += _ref_indicator(indicator, day_end, m, t)
        whole += expected
        got = project_warnings(money, iter(indicators), year=year, period_end_month=m, thresholds=t)
        assert _tuples(got) == whole
    assert fired > 200
