"""The cockpit's tables as .xlsx, formatted like the forms: title, subtitle with the period and 万元,
bordered header and cells, A4 landscape."""

from django.conf import settings
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from jixiao.core.xlsx import (
    BORDER,
    CENTER,
    FMT_WAN,
    FONT,
    FONT_BOLD,
    FONT_SUBTITLE,
    FONT_TITLE,
    RIGHT,
    WRAP,
    a4_landscape,
    put_value,
    text_height,
    workbook_bytes,
)
from jixiao.dashboards.charts import Chart

FMT_ONE_DECIMAL = "0.0"


def _width(header: str, index: int) -> float:
    return 28.0 if index == 0 else max(10.0, min(18.0, len(header) * 1.6))


def chart_xlsx(chart: Chart, *, subtitle: str) -> bytes:
    """One sheet: the chart's title, `subtitle` (period, scope, 单位：万元), its header row and rows."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = chart.title[:31].replace("/", "·")
    last = len(chart.columns)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    title = put_value(sheet.cell(row=1, column=1), f"{settings.DISTRICT_NAME}{chart.title}")
    title.font, title.alignment = FONT_TITLE, CENTER
    sheet.row_dimensions[1].height = 30
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    sub = put_value(sheet.cell(row=2, column=1), subtitle)
    sub.font, sub.alignment = FONT_SUBTITLE, CENTER
    widths = [_width(header, index) for index, header in enumerate(chart.columns)]
    for column, header in enumerate(chart.columns, start=1):
        cell = put_value(sheet.cell(row=3, column=column), header)
        cell.font, cell.alignment, cell.border = FONT_BOLD, CENTER, BORDER
        sheet.column_dimensions[get_column_letter(column)].width = widths[column - 1]
    sheet.row_dimensions[3].height = max(text_height(h, widths[i]) for i, h in enumerate(chart.columns))
    for row_number, values in enumerate(chart.rows, start=4):
        for index, value in enumerate(values):
            cell = put_value(sheet.cell(row=row_number, column=index + 1), value)
            cell.font, cell.border = FONT, BORDER
            if index in chart.money_columns:
                cell.number_format, cell.alignment = FMT_WAN, RIGHT
            elif index in chart.rate_columns:
                cell.number_format, cell.alignment = FMT_ONE_DECIMAL, RIGHT
            elif isinstance(value, int):
                cell.alignment = RIGHT
            else:
                cell.alignment = WRAP
    sheet.print_title_rows = "3:3"
    a4_landscape(sheet, last_column=last, last_row=max(3, len(chart.rows) + 3))
    return workbook_bytes(workbook)
