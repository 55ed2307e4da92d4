"""The cycle's promoted practices as a workbook: a title, one bordered row per practice."""

from django.conf import settings
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from jixiao.core.xlsx import (
    BORDER,
    CENTER,
    FONT,
    FONT_BOLD,
    FONT_TITLE,
    WRAP,
    a4_landscape,
    put_value,
    text_height,
    workbook_bytes,
)
from jixiao.monitoring.models import MonitoringCycle
from jixiao.practices.models import Practice

HEADERS = [
    ("序号", 6),
    ("单位", 18),
    ("来源", 16),
    ("项目", 24),
    ("创新做法与可推广经验", 50),
    ("推荐意见", 30),
    ("列入日期", 11),
]


def practices_xlsx(*, cycle: MonitoringCycle, practices: list[Practice]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "可推广经验"
    last = len(HEADERS)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    title = put_value(
        sheet.cell(row=1, column=1), f"{settings.DISTRICT_NAME}预算绩效运行监控创新做法与可推广经验"
    )
    title.font, title.alignment = FONT_TITLE, CENTER
    sheet.row_dimensions[1].height = 30
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    period = put_value(
        sheet.cell(row=2, column=1),
        f"（{cycle.name}，{cycle.period_label}；截至 {timezone.localdate():%Y年%m月%d日}，共 {len(practices)} 条）",
    )
    period.font, period.alignment = FONT, CENTER
    for column, (header, width) in enumerate(HEADERS, start=1):
        cell = put_value(sheet.cell(row=3, column=column), header)
        cell.font, cell.alignment, cell.border = FONT_BOLD, CENTER, BORDER
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[3].height = 22
    for row, practice in enumerate(practices, start=4):
        project = practice.report.project if practice.report_id else None
        values = [
            row - 3,
            practice.organisation.name,
            practice.get_source_display(),
            f"{project.code} {project.name}" if project else "",
            practice.text,
            practice.note,
            timezone.localtime(practice.marked_at).strftime("%Y-%m-%d"),
        ]
        for column, value in enumerate(values, start=1):
            cell = put_value(sheet.cell(row=row, column=column), value)
            cell.font, cell.border = FONT, BORDER
            cell.alignment = CENTER if column == 1 else WRAP
        sheet.row_dimensions[row].height = max(
            text_height(value, HEADERS[column][1])
            for column, value in enumerate(values)
            if isinstance(value, str)
        )
    sheet.print_title_rows = "3:3"
    a4_landscape(sheet, last_column=last, last_row=max(3, len(practices) + 3))
    return workbook_bytes(workbook)
