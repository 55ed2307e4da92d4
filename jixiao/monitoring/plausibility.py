"""Which typed values cannot be meant (refused) and which are odd but possible (kept, with a note).

Pure functions of the figures, used by the web form, the live preview and the workbook import alike
(through ReportForm and EntryForm), so one value gets the same answer on every path.
"""

import calendar
from datetime import date
from decimal import Decimal

from jixiao.monitoring.rules import IndicatorFigures

DATE_WINDOW_YEARS = 5
SHARE_MAXIMUM = Decimal(100)
FAR_ABOVE_TARGET = 10
NUMBER_FIELDS = (("actual_number", "实际完成值"), ("projected_number", "全年预计完成值"))
DATE_FIELDS = (("actual_date", "实际完成日期"), ("projected_date", "预计完成日期"))


def date_refusal(value: date | None, *, year: int) -> str | None:
    """A date far from the monitored year (1900-01-01, 2062 for 2026) is a slip of the keyboard."""
    if value is None or abs(value.year - year) <= DATE_WINDOW_YEARS:
        return None
    return f"日期 {value:%Y-%m-%d} 与监控年度（{year}年）相差超过 {DATE_WINDOW_YEARS} 年，请检查年份。"


def is_share(indicator: IndicatorFigures) -> bool:
    """A rate that holds now (合格率, 满意度: a `level` percent with a target of at most 100%)."""
    return (
        indicator.value_type == "percent"
        and indicator.progress_type == "level"
        and (indicator.target_number is None or indicator.target_number <= SHARE_MAXIMUM)
    )


def entry_refusals(indicator: IndicatorFigures, *, year: int) -> dict[str, str]:
    """Field name → why the value cannot be meant: a negative count or rate, a share over 100%, a far date."""
    refusals = {}
    for name, label in NUMBER_FIELDS:
        value = getattr(indicator, name)
        if value is None:
            continue
        if value < 0:
            refusals[name] = f"{label}不能为负数。"
        elif is_share(indicator) and value > SHARE_MAXIMUM:
            refusals[name] = f"“{indicator.name}”是比率，{label}不能超过 100%。"
    for name, _label in DATE_FIELDS:
        reason = date_refusal(getattr(indicator, name), year=year)
        if reason:
            refusals[name] = reason
    return refusals


def entry_notes(indicator: IndicatorFigures, *, year: int, period_end_month: int) -> list[str]:
    """Odd but possible values, kept as they are and shown beside the row so the person can check them."""
    notes = []
    actual, projected, target = indicator.actual_number, indicator.projected_number, indicator.target_number
    cumulative = indicator.progress_type == "cumulative"
    if cumulative and actual is not None and projected is not None and 0 <= projected < actual:
        notes.append(f"全年预计完成值小于 1—{period_end_month} 月实际完成值，请确认。")
    if cumulative and actual is not None and target and target > 0 and actual >= FAR_ABOVE_TARGET * target:
        notes.append(f"实际完成值达到年度指标值的 {FAR_ABOVE_TARGET} 倍以上，请确认计量单位。")
    if indicator.actual_date is not None:
        if indicator.actual_date > date(
            year, period_end_month, calendar.monthrange(year, period_end_month)[1]
        ):
            notes.append("实际完成日期晚于本期监控截止日，请确认。")
        elif indicator.actual_date.year < year:
            notes.append(f"实际完成日期早于{year}年，请确认。")
    return notes
