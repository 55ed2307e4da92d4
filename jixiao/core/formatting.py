"""Display rules of warnings.md: money in 万元 with 2 decimals, percentages with 1, both rounded half-up.

Plain functions, for pages (through the `jixiao` template filters), documents and plans alike.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.utils import timezone

TEN_THOUSAND = Decimal(10000)


def _grouped(value: Decimal, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    return f"{value.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"


def wan(yuan) -> str:
    """Yuan → 万元, e.g. 1234567.8 → "123.46"."""
    if yuan is None or yuan == "":
        return "—"
    return _grouped(Decimal(yuan) / TEN_THOUSAND, 2)


def wan_number(yuan: Decimal | None) -> float | None:
    """Yuan → 万元 as the number an exported cell holds (formatted there by FMT_WAN)."""
    if yuan is None:
        return None
    return float(Decimal(yuan) / TEN_THOUSAND)


def pct(fraction) -> str:
    """A fraction → percent with one decimal, e.g. Decimal("0.6667") → "66.7%"."""
    if fraction is None or fraction == "":
        return "—"
    if isinstance(fraction, Fraction):
        fraction = Decimal(fraction.numerator) / Decimal(fraction.denominator)
    return f"{_grouped(Decimal(fraction) * 100, 1)}%"


def ratio(numerator, denominator) -> Decimal | None:
    """numerator / denominator, None when there is nothing to divide by."""
    if not denominator:
        return None
    return Decimal(numerator or 0) / Decimal(denominator)


def days_left(due: date | None) -> int | None:
    """Days from today to `due` (negative once it has passed)."""
    if due is None:
        return None
    return (due - timezone.localdate()).days
