import datetime

from django import forms
from openpyxl import Workbook

from jixiao.core.fields import IsoDateInput, LenientDateField
from jixiao.core.xlsx import put_value


def test_text_that_looks_like_a_formula_stays_text():
    sheet = Workbook().active
    for column, text in enumerate(["=100%", '=HYPERLINK("http://x")', "+1", "-1", "@SUM(A1)"], start=1):
        cell = put_value(sheet.cell(row=1, column=column), text)
        assert cell.data_type == "s"
        assert cell.value == text


def test_numbers_and_dates_keep_their_types():
    sheet = Workbook().active
    assert put_value(sheet["A1"], 12.5).data_type == "n"
    assert put_value(sheet["A2"], datetime.date(2026, 11, 30)).data_type == "d"
    assert put_value(sheet["A3"], None).value is None


class _DatesForm(forms.Form):
    lenient = LenientDateField(required=False)
    plain = forms.DateField(required=False)
    widget = forms.DateField(required=False, widget=IsoDateInput)


def test_every_date_input_renders_iso_in_the_chinese_locale():
    day = datetime.date(2026, 12, 20)
    html = str(_DatesForm(initial={"lenient": day, "plain": day, "widget": day}))
    assert "2026/12/20" not in html
    assert html.count('value="2026-12-20"') == 3
    assert html.count('type="date"') == 2
