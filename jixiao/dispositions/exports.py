"""资金处理建议清单 as a workbook, audited like every export."""

from django.db import transaction
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from jixiao.audit.services import audit_record
from jixiao.core.formatting import wan_number
from jixiao.core.xlsx import (
    CENTER,
    FMT_DATE,
    FMT_WAN,
    FONT_TITLE,
    LEVEL_FILLS,
    FormSheet,
    a4_landscape,
    text_height,
    workbook_bytes,
)
from jixiao.dispositions.selectors import DispositionRow
from jixiao.monitoring.models import MonitoringCycle, WarningLevel

# (header, width)
COLUMNS = [
    ("序号", 6),
    ("单位", 22),
    ("项目编码", 18),
    ("项目名称", 30),
    ("预算数（万元）", 13),
    ("预警等级", 9),
    ("首次红色预警", 12),
    ("答复截止", 12),
    ("处置意见", 16),
    ("列入原因", 30),
]


def _values(index: int, row: DispositionRow) -> list:
    project = row.project
    return [
        index,
        project.owner.name,
        project.code,
        project.name,
        wan_number(project.budget),
        WarningLevel(row.level).label if row.level else "未填报",
        row.red_since,
        row.due_date,
        f"{row.choice_label}（{row.state_label}）" if row.choice else "待答复",
        "；".join(label for _kind, label in row.reasons),
    ]


@transaction.atomic
def funding_list_workbook(
    *, rows: list[DispositionRow], cycle: MonitoringCycle, acting_user
) -> tuple[bytes, str]:
    """The rows the person's filters selected (read through the scoped selector), one per line."""
    wb = Workbook()
    ws = wb.active
    ws.title = "资金处理建议清单"
    widths = [width for _header, width in COLUMNS]
    sheet = FormSheet(ws, widths)
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    last = len(COLUMNS)
    sheet.put(1, 1, last, f"{cycle.name} 资金处理建议清单", font=FONT_TITLE, alignment=CENTER)
    sheet.height(1, 30)
    for index, (header, _width) in enumerate(COLUMNS, start=1):
        sheet.label(2, index, index, header)
    sheet.height(2, 22)
    ws.print_title_rows = "2:2"
    for offset, row in enumerate(rows, start=1):
        line = offset + 2
        values = _values(offset, row)
        for index, value in enumerate(values, start=1):
            number_format = {5: FMT_WAN, 7: FMT_DATE, 8: FMT_DATE}.get(index)
            fill = LEVEL_FILLS.get(row.level) if index == 6 and row.level else None
            sheet.put(line, index, index, value, number_format=number_format, fill=fill)
        sheet.height(line, max(text_height(str(v), w) for v, w in zip(values, widths, strict=True)))
    a4_landscape(ws, last_column=last, last_row=len(rows) + 2)
    audit_record(
        actor=acting_user,
        action="funding_list.export",
        target=cycle,
        comment=f"{len(rows)} 个项目",
    )
    return workbook_bytes(wb), f"资金处理建议清单_{cycle.period_label}.xlsx"
