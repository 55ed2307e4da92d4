"""The cycle's promoted practices as a workbook: a title, one bordered row per practice."""

from django.conf import settings
from django.utils import timezone

from jixiao.core.xlsx import (
    BORDER,
    CENTER,
    FONT,
    WRAP,
    put_value,
    text_height,
    titled_sheet,
    titled_sheet_bytes,
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
    workbook, sheet = titled_sheet(
        sheet_name="可推广经验",
        title=f"{settings.DISTRICT_NAME}预算绩效运行监控创新做法与可推广经验",
        subtitle=f"（{cycle.name}，{cycle.period_label}；截至 {timezone.localdate():%Y年%m月%d日}，共 {len(practices)} 条）",
        headers=HEADERS,
    )
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
    return titled_sheet_bytes(workbook, sheet, last_column=len(HEADERS), last_row=len(practices) + 3)
