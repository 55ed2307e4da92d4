"""The violations register as a workbook: a title, the date it was drawn, one bordered row per case."""

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from jixiao.core.formatting import wan_number
from jixiao.core.xlsx import (
    BORDER,
    CENTER,
    FMT_WAN,
    FONT,
    FONT_BOLD,
    FONT_TITLE,
    RIGHT,
    WRAP,
    a4_landscape,
    put_value,
    text_height,
    workbook_bytes,
)
from jixiao.violations.models import ViolationCase

HEADERS = [
    ("案件编号", 14),
    ("登记日期", 11),
    ("涉及单位", 16),
    ("涉及项目", 20),
    ("案由", 18),
    ("违法违规事实", 36),
    ("法律依据", 24),
    ("涉及金额（万元）", 11),
    ("处理情况", 28),
    ("状态", 10),
    ("移送司法机关 / 结案意见", 28),
]
AMOUNT_COLUMN = 8


def _outcome(case: ViolationCase) -> str:
    if case.referred_to:
        return f"{case.referred_on:%Y-%m-%d} 移送{case.referred_to}"
    return case.conclusion


def violations_xlsx(cases: list[ViolationCase]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "违法违规问题台账"
    last = len(HEADERS)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    title = put_value(
        sheet.cell(row=1, column=1), f"{settings.DISTRICT_NAME}财政局绩效监控发现的违法违规问题台账"
    )
    title.font, title.alignment = FONT_TITLE, CENTER
    sheet.row_dimensions[1].height = 30
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    drawn = put_value(
        sheet.cell(row=2, column=1),
        f"（截至 {timezone.localdate():%Y年%m月%d日}，共 {len(cases)} 件）    金额单位：万元",
    )
    drawn.font, drawn.alignment = FONT, CENTER
    for column, (header, width) in enumerate(HEADERS, start=1):
        cell = put_value(sheet.cell(row=3, column=column), header)
        cell.font, cell.alignment, cell.border = FONT_BOLD, CENTER, BORDER
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[3].height = 22
    for row, case in enumerate(cases, start=4):
        values = [
            case.number,
            timezone.localtime(case.registered_at).strftime("%Y-%m-%d"),
            case.organisation.name,
            f"{case.project.code} {case.project.name}" if case.project else "",
            case.title,
            case.facts,
            f"{case.get_law_display()}{case.article}",
            wan_number(case.amount),
            case.handling,
            case.get_state_display(),
            _outcome(case),
        ]
        for column, value in enumerate(values, start=1):
            cell = put_value(sheet.cell(row=row, column=column), value)
            cell.font, cell.border = FONT, BORDER
            cell.alignment = RIGHT if column == AMOUNT_COLUMN else WRAP
            if column == AMOUNT_COLUMN:
                cell.number_format = FMT_WAN
        sheet.row_dimensions[row].height = max(
            text_height(str(value), HEADERS[column][1]) for column, value in enumerate(values) if value
        )
    sheet.print_title_rows = "3:3"
    a4_landscape(sheet, last_column=last, last_row=max(3, len(cases) + 3))
    return workbook_bytes(workbook)
