"""The ranked table as a workbook: a title, the scheme in force, one bordered row per unit."""

from django.conf import settings
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
    workbook_bytes,
)
from jixiao.scores import rules
from jixiao.scores.selectors import ScoreTable


def scheme_summary(scheme: rules.Scheme) -> str:
    """The weights and deductions in one line, as the table shows them with the score."""
    weights = "，".join(f"{label} {scheme.weight(key)} 分" for key, label in rules.COMPONENTS)
    n = rules.number_text
    return (
        f"权重：{weights}。扣分：逾期每天 {n(scheme.late_day_points)} 分，"
        f"缺报每个项目 {n(scheme.missing_report_points)} 分，每次退回 {n(scheme.return_points)} 分，"
        f"审核发现每个问题 {n(scheme.gap_points)} 分，红色预警预算占比 {n(scheme.red_share_free_pct)}% 以内不扣分、"
        f"达到 {n(scheme.red_share_zero_pct)}% 不得分，整改逾期每项 {n(scheme.overdue_item_points)} 分。"
    )


def scores_xlsx(table: ScoreTable) -> bytes:
    headers = [("名次", 6), ("单位", 24)]
    headers += [(f"{label}（{table.scheme.weight(key)}分）", 14) for key, label in rules.COMPONENTS]
    headers += [("总分", 9)]
    last = len(headers)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "监控评分"
    state = "已固定" if table.freeze else "进行中，按当日数据计算"
    lines = [
        (f"{settings.DISTRICT_NAME}预算绩效运行监控评分", FONT_TITLE, 30),
        (f"（{table.cycle.name}；计分截止 {table.as_of:%Y年%m月%d日}，{state}）", FONT, 18),
        (scheme_summary(table.scheme), FONT, 45),
    ]
    for row, (text, font, height) in enumerate(lines, start=1):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        cell = put_value(sheet.cell(row=row, column=1), text)
        cell.font, cell.alignment = font, CENTER if row < 3 else WRAP
        sheet.row_dimensions[row].height = height
    head = len(lines) + 1
    for column, (header, width) in enumerate(headers, start=1):
        cell = put_value(sheet.cell(row=head, column=column), header)
        cell.font, cell.alignment, cell.border = FONT_BOLD, CENTER, BORDER
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row, score in enumerate(table.rows, start=head + 1):
        points = [float(score.breakdown.component(key).points) for key, _label in rules.COMPONENTS]
        values = [score.rank, score.organisation.name, *points, float(score.breakdown.total)]
        for column, value in enumerate(values, start=1):
            cell = put_value(sheet.cell(row=row, column=column), value)
            cell.font, cell.border = FONT, BORDER
            cell.alignment = WRAP if column == 2 else CENTER
            if column > 2:
                cell.number_format = "0.00"
    sheet.print_title_rows = f"{head}:{head}"
    a4_landscape(sheet, last_column=last, last_row=head + len(table.rows))
    return workbook_bytes(workbook)
