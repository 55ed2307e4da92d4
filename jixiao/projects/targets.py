"""Targets as people write them (`≥500人`, `≤20万元`, `=100%`, `≤2026-11-30`, or text), read by the
target loader and the goal adjustment form alike, and what changed between two versions of a goal."""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from jixiao.projects.models import Comparator, Indicator, TargetVersion, ValueType


class TargetTextError(ValueError):
    """A target that cannot be read; the message says why, in Chinese."""


_COMPARATORS = [
    (("≥", ">=", "≧", "不低于", "不少于", "大于等于", "不小于"), Comparator.AT_LEAST),
    (("≤", "<=", "≦", "不高于", "不超过", "不多于", "小于等于", "不大于"), Comparator.AT_MOST),
    (("=", "＝", "等于"), Comparator.EQUAL),
]
_NUMBER = re.compile(r"^([0-9][0-9,]*(?:\.[0-9]+)?)\s*(.*)$")
_BARE_NUMBER = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?\s*%?")
_DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def parse_target(text: str) -> dict:
    """A target as the target tables write it (`≥500人`, `≤20万元`, `=100%`, `≤2026-11-30`, or text)."""
    text = text.strip()
    if text.startswith("定性"):
        return {
            "comparator": Comparator.QUALITATIVE,
            "value_type": ValueType.TEXT,
            "target_text": text.removeprefix("定性").lstrip("：: ") or text,
        }
    for signs, comparator in _COMPARATORS:
        sign = next((s for s in signs if text.startswith(s)), None)
        if sign is None:
            continue
        rest = text[len(sign) :].strip()
        date_match = _DATE_TEXT.match(rest)
        if date_match:
            try:
                return {
                    "comparator": comparator,
                    "value_type": ValueType.DATE,
                    "target_date": date(*map(int, date_match.groups())),
                }
            except ValueError as exc:
                raise TargetTextError(f"“{rest}”不是有效日期。") from exc
        number_match = _NUMBER.match(rest)
        if not number_match:
            raise TargetTextError(f"“{text}”的比较符号后应为数值或日期。")
        try:
            number = Decimal(number_match.group(1).replace(",", ""))
        except InvalidOperation as exc:
            raise TargetTextError(f"“{text}”的数值无法识别。") from exc
        unit = number_match.group(2).strip()
        if unit == "%":
            return {
                "comparator": comparator,
                "value_type": ValueType.PERCENT,
                "target_number": number,
                "unit": "%",
            }
        return {
            "comparator": comparator,
            "value_type": ValueType.NUMBER,
            "target_number": number,
            "unit": unit,
        }
    if _BARE_NUMBER.fullmatch(text):
        raise TargetTextError(
            f"“{text}”缺少比较符号，请写作如“≥500人”“≤20万元”“=100%”（在 Excel 中以“=”开头时请先输入英文单引号）。"
        )
    return {"comparator": Comparator.QUALITATIVE, "value_type": ValueType.TEXT, "target_text": text}


def version_changes(previous: TargetVersion | None, version: TargetVersion) -> list[str]:
    """What a version changed against the one before it, one line per change, in form order
    (indicators are matched by 三级指标 name; both versions' indicators are read as prefetched)."""
    if previous is None:
        return []
    lines = []
    if previous.annual_goal != version.annual_goal:
        lines.append("年度总体目标已修改")
    before: dict[str, Indicator] = {i.name: i for i in previous.indicators.all()}
    after: dict[str, Indicator] = {i.name: i for i in version.indicators.all()}
    for name, indicator in after.items():
        old = before.get(name)
        if old is None:
            lines.append(f"新增指标“{name}”：{indicator.target_display}")
        elif old.target_display != indicator.target_display:
            lines.append(f"{name}：{old.target_display} → {indicator.target_display}")
        elif old.progress_type != indicator.progress_type:
            lines.append(
                f"{name}：{old.get_progress_type_display()} → {indicator.get_progress_type_display()}"
            )
    lines += [f"删除指标“{name}”" for name in before if name not in after]
    return lines
