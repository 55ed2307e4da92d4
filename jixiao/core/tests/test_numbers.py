"""Numbers and dates as people type them: every input gives a value or a clean Chinese error."""

from datetime import date
from decimal import Decimal

import pytest
from django import forms
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.core.fields import LenientDateField, LenientDecimalField, WanField
from jixiao.core.numbers import NotANumber, parse_date, parse_number
from jixiao.monitoring.forms import EntryForm, ReportForm
from jixiao.monitoring.models import AnalysisReport, IndicatorEntry

# Text that looks like what people type into number cells, plus anything at all.
_numberish = st.text(alphabet="0123456789,.%eE+- ＋－，。１２３４５６７８９０≥≤=_", max_size=40)
_any_text = st.one_of(
    _numberish, st.text(max_size=60), st.from_regex(r"[0-9]{1,40}(e[0-9]{1,9})?", fullmatch=True)
)
_datish = st.one_of(
    st.text(alphabet="0123456789-/.年月日 ", max_size=20),
    st.text(max_size=30),
    st.from_regex(r"[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}", fullmatch=True),
)


def _fields():
    report_field = AnalysisReport._meta.get_field("projected_fiscal")
    entry_field = IndicatorEntry._meta.get_field("actual_number")
    return [
        WanField(
            required=False, max_digits=report_field.max_digits, decimal_places=report_field.decimal_places
        ),
        LenientDecimalField(
            required=False, max_digits=entry_field.max_digits, decimal_places=entry_field.decimal_places
        ),
        LenientDecimalField(required=False, percent=True),
        LenientDateField(required=False),
    ]


@settings(max_examples=400, deadline=None)
@given(_any_text, st.booleans())
def test_any_text_is_a_number_or_not_a_number(text, percent):
    try:
        value = parse_number(text, percent=percent, integer_digits=14)
    except NotANumber:
        return
    assert value is None or (value.is_finite() and (not value or value.adjusted() < 14))


@settings(max_examples=300, deadline=None)
@given(_datish)
def test_any_text_is_a_date_or_not_a_date(text):
    try:
        value = parse_date(text)
    except NotANumber:
        return
    assert value is None or isinstance(value, date)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_any_text, _datish, st.floats(), st.integers(), st.decimals()))
def test_every_field_cleans_or_refuses_in_chinese(value):
    for field in _fields():
        try:
            cleaned = field.clean(value)
        except forms.ValidationError as exc:
            assert all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in exc.messages), exc.messages
            continue
        if isinstance(cleaned, Decimal):
            assert cleaned.is_finite()


@pytest.mark.parametrize("typed", ["1e30", "99999999999999999999999", "-1e30", "1e999999", "10000000000"])
def test_huge_amounts_are_refused_before_any_arithmetic(typed):
    field = ReportForm.base_fields["projected_fiscal"]
    with pytest.raises(forms.ValidationError) as refused:
        field.clean(typed)
    assert "数值过大" in refused.value.messages[0] and "10 位" in refused.value.messages[0]


def test_the_largest_amount_the_database_holds_is_accepted():
    model_field = AnalysisReport._meta.get_field("projected_fiscal")
    largest = ReportForm.base_fields["projected_fiscal"].clean("9999999999.999999")
    assert largest == Decimal("99999999999999.99")
    assert len(largest.as_tuple().digits) <= model_field.max_digits


@pytest.mark.parametrize(
    ("typed", "percent", "expected"),
    [
        ("1,234.5", False, Decimal("1234.5")),
        ("１２,３４５", False, Decimal("12345")),
        ("12 345", False, Decimal("12345")),
        ("≥95%", True, Decimal("95")),
        ("85%", True, Decimal("85")),
        ("85", True, Decimal("85")),
        ("—", False, None),
    ],
)
def test_what_people_write_is_read(typed, percent, expected):
    assert parse_number(typed, percent=percent) == expected


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("1,2.3", "千分位"),
        ("12,34", "千分位"),
        ("1 2", "千分位"),
        ("85%", "不是百分比"),
        ("1_000", ""),
        ("0x10", ""),
        ("Infinity", ""),
        ("NaN", ""),
    ],
)
def test_what_cannot_be_meant_is_refused(typed, reason):
    with pytest.raises(NotANumber) as refused:
        parse_number(typed)
    assert reason in refused.value.reason


def test_refusal_messages_quote_the_typed_text_briefly():
    field = LenientDecimalField(required=False)
    with pytest.raises(forms.ValidationError) as refused:
        field.clean("x" * 5000)
    assert len(refused.value.messages[0]) < 80


def test_stored_numbers_show_as_written(district):
    fiscal = ReportForm.base_fields["projected_fiscal"]
    assert fiscal.prepare_value(Decimal("78000.00")) == "7.80"
    assert fiscal.prepare_value(Decimal("78012.34")) == "7.801234"
    assert fiscal.prepare_value(Decimal("1000000.00")) == "100.00"
    indicator = district.project_s1.current_target.indicators.get(name="培训人数")
    form = EntryForm(indicator=indicator, entry=None, cycle=district.cycle)
    assert form.fields["actual_number"].prepare_value(Decimal("97.0000")) == "97"
    assert form.fields["actual_number"].prepare_value(Decimal("100.0000")) == "100"
    assert form.fields["actual_number"].prepare_value(Decimal("0.5000")) == "0.5"
