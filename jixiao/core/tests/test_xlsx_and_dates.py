import datetime
import io

from django import forms
from openpyxl import Workbook, load_workbook

from jixiao.core.fields import IsoDateInput, LenientDateField
from jixiao.core.xlsx import (
    BORDER,
    FMT_WAN,
    FONT,
    FONT_BOLD,
    RIGHT,
    WRAP,
    FormSheet,
    SharedStyles,
    put_value,
    workbook_bytes,
)


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


def _styled(cell) -> tuple:
    left = cell.border.left.style if cell.border.left else None
    return (cell.font.b, cell.font.sz, left, cell.alignment.horizontal, cell.number_format)


def test_shared_styles_give_each_cell_its_whole_style_and_register_each_once():
    workbook = Workbook()
    sheet = workbook.active
    styles = SharedStyles(workbook)
    for row in range(1, 101):
        styles.apply(
            sheet.cell(row=row, column=1), font=FONT, border=BORDER, alignment=RIGHT, number_format=FMT_WAN
        )
        styles.apply(sheet.cell(row=row, column=2), font=FONT_BOLD, alignment=WRAP)
    assert len(workbook.named_styles) == 2 + len(Workbook().named_styles)
    read = load_workbook(io.BytesIO(workbook_bytes(workbook))).active
    assert _styled(read["A100"]) == (False, 10, "thin", "right", FMT_WAN)
    assert _styled(read["B100"]) == (True, 10, None, None, "General")


def test_a_form_sheet_frames_whole_merged_spans_from_its_bordered_row():
    workbook = Workbook()
    sheet = FormSheet(workbook.active, [10, 10, 10], styles=SharedStyles(workbook))
    sheet.put(1, 1, 3, "标题")
    sheet.bordered_from = 2
    sheet.label(2, 1, 2, "项目", rows=2)
    sheet.put(2, 3, 3, "说明")
    read = load_workbook(io.BytesIO(workbook_bytes(workbook))).active
    assert not (read["A1"].border.left and read["A1"].border.left.style)
    framed = {"A2": "left", "B2": "top", "A3": "left", "B3": "bottom", "C2": "right"}
    assert all(getattr(read[coordinate].border, side).style == "thin" for coordinate, side in framed.items())
    assert read["A2"].font.b and read["A2"].fill.fgColor.rgb.endswith("F2F2F2")
    assert [str(r) for r in read.merged_cells.ranges] == ["A1:C1", "A2:B3"]


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
