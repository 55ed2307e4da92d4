"""The violations register as a workbook: a title, the date it was drawn, one bordered row per case."""

from django.conf import settings
from django.utils import timezone

from jixiao.core.formatting import wan_number
from jixiao.core.xlsx import (
    BORDER,
    FMT_WAN,
    FONT,
    RIGHT,
    WRAP,
    put_value,
    text_height,
    titled_sheet,
    titled_sheet_bytes,
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
    workbook, sheet = titled_sheet(
        sheet_name="违法违规问题台账",
        title=f"{settings.DISTRICT_NAME}财政局绩效监控发现的违法违规问题台账",
        subtitle=f"（截至 {timezone.localdate():%Y年%m月%d日}，共 {len(cases)} 件）    金额单位：万元",
        headers=HEADERS,
    )
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
    return titled_sheet_bytes(workbook, sheet, last_column=len(HEADERS), last_row=len(cases) + 3)
