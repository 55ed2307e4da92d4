"""The cockpit's tables as .xlsx, formatted like the forms: title, subtitle with the period and 万元,
bordered header and cells, A4 landscape."""

from django.conf import settings

from jixiao.core.xlsx import (
    BORDER,
    FMT_WAN,
    FONT,
    FONT_SUBTITLE,
    RIGHT,
    WRAP,
    put_value,
    text_height,
    titled_sheet,
    titled_sheet_bytes,
)
from jixiao.dashboards.charts import Chart

FMT_ONE_DECIMAL = "0.0"


def _width(header: str, index: int) -> float:
    return 28.0 if index == 0 else max(10.0, min(18.0, len(header) * 1.6))


def chart_xlsx(chart: Chart, *, subtitle: str) -> bytes:
    """One sheet: the chart's title, `subtitle` (period, scope, 单位：万元), its header row and rows."""
    widths = [_width(header, index) for index, header in enumerate(chart.columns)]
    workbook, sheet = titled_sheet(
        sheet_name=chart.title[:31].replace("/", "·"),
        title=f"{settings.DISTRICT_NAME}{chart.title}",
        subtitle=subtitle,
        headers=list(zip(chart.columns, widths, strict=True)),
        subtitle_font=FONT_SUBTITLE,
    )
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
    return titled_sheet_bytes(workbook, sheet, last_column=len(chart.columns), last_row=len(chart.rows) + 3)
