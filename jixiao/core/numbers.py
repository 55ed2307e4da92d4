"""Lenient reading of numbers and dates as people write them in forms and spreadsheets (forms.md).

Accepts `1,234.56`, full-width digits `１２３４`, `85%`, `≥95%`, `—`/`-`/`/` or blank for "none", and dates as
`2026-11-30`, `2026/11/30`, `2026.11.30` or `2026年11月30日`.
"""

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

NONE_MARKS = {"", "—", "–", "-", "/", "无", "——", "--"}
_COMPARATOR_PREFIX = re.compile(r"^(≥|≤|>=|<=|=|＝|>|<)\s*")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


class NotANumber(ValueError):
    pass


def normalise_text(value: str) -> str:
    """Full-width characters to their ASCII forms, surrounding spaces removed."""
    return unicodedata.normalize("NFKC", value).strip()


def parse_number(value, *, percent: bool = False) -> Decimal | None:
    """A Decimal, or None for a blank or a "none" mark; NotANumber for anything else.

    With `percent`, "85%" and 85 both give 85 (percentage points).
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise NotANumber(value)
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = normalise_text(str(value))
    if text in NONE_MARKS:
        return None
    text = _COMPARATOR_PREFIX.sub("", text).replace(",", "").replace(" ", "")
    has_percent = text.endswith("%")
    if has_percent:
        text = text[:-1]
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise NotANumber(value) from exc
    if not number.is_finite():
        raise NotANumber(value)
    if has_percent and not percent:
        return number / 100
    return number


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
