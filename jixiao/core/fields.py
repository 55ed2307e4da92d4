"""Form fields that read numbers and dates the way people type them (see jixiao.core.numbers)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.core.formatting import TEN_THOUSAND
from jixiao.core.numbers import NotANumber, parse_date, parse_number, plain_number, shown

WAN_DIGITS = 4  # 1 万元 = 10^4 元


def _invalid(exc: NotANumber, what: str) -> forms.ValidationError:
    reason = f"：{exc.reason}" if exc.reason else ""
    return forms.ValidationError(
        _("“%(value)s”不是有效的%(what)s%(reason)s。"),
        params={"value": shown(exc.value), "what": what, "reason": reason},
    )


class LenientDecimalField(forms.DecimalField):
    """A number as people type it, bounded by `max_digits`/`decimal_places` (those of the model field)."""

    widget = forms.TextInput
    what = _("数字")

    def __init__(self, *, percent: bool = False, **kwargs):
        self.percent = percent
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 4)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    @property
    def integer_digits(self) -> int:
        return self.max_digits - self.decimal_places

    def to_python(self, value):
        try:
            return parse_number(value, percent=self.percent, integer_digits=self.integer_digits)
        except NotANumber as exc:
            raise _invalid(exc, self.what) from exc

    def validate(self, value):
        forms.Field.validate(self, value)

    def prepare_value(self, value):
        """A stored number as written: 97, not 97.0000."""
        if isinstance(value, Decimal):
            return plain_number(value)
        return value


class WanField(LenientDecimalField):
    """Money typed in 万元 (as on the paper form), cleaned to yuan.

    `max_digits`/`decimal_places` are those of the yuan model field; the size is checked in 万元 before
    the value is multiplied, so no input can overflow.
    """

    what = _("金额（万元）")

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    @property
    def integer_digits(self) -> int:
        return self.max_digits - self.decimal_places - WAN_DIGITS

    def to_python(self, value):
        number = super().to_python(value)
        return None if number is None else (number * TEN_THOUSAND).quantize(Decimal("0.01"))

    def prepare_value(self, value):
        """Stored yuan shown in 万元 with at least two decimals (7.80), more only when they count."""
        if isinstance(value, Decimal):
            wan = value / TEN_THOUSAND
            cents = wan.quantize(Decimal("0.01"))
            return f"{cents:f}" if cents == wan else plain_number(wan)
        return value


class IsoDateInput(forms.DateInput):
    """A browser date picker; its value must be ``yyyy-mm-dd`` whatever the locale says."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class LenientDateField(forms.DateField):
    widget = IsoDateInput

    def to_python(self, value):
        try:
            return parse_date(value)
        except NotANumber as exc:
            raise forms.ValidationError(
                _("“%(value)s”不是有效的日期，请按 2026-11-30 填写。"), params={"value": shown(value)}
            ) from exc
