"""The rectification register as an .xlsx file: a title, the filters it was drawn with, one bordered row per
item (the register has no money columns)."""

from django.utils import timezone
from openpyxl import Workbook

from jixiao.core.xlsx import (
    BORDER,
    CENTER,
    FMT_DATE,
    FONT_SUBTITLE,
    FONT_TITLE,
    WRAP_TOP,
    FormSheet,
    a4_landscape,
    text_height,
    workbook_bytes,
)

# (heading, width in characters)
COLUMNS = (
    ("序号", 6),
    ("整改单位", 16),
    ("问题来源", 12),
    ("出处", 22),
    ("项目", 20),
    ("发现的主要问题", 34),
    ("整改意见及要求", 30),
    ("整改时限", 11),
    ("状态", 12),
    ("是否逾期", 8),
    ("整改落实情况", 30),
    ("完成时间", 11),
    ("核查单位", 16),
    ("核查意见", 22),
)
DATE_COLUMNS = {8, 12}


def _row(item) -> list:
    project = f"{item.project.name}（{item.project.code}）" if item.project else ""
    return [
        item.organisation.name,
        item.get_kind_display(),
        item.source_label,
        project,
        item.problem,
        item.requirement,
        item.due_date,
        item.get_state_display(),
        "逾期" if item.is_overdue else "",
        item.response,
        item.completed_on,
        item.issuing_organisation.name,
        item.verification_comment,
    ]


def register_xlsx(items, *, title: str, subtitle: str) -> bytes:
    """`items` come from the person's scoped register selector, already filtered and ordered."""
    wb = Workbook()
    ws = wb.active
    ws.title = "整改台账"
    widths = [width for _, width in COLUMNS]
    sheet = FormSheet(ws, widths)
    last = len(COLUMNS)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=1, column=index).column_letter].width = width
    sheet.put(1, 1, last, title, font=FONT_TITLE, alignment=CENTER)
    sheet.height(1, 30)
    sheet.put(2, 1, last, f"{subtitle} · 导出时间 {timezone.localtime():%Y-%m-%d %H:%M}", font=FONT_SUBTITLE)
    for column, (heading, _) in enumerate(COLUMNS, start=1):
        sheet.label(3, column, column, heading).border = BORDER
    row = 3
    for row, item in enumerate(items, start=4):
        values = [row - 3, *_row(item)]
        for column, value in enumerate(values, start=1):
            cell = sheet.put(
                row,
                column,
                column,
                value,
                alignment=CENTER if column in DATE_COLUMNS or column in {1, 9, 10} else WRAP_TOP,
                number_format=FMT_DATE if column in DATE_COLUMNS else None,
            )
            cell.border = BORDER
        sheet.height(row, max(text_height(str(v or ""), widths[c]) for c, v in enumerate(values)))
    ws.freeze_panes = "A4"
    a4_landscape(ws, last_column=last, last_row=row)
    return workbook_bytes(wb)
