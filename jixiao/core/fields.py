"""Form fields that read numbers and dates the way people type them (see jixiao.core.numbers)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from jixiao.core.numbers import NotANumber, parse_date, parse_number

TEN_THOUSAND = Decimal(10000)


class LenientDecimalField(forms.DecimalField):
    widget = forms.TextInput

    def __init__(self, *, percent: bool = False, **kwargs):
        self.percent = percent
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 4)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        try:
            number = parse_number(value, percent=self.percent)
        except NotANumber as exc:
            raise forms.ValidationError(_("“%(value)s”不是有效的数字。"), params={"value": value}) from exc
        return number

    def validate(self, value):
        forms.Field.validate(self, value)


class WanField(LenientDecimalField):
    """Money typed in 万元 (as on the paper form), cleaned to yuan."""

    def __init__(self, **kwargs):
        kwargs.setdefault("decimal_places", 6)
        super().__init__(**kwargs)

    def to_python(self, value):
        number = super().to_python(value)
        return None if number is None else (number * TEN_THOUSAND).quantize(Decimal("0.01"))

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{(value / TEN_THOUSAND).normalize():f}"
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
                _("“%(value)s”不是有效的日期，请按 2026-11-30 填写。"), params={"value": value}
            ) from exc
