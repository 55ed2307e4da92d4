"""Lenient reading of numbers and dates as people write them in forms and spreadsheets (forms.md).

Accepts `1,234.56`, full-width digits `１２３４`, `85%` (in a percent field), `≥95%`, `—`/`-`/`/` or blank
for "none", and dates as `2026-11-30`, `2026/11/30`, `2026.11.30` or `2026年11月30日`. Refuses what cannot
be meant: `1,2.3` (a misplaced thousands separator), `85%` where no percentage is asked for, and numbers
larger than the field can hold. The size is checked before any arithmetic, so no input can overflow.
"""

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

NONE_MARKS = {"", "—", "–", "-", "/", "无", "——", "--"}
_COMPARATOR_PREFIX = re.compile(r"^(≥|≤|>=|<=|=|＝|>|<)\s*")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$", re.ASCII)
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,6})?$", re.ASCII)
# Thousands separators (`,` or a space) only between groups of three digits of the integer part.
_GROUPED_NUMBER = re.compile(r"^[+-]?\d{1,3}([, ]\d{3})+(\.\d*)?$", re.ASCII)
_SHOWN_LENGTH = 30


class NotANumber(ValueError):
    """A value that is not a number or date; `reason` (Chinese) says why, for the person who typed it."""

    def __init__(self, value, reason: str = ""):
        super().__init__(value)
        self.value = value
        self.reason = reason


def shown(value) -> str:
    """A typed value as quoted back in a message: no longer than a cell's worth of text."""
    text = str(value)
    return text if len(text) <= _SHOWN_LENGTH else text[:_SHOWN_LENGTH] + "…"


def plain_number(number: Decimal) -> str:
    """A Decimal as written, without trailing zeros or an exponent: 97.0000 → "97", 1E+2 → "100"."""
    return f"{number.normalize():f}" if number else "0"


def normalise_text(value: str) -> str:
    """Full-width characters to their ASCII forms, surrounding spaces removed."""
    return unicodedata.normalize("NFKC", value).strip()


def parse_number(value, *, percent: bool = False, integer_digits: int | None = None) -> Decimal | None:
    """A Decimal, or None for a blank or a "none" mark; NotANumber for anything else.

    With `percent`, "85%" and 85 both give 85 (percentage points); without it a `%` is refused, since
    "85%" in a count or an amount would silently become 0.85. `integer_digits` bounds the size.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotANumber(value)
    if isinstance(value, int | float | Decimal):
        number = Decimal(str(value))
    else:
        number = _parse_text(value, percent=percent)
        if number is None:
            return None
    if not number.is_finite():
        raise NotANumber(value)
    if integer_digits is not None and number and number.adjusted() >= integer_digits:
        raise NotANumber(value, f"数值过大，整数部分最多 {integer_digits} 位")
    return number


def _parse_text(value, *, percent: bool) -> Decimal | None:
    text = normalise_text(str(value))
    if text in NONE_MARKS:
        return None
    text = _COMPARATOR_PREFIX.sub("", text)
    if text.endswith("%"):
        if not percent:
            raise NotANumber(value, "此栏不是百分比，请直接填写数值（不带 %）")
        text = text[:-1].rstrip()
    if _GROUPED_NUMBER.match(text):
        text = text.replace(",", "").replace(" ", "")
    elif "," in text or " " in text:
        raise NotANumber(value, "千分位逗号的位置不对（应为 1,234.5 这样每三位一个），请检查后重新填写")
    if not _PLAIN_NUMBER.match(text):
        raise NotANumber(value)
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise NotANumber(value) from exc


def parse_date(value) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = normalise_text(str(value))
    if text in NONE_MARKS:
        return None
    match = _DATE.match(text)
    if not match:
        raise NotANumber(value)
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError as exc:
        raise NotANumber(value) from exc
