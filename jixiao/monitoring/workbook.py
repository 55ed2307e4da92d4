"""附件1 as an Excel workbook: export (prefilled, printable like the paper form) and import (round trip).

Layout of the exported sheet `附件1` (columns A–Q; the import finds everything by its label, so rows and
the order of the indicator columns may move):

- rows 1–3: title, subtitle `（{Y}年1—{m}月）`, the line 填报单位（盖章） · 填报日期 · 金额单位：万元;
- header block of label/value pairs (项目名称, 项目编码, …), the value to the right of its label;
- funds block: a header row (年初预算数 … 全年预计执行数) over the rows 年度资金总额 / 其中：财政拨款 /
  其他资金; the unit types 全年预计执行数 of 财政拨款 and 其他资金 in 万元 (the total is a formula and is
  never read); below it the funds' 偏差原因分析 (five labelled cells) and 纠偏措施, each value under its label;
- goal block: 年度总体目标 (read only) and 1—m月目标完成情况, value to the right;
- indicator table: a two-row header found by its `三级指标` cell; one row per indicator, matched to the
  project's indicators by the 三级 name; the columns 实际完成值 / 全年预计完成值 / 自评（定性指标） /
  five 偏差原因分析 / 完成目标可能性 / 纠偏措施 / 备注 are read, the others (一级, 二级, 年度指标值,
  完成进度, 预警) are for the reader only; a cell that does not apply to the indicator's type is grey `—`;
- the seven narratives of 第十条 and the footer 单位负责人 · 财务负责人 · 填表人 · 联系电话 · 填报日期,
  value to the right of each label; a last row with the project-level warnings.

A hidden sheet `_jixiao` identifies the workbook: project code, cycle (id, year, month), the target
version and the report revision it was exported from.

Warned figures are filled red (FFC7CE), yellow (FFEB9C) or, for notes, blue (DDEBF7); the 预警 column
lists each indicator's messages, the last row the project-level ones.

Import rules decided here (see `import_report_workbook` and `_number_input`):
- values go through the web form's own fields, so a workbook stores what the same typing in the form would;
- percent indicators: a number in a `%`-formatted cell is a fraction (0.85 → 85%), text with `%` is as
  written, a bare number is in percentage points but refused as ambiguous when 0 < |x| ≤ 1;
- a cell that does not apply to the indicator's type must be blank or `—`; 完成进度, 预警, 年度指标值 and
  the total row's 全年预计执行数 (a formula) are not read — a number typed over that total must agree
  with 财政拨款 + 其他资金;
- 填报日期 is read from the footer; the title line's `填报日期：…` is used when the footer is blank and
  must agree with it otherwise;
- a number in a `%`-formatted cell of a count or a 万元 amount (Excel's way of storing a typed `85%`) is
  refused: it cannot be meant;
- a file exported from an older revision (or target version) than the stored one is refused as stale;
- the size of what is parsed is bounded before openpyxl sees the file (see the limits below).
"""

import io
import logging
import math
import re
import unicodedata
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins

from jixiao.core.numbers import NONE_MARKS, NotANumber, normalise_text, parse_date, parse_number
from jixiao.core.xlsx import put_value
from jixiao.core.xlsx_loader import XlsxBudget, XlsxLimits, XlsxRefused, load_xlsx, read_upload
from jixiao.monitoring import plausibility, rules
from jixiao.monitoring.evaluation import evaluate, indicator_figures
from jixiao.monitoring.forms import EntryForm, ReportForm
from jixiao.monitoring.models import (
    DEVIATION_FIELDS,
    NARRATIVE_FIELDS,
    AnalysisReport,
    IndicatorEntry,
    Likelihood,
    MonitoringCycle,
    ReportWarning,
    SelfAssessment,
)
from jixiao.monitoring.selectors import cycle_list
from jixiao.monitoring.services import StaleReport, report_save
from jixiao.organisations.models import Membership, Role
from jixiao.projects.models import CATEGORY_ORDER, Indicator, Project, ValueType
from jixiao.projects.selectors import paid_to_date, project_visible

logger = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------------
# Limits of a 附件1 upload. A 附件1 has a few hundred cells in some 30 KB of sheet XML (a few hundred KB
# once Excel has saved it with long texts). These bounds keep every upload, imported or refused, well
# under a second and 100 MB: each is checked before openpyxl parses anything.

REPORT_LIMITS = XlsxLimits(
    upload_bytes=5 * 1024 * 1024,
    zip_entries=200,
    uncompressed_bytes=20 * 1024 * 1024,
    xml_part_bytes=1024 * 1024,
    xml_bytes=4 * 1024 * 1024,
    rows=2000,
    columns=100,
    cells=5_000,
    merged_area=100_000,
    request_cells=15_000,
    request_xml_bytes=8 * 1024 * 1024,
    size_hint="一份监控分析表通常不足 100 KB，请检查是否粘贴了图片或多余内容。",
)


# ---------------------------------------------------------------------------------------------------
# Layout

SHEET_TITLE = "附件1"
ID_SHEET = "_jixiao"
ID_FORMAT = "jixiao-附件1/1"
LAST_COLUMN = 17  # Q

L_PROJECT_CODE = "项目编码"
L_FUNDS_TOTAL = "年度资金总额"
L_FUNDS_FISCAL = "其中：财政拨款"
L_FUNDS_OTHER = "其他资金"
L_PROJECTED = "全年预计执行数"
L_ANNUAL_GOAL = "年度总体目标"
L_INDICATOR_NAME = "三级指标"
L_CORRECTIVE = "纠偏措施"
L_NARRATIVE_HEADING = "监控分析（第十条）"
L_PROJECT_WARNINGS = "项目整体预警"

FOOTER_FIELDS = [
    ("unit_leader_name", "单位负责人"),
    ("finance_leader_name", "财务负责人"),
    ("filler_name", "填表人"),
    ("contact_phone", "联系电话"),
    ("filled_on", "填报日期"),
]

LIKELIHOOD_HEADER = "完成目标可能性（确定能/有可能/完全不可能）"
SELF_ASSESSMENT_HEADER = "自评（定性指标）"


def _indicator_columns(month: int) -> list[tuple[str, str, float]]:
    """(key, header, width) of the indicator table, A–Q; the five deviation columns share a group header."""
    return [
        ("level1", "一级指标", 9),
        ("category", "二级指标", 10),
        ("name", L_INDICATOR_NAME, 16),
        ("target", "年度指标值", 13),
        ("actual", f"1—{month}月实际完成值", 14),
        ("projected", "全年预计完成值", 13),
        ("progress", "完成进度", 9),
        ("self_assessment", SELF_ASSESSMENT_HEADER, 13),
        *((name, str(label), 12) for name, label in DEVIATION_FIELDS),
        ("likelihood", LIKELIHOOD_HEADER, 13),
        ("corrective_measures", L_CORRECTIVE, 16),
        ("remark", "备注", 11),
        ("warnings", "预警", 28),
    ]


DEVIATION_GROUP = "偏差原因分析"
DEVIATION_KEYS = [name for name, _label in DEVIATION_FIELDS]

# Styles
FONT_NAME = "宋体"
FONT = Font(name=FONT_NAME, size=10)
FONT_BOLD = Font(name=FONT_NAME, size=10, bold=True)
FONT_TITLE = Font(name=FONT_NAME, size=16, bold=True)
FONT_SUBTITLE = Font(name=FONT_NAME, size=11)
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FILL_LABEL = PatternFill("solid", fgColor="F2F2F2")
FILL_NA = PatternFill("solid", fgColor="D9D9D9")
LEVEL_FILLS = {
    "red": PatternFill("solid", fgColor="FFC7CE"),
    "yellow": PatternFill("solid", fgColor="FFEB9C"),
    "blue": PatternFill("solid", fgColor="DDEBF7"),
    "green": PatternFill("solid", fgColor="C6EFCE"),
}
LEVEL_RANK = {"blue": 1, "yellow": 2, "red": 3}
WRAP = Alignment(wrap_text=True, vertical="center")
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")

FMT_WAN = "#,##0.00"
FMT_RATE = "0.0%"
FMT_PERCENT_VALUE = "0.0##%"
FMT_DATE = "yyyy-mm-dd"
FMT_TEXT = "@"

LINE_HEIGHT = 13.5  # points per line of 10pt text
TEN_THOUSAND = Decimal(10000)

# Which cells a rule colours: funds rules in the funds block, indicator rules in the indicator's row.
FUNDS_RULE_CELLS = {
    "EXEC_LAG": ("rate",),
    "EXEC_ZERO": ("rate", "paid"),
    "EXEC_OVER": ("rate", "paid"),
    "EXEC_PROJECTED_LOW": ("projected",),
    "NO_BUDGET": ("initial", "adjusted"),
    "OUTPUT_SPEND_MISMATCH": ("rate",),
}
INDICATOR_RULE_CELLS = {
    "IND_IMPOSSIBLE": ("likelihood",),
    "IND_POSSIBLE": ("likelihood",),
    "IND_PROJECTED_MISS": ("projected",),
    "IND_LAG": ("actual", "progress"),
    "IND_SHORTFALL": ("actual", "progress"),
    "IND_EXCESS": ("actual",),
    "IND_LEVEL_MISMATCH": ("actual",),
    "IND_DATE_OVERDUE": ("actual",),
    "IND_NO_ACTUAL": ("actual",),
    "IND_OVER_TARGET": ("actual",),
    "IND_QUAL_PARTLY": ("self_assessment",),
    "IND_QUAL_NOT_MET": ("self_assessment",),
}

# ---------------------------------------------------------------------------------------------------
# Export


@dataclass(frozen=True)
class _Warned:
    code: str
    level: str
    message: str
    indicator_id: int | None


def _ordered_indicators(version) -> list[Indicator]:
    if version is None:
        return []
    indicators = list(version.indicators.all())
    return sorted(indicators, key=lambda i: (CATEGORY_ORDER.index(i.category), i.position))


def _report_warnings(project, cycle, report, indicators) -> tuple[list[_Warned], str]:
    """The stored warnings of the report, or (before the first save) those of the blank form."""
    if report is not None:
        stored = ReportWarning.objects.filter(report=report).order_by("pk")
        warned = [_Warned(w.code, w.level, w.message, w.indicator_id) for w in stored]
        return warned, report.level
    fiscal, other = paid_to_date(project, cycle.period_end_month)
    computed = evaluate(
        cycle=cycle,
        thresholds=rules.Thresholds.from_cycle(cycle),
        budget=project.budget,
        paid=fiscal + other,
        projected=None,
        rows=[(indicator, None) for indicator in indicators],
    )
    warned = [_Warned(w.code, w.level, w.message, w.indicator_key) for w in computed]
    return warned, rules.project_level(computed)


def wan_number(yuan: Decimal | None) -> float | None:
    if yuan is None:
        return None
    return float(Decimal(yuan) / TEN_THOUSAND)


def _number_cell(value: Decimal | None):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _display_width(text: str) -> float:
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text)


def text_height(text: str, width: float, *, minimum: float = 18.0) -> float:
    """Row height (points) that shows `text` wrapped in a cell `width` characters wide."""
    if not text:
        return minimum
    usable = max(width - 1.5, 4.0)
    lines = sum(max(1, math.ceil(_display_width(part) / usable)) for part in str(text).split("\n"))
    return min(409.0, max(minimum, lines * LINE_HEIGHT + 5))


class _SheetWriter:
    """Writes one 附件1 sheet row by row."""

    def __init__(self, ws, month: int):
        self.ws = ws
        self.row = 1
        self.columns = _indicator_columns(month)
        self.widths = [width for _key, _header, width in self.columns]
        self.grid_rows: list[int] = []

    def width(self, first: int, last: int) -> float:
        return sum(self.widths[first - 1 : last])

    def put(
        self,
        row: int,
        first: int,
        last: int,
        value=None,
        *,
        rows: int = 1,
        font=FONT,
        fill=None,
        alignment=WRAP,
        number_format: str | None = None,
    ):
        if last > first or rows > 1:
            self.ws.merge_cells(start_row=row, start_column=first, end_row=row + rows - 1, end_column=last)
        cell = put_value(self.ws.cell(row=row, column=first), value)
        cell.font = font
        cell.alignment = alignment
        if fill is not None:
            cell.fill = fill
        if number_format:
            cell.number_format = number_format
        return cell

    def label(self, row: int, first: int, last: int, text: str, *, rows: int = 1, center: bool = True):
        return self.put(
            row,
            first,
            last,
            text,
            rows=rows,
            font=FONT_BOLD,
            fill=FILL_LABEL,
            alignment=CENTER if center else WRAP,
        )

    def height(self, row: int, points: float):
        current = self.ws.row_dimensions[row].height or 0
        self.ws.row_dimensions[row].height = max(current, points)

    def borders(self, first_row: int, last_row: int):
        for row in range(first_row, last_row + 1):
            for column in range(1, LAST_COLUMN + 1):
                self.ws.cell(row=row, column=column).border = BORDER


def _fill_level(levels: list[str]) -> str | None:
    ranked = [level for level in levels if level in LEVEL_RANK]
    return max(ranked, key=LEVEL_RANK.__getitem__) if ranked else None


def _warning_lines(warned: list[_Warned]) -> str:
    return "\n".join(f"【{rules.LEVEL_LABELS.get(w.level, w.level)}】{w.message}" for w in warned)


def export_report_workbook(
    *, project: Project, cycle: MonitoringCycle, report: AnalysisReport | None
) -> Workbook:
    """附件1 of one project in one cycle, prefilled with the saved report (or blank before the first save)."""
    if report is not None and (report.project_id != project.pk or report.cycle_id != cycle.pk):
        raise ValueError("report does not belong to the project and cycle")
    month = cycle.period_end_month
    version = report.target_version if report is not None else project.current_target
    indicators = _ordered_indicators(version)
    entries = {e.indicator_id: e for e in report.entries.all()} if report is not None else {}
    warned, level = _report_warnings(project, cycle, report, indicators)
    fiscal_paid, other_paid = paid_to_date(project, month)
    paid_total = fiscal_paid + other_paid
    budget = project.budget

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    w = _SheetWriter(ws, month)
    for index, width in enumerate(w.widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width

    owner = project.owner
    district = settings.DISTRICT_NAME
    filled_on = report.filled_on if report is not None else None

    # Title, subtitle, meta line.
    w.put(1, 1, LAST_COLUMN, f"{district}项目预算绩效监控分析表", font=FONT_TITLE, alignment=CENTER)
    w.height(1, 30)
    w.put(2, 1, LAST_COLUMN, f"（{cycle.year}年1—{month}月）", font=FONT_SUBTITLE, alignment=CENTER)
    w.height(2, 20)
    w.put(3, 1, 7, f"填报单位（盖章）：{owner.name}")
    w.put(3, 8, 12, f"填报日期：{filled_on:%Y-%m-%d}" if filled_on else "填报日期：")
    w.put(3, 13, LAST_COLUMN, "金额单位：万元", alignment=RIGHT)
    w.height(3, 20)

    # Header block.
    row = 4
    grid_start = row
    primary = owner.parent.name if owner.parent_id else owner.name
    person = " ".join(part for part in (project.responsible_person, project.responsible_phone) if part)
    pairs = [
        ("项目名称", project.name, L_PROJECT_CODE, project.code),
        ("主管部门（一级预算单位）", primary, "实施单位", owner.name),
        ("项目类型", project.get_project_type_display(), "项目负责人及联系电话", person),
    ]
    for left_label, left_value, right_label, right_value in pairs:
        w.label(row, 1, 2, left_label)
        w.put(row, 3, 8, left_value, number_format=FMT_TEXT)
        w.label(row, 9, 10, right_label)
        w.put(row, 11, LAST_COLUMN, right_value, number_format=FMT_TEXT)
        w.height(
            row, max(text_height(str(left_value), w.width(3, 8)), text_height(right_value, w.width(11, 17)))
        )
        row += 1

    # Funds block.
    funds_spans = [(4, 5), (6, 7), (8, 9), (10, 11), (12, 13), (14, LAST_COLUMN)]
    funds_headers = ["年初预算数", "调整后预算数", f"1—{month}月执行数", "执行率", "时间进度", L_PROJECTED]
    w.label(row, 1, 3, "项目资金")
    for (first, last), header in zip(funds_spans, funds_headers, strict=True):
        w.label(row, first, last, header)
    w.height(row, 22)
    row += 1
    rate = Decimal(paid_total) / Decimal(budget) if budget and budget > 0 else None
    projected_parts = [report.projected_fiscal, report.projected_other] if report is not None else []
    known_parts = [part for part in projected_parts if part is not None]
    projected_total = wan_number(sum(known_parts, Decimal(0))) if known_parts else None
    funds_rows = [
        (
            L_FUNDS_TOTAL,
            project.initial_total,
            project.adjusted_total,
            paid_total,
            float(rate) if rate is not None else None,
            float(cycle.time_progress),
            projected_total,
        ),
        (
            L_FUNDS_FISCAL,
            project.initial_fiscal,
            project.adjusted_fiscal,
            fiscal_paid,
            None,
            None,
            wan_number(report.projected_fiscal) if report is not None else None,
        ),
        (
            L_FUNDS_OTHER,
            project.initial_other,
            project.adjusted_other,
            other_paid,
            None,
            None,
            wan_number(report.projected_other) if report is not None else None,
        ),
    ]
    funds_cells: dict[str, tuple[int, int]] = {}
    for index, (label, initial, adjusted, paid, rate_value, progress, projected) in enumerate(funds_rows):
        w.label(row, 1, 3, label, center=False)
        values = [
            (wan_number(initial), FMT_WAN),
            (wan_number(adjusted), FMT_WAN),
            (wan_number(paid), FMT_WAN),
            (rate_value, FMT_RATE),
            (progress, FMT_RATE),
            (projected, FMT_WAN),
        ]
        for (first, last), (value, number_format) in zip(funds_spans, values, strict=True):
            w.put(row, first, last, value, alignment=RIGHT, number_format=number_format)
        if index == 0:
            for key, (first, _last) in zip(
                ("initial", "adjusted", "paid", "rate", "progress", "projected"), funds_spans, strict=True
            ):
                funds_cells[key] = (row, first)
        w.height(row, 20)
        row += 1

    # Funds deviation analysis.
    deviation_spans = [(4, 5), (6, 7), (8, 9), (10, 11), (12, 13), (14, LAST_COLUMN)]
    w.label(row, 1, 3, "资金执行偏差原因分析及纠偏措施", rows=2)
    funds_texts = []
    for (first, last), (name, label) in zip(
        deviation_spans, [*DEVIATION_FIELDS, ("corrective_measures", L_CORRECTIVE)], strict=True
    ):
        w.label(row, first, last, str(label))
        text = getattr(report, name) if report is not None else ""
        w.put(row + 1, first, last, text or None, alignment=WRAP_TOP, number_format=FMT_TEXT)
        funds_texts.append(text_height(text, w.width(first, last), minimum=45))
    w.height(row, 20)
    w.height(row + 1, max(funds_texts))
    row += 2

    # Goal block.
    annual_goal = version.annual_goal if version is not None else ""
    w.label(row, 1, 3, L_ANNUAL_GOAL)
    w.put(row, 4, LAST_COLUMN, annual_goal)
    w.height(row, text_height(annual_goal, w.width(4, LAST_COLUMN), minimum=30))
    row += 1
    goal_progress = report.goal_progress if report is not None else ""
    w.label(row, 1, 3, f"1—{month}月目标完成情况")
    w.put(row, 4, LAST_COLUMN, goal_progress or None, alignment=WRAP_TOP, number_format=FMT_TEXT)
    w.height(row, text_height(goal_progress, w.width(4, LAST_COLUMN), minimum=45))
    row += 1

    # Indicator table.
    header_row = row
    keys = [key for key, _header, _width in w.columns]
    col = {key: index for index, key in enumerate(keys, start=1)}
    for key, header, _width in w.columns:
        if key in DEVIATION_KEYS:
            w.label(row + 1, col[key], col[key], header)
        else:
            w.label(row, col[key], col[key], header, rows=2)
    w.label(row, col[DEVIATION_KEYS[0]], col[DEVIATION_KEYS[-1]], DEVIATION_GROUP)
    w.height(row, 22)
    w.height(row + 1, 40)
    ws.print_title_rows = f"{header_row}:{header_row + 1}"
    row += 2
    first_indicator_row = row

    likelihood_dv = DataValidation(
        type="list",
        formula1='"' + ",".join(str(label) for label in Likelihood.labels) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="完成目标可能性",
        error="请从下拉列表中选择：确定能、有可能、完全不可能。",
    )
    assessment_dv = DataValidation(
        type="list",
        formula1='"' + ",".join(str(label) for label in SelfAssessment.labels) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle="自评",
        error="请从下拉列表中选择：达成目标、部分达成目标并具有一定效果、未达成目标且效果较差。",
    )
    ws.add_data_validation(likelihood_dv)
    ws.add_data_validation(assessment_dv)

    by_indicator: dict[int | None, list[_Warned]] = defaultdict(list)
    for warning in warned:
        by_indicator[warning.indicator_id].append(warning)

    for indicator in indicators:
        entry = entries.get(indicator.pk)
        value_type = indicator.value_type
        texts: list[tuple[str, int]] = []

        def put(key, value, *, number_format=None, alignment=WRAP, fill=None, row=row):
            return w.put(
                row, col[key], col[key], value, number_format=number_format, alignment=alignment, fill=fill
            )

        put("level1", indicator.get_level1_display(), alignment=CENTER)
        put("category", indicator.get_category_display(), alignment=CENTER)
        put("name", indicator.name, alignment=WRAP)
        texts.append((indicator.name, col["name"]))
        put("target", indicator.target_display, alignment=CENTER)
        texts.append((indicator.target_display, col["target"]))
        if value_type in (ValueType.NUMBER, ValueType.PERCENT):
            percent = value_type == ValueType.PERCENT
            number_format = FMT_PERCENT_VALUE if percent else "General"
            for key, attribute in (("actual", "actual_number"), ("projected", "projected_number")):
                value = getattr(entry, attribute) if entry is not None else None
                if percent and value is not None:
                    value = Decimal(value) / 100
                put(key, _number_cell(value), number_format=number_format, alignment=RIGHT)
            put("self_assessment", "—", fill=FILL_NA, alignment=CENTER)
        elif value_type == ValueType.DATE:
            for key, attribute in (("actual", "actual_date"), ("projected", "projected_date")):
                put(
                    key,
                    getattr(entry, attribute) if entry is not None else None,
                    number_format=FMT_DATE,
                    alignment=CENTER,
                )
            put("self_assessment", "—", fill=FILL_NA, alignment=CENTER)
        else:
            actual_text = entry.actual_text if entry is not None else ""
            put("actual", actual_text or None, number_format=FMT_TEXT)
            texts.append((actual_text, col["actual"]))
            put("projected", "—", fill=FILL_NA, alignment=CENTER)
            assessment = (
                entry.get_self_assessment_display() if entry is not None and entry.self_assessment else None
            )
            put("self_assessment", assessment, alignment=CENTER)
            assessment_dv.add(ws.cell(row=row, column=col["self_assessment"]))
        progress = rules.indicator_progress(indicator_figures(indicator, entry), period_end_month=month)
        put(
            "progress",
            float(Decimal(progress.numerator) / Decimal(progress.denominator))
            if progress is not None
            else None,
            number_format=FMT_RATE,
            alignment=RIGHT,
        )
        for key in (*DEVIATION_KEYS, "corrective_measures", "remark"):
            text = getattr(entry, key) if entry is not None else ""
            put(key, text or None, number_format=FMT_TEXT, alignment=WRAP_TOP)
            texts.append((text, col[key]))
        likelihood = entry.get_likelihood_display() if entry is not None and entry.likelihood else None
        put("likelihood", likelihood, alignment=CENTER)
        likelihood_dv.add(ws.cell(row=row, column=col["likelihood"]))

        row_warnings = by_indicator.get(indicator.pk, [])
        cell_levels: dict[str, list[str]] = defaultdict(list)
        for warning in row_warnings:
            for key in INDICATOR_RULE_CELLS.get(warning.code, ()):
                cell_levels[key].append(warning.level)
        for key, levels in cell_levels.items():
            level_to_fill = _fill_level(levels)
            if level_to_fill:
                ws.cell(row=row, column=col[key]).fill = LEVEL_FILLS[level_to_fill]
        text = _warning_lines(row_warnings) or "无"
        warn_fill = LEVEL_FILLS.get(_fill_level([item.level for item in row_warnings]) or "")
        put("warnings", text, fill=warn_fill, alignment=WRAP)
        texts.append((text, col["warnings"]))
        w.height(row, max(text_height(t, w.widths[c - 1], minimum=36) for t, c in texts))
        row += 1
    if not indicators:
        w.put(row, 1, LAST_COLUMN, "该项目尚未设定绩效指标。", alignment=CENTER)
        row += 1

    # Merge 一级 and 二级 over runs of equal values.
    for key, attribute in (("level1", "level1"), ("category", "category")):
        start = first_indicator_row
        for index in range(1, len(indicators) + 1):
            ends_run = index == len(indicators) or (
                getattr(indicators[index], attribute) != getattr(indicators[index - 1], attribute)
                or (key == "category" and indicators[index].level1 != indicators[index - 1].level1)
            )
            if ends_run:
                end = first_indicator_row + index - 1
                if end > start:
                    ws.merge_cells(start_row=start, start_column=col[key], end_row=end, end_column=col[key])
                start = end + 1

    # Funds warnings colour their cells.
    funds_warned = by_indicator.get(None, [])
    funds_levels: dict[str, list[str]] = defaultdict(list)
    for warning in funds_warned:
        for key in FUNDS_RULE_CELLS.get(warning.code, ()):
            funds_levels[key].append(warning.level)
    for key, levels in funds_levels.items():
        level_to_fill = _fill_level(levels)
        if level_to_fill:
            cell_row, cell_col = funds_cells[key]
            ws.cell(row=cell_row, column=cell_col).fill = LEVEL_FILLS[level_to_fill]

    # Narratives (第十条).
    w.label(row, 1, LAST_COLUMN, L_NARRATIVE_HEADING, center=False)
    w.height(row, 20)
    row += 1
    for number, (name, label) in enumerate(NARRATIVE_FIELDS, start=1):
        text = getattr(report, name) if report is not None else ""
        w.label(row, 1, 3, f"{number}. {label}", center=False)
        w.put(row, 4, LAST_COLUMN, text or None, alignment=WRAP_TOP, number_format=FMT_TEXT)
        w.height(row, text_height(text, w.width(4, LAST_COLUMN), minimum=48))
        row += 1

    # Footer.
    footer_spans = [
        ((1, 2), (3, 4)),
        ((5, 6), (7, 8)),
        ((9, 10), (11, 12)),
        ((13, 13), (14, 14)),
        ((15, 15), (16, 17)),
    ]
    for (name, label), ((lf, ll), (vf, vl)) in zip(FOOTER_FIELDS, footer_spans, strict=True):
        w.label(row, lf, ll, label)
        value = getattr(report, name) if report is not None else None
        if name == "filled_on":
            w.put(row, vf, vl, value, number_format=FMT_DATE, alignment=CENTER)
        else:
            w.put(row, vf, vl, value or None, number_format=FMT_TEXT, alignment=CENTER)
    w.height(row, 24)
    row += 1

    # Project-level warnings.
    project_lines = [f"预警等级：{rules.LEVEL_LABELS.get(level, level)}"]
    if funds_warned:
        project_lines.append(_warning_lines(funds_warned))
    else:
        project_lines.append("资金执行及投入产出匹配：无预警")
    text = "\n".join(project_lines)
    w.label(row, 1, 3, L_PROJECT_WARNINGS)
    w.put(row, 4, LAST_COLUMN, text, fill=LEVEL_FILLS.get(level))
    w.height(row, text_height(text, w.width(4, LAST_COLUMN), minimum=30))
    last_row = row
    w.borders(grid_start, last_row)

    a4_landscape(ws, last_column=LAST_COLUMN, last_row=last_row)
    ws.sheet_view.zoomScale = 90

    _write_identification(wb, project=project, cycle=cycle, report=report, version=version)
    wb.properties.title = f"{project.code} {project.name} 监控分析表（{cycle.period_label}）"
    wb.properties.creator = "jixiao"
    return wb


def _write_identification(wb: Workbook, *, project, cycle, report, version) -> None:
    ws = wb.create_sheet(ID_SHEET)
    ws.sheet_state = "hidden"
    rows = [
        ("format", ID_FORMAT),
        ("note", "本工作表供系统识别工作簿，请勿修改。"),
        ("project_code", project.code),
        ("cycle_id", cycle.pk),
        ("cycle_year", cycle.year),
        ("cycle_month", cycle.period_end_month),
        ("cycle_kind", cycle.kind),
        ("target_version_id", version.pk if version is not None else ""),
        ("revision", report.revision if report is not None else 0),
        ("exported_at", timezone.localtime().isoformat(timespec="seconds")),
    ]
    for index, (key, value) in enumerate(rows, start=1):
        put_value(ws.cell(row=index, column=1), key)
        put_value(ws.cell(row=index, column=2), value).number_format = (
            FMT_TEXT if isinstance(value, str) else "General"
        )


def a4_landscape(ws, *, last_column: int, last_row: int) -> None:
    """Print setup of every form the system exports: A4 landscape, one page wide, page numbers below."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.print_options.horizontalCentered = True
    ws.print_area = f"A1:{get_column_letter(last_column)}{last_row}"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def export_report_bytes(*, project: Project, cycle: MonitoringCycle, report: AnalysisReport | None) -> bytes:
    return workbook_bytes(export_report_workbook(project=project, cycle=cycle, report=report))


def report_of(project: Project, cycle: MonitoringCycle) -> AnalysisReport | None:
    return (
        AnalysisReport.objects.filter(project=project, cycle=cycle)
        .select_related("target_version")
        .prefetch_related("entries")
        .first()
    )


_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def export_filename(project: Project) -> str:
    """`{code}_{name}.xlsx`, safe on Windows and in zip archives."""
    stem = _UNSAFE_NAME.sub("_", f"{project.code}_{project.name}").strip(" ._") or "project"
    return f"{stem[:120]}.xlsx"


def with_unique_filenames(projects):
    """(project, file name) pairs; a repeated name gets -2, -3 … so that no file overwrites another."""
    used: set[str] = set()
    for project in projects:
        name = export_filename(project)
        stem, number = name[: -len(".xlsx")], 2
        while name in used:
            name = f"{stem}-{number}.xlsx"
            number += 1
        used.add(name)
        yield project, name


def export_projects_zip(projects, cycle: MonitoringCycle) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for project, name in with_unique_filenames(projects):
            report = report_of(project, cycle)
            archive.writestr(name, export_report_bytes(project=project, cycle=cycle, report=report))
    return buffer.getvalue()


def export_unit_zip(*, unit, cycle: MonitoringCycle, user) -> bytes:
    """One workbook per project of the unit (and of its subordinate units) that the person may see."""
    projects = (
        project_visible(user)
        .filter(owner__path__startswith=unit.path, year=cycle.year)
        .select_related("owner", "owner__parent", "current_target")
        .order_by("owner__code", "code")
    )
    if cycle.organisation_id:
        projects = projects.filter(owner__path__startswith=cycle.organisation.path)
    return export_projects_zip(projects, cycle)


# ---------------------------------------------------------------------------------------------------
# Import


FORMULA = "单元格含公式，请粘贴为数值。"
PROJECT_NOT_FOUND = "未找到项目编码为“{code}”的{year}年度项目，或您无权填报该项目。"


@dataclass
class ImportResult:
    """What one workbook import did.

    `warnings`: (rule code, level, 三级 name or None for a project-level rule) after the import (with
    `dry_run`, what they would be). `errors`: (sheet, cell in A1 notation, Chinese message); sheet and
    cell are None for a problem of the whole file. `notes`: values imported as they are but odd enough
    to check, in the shape of `errors`. `level` is None when the import failed.
    """

    filename: str
    ok: bool = False
    project: Project | None = None
    level: str | None = None
    warnings: list[tuple[str, str, str | None]] = field(default_factory=list)
    errors: list[tuple[str | None, str | None, str]] = field(default_factory=list)
    notes: list[tuple[str | None, str | None, str]] = field(default_factory=list)
    dry_run: bool = False
    revision: int | None = None
    acting_user: object = None
    delegated: bool = False

    def error(self, sheet: str | None, cell: str | None, message: str) -> None:
        self.errors.append((sheet, cell, message))

    def as_dict(self) -> dict:
        """The JSON shape of `manage.py import_analysis --json`."""
        return {
            "file": self.filename,
            "ok": self.ok,
            "project": self.project.code if self.project is not None else None,
            "level": self.level,
            "warnings": [{"code": c, "level": lv, "indicator": name} for c, lv, name in self.warnings],
            "errors": [{"sheet": s, "cell": c, "message": m} for s, c, m in self.errors],
            "notes": [{"sheet": s, "cell": c, "message": m} for s, c, m in self.notes],
        }


_NUMBERING = re.compile(r"^\(?\d{1,2}[).、]")
_PERIOD_LABEL = re.compile(r"^1[-—–~～至到]+\d{1,2}月")


def _norm(value) -> str:
    """A label as compared: NFKC (full-width to ASCII), no spaces, no trailing colon, no leading `1.`."""
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\s+", "", text).rstrip(":")
    return _NUMBERING.sub("", text)


def _norm_name(value) -> str:
    """An indicator name as matched: NFKC and no spaces at all."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


class _Sheet:
    """One worksheet as read: cells by position, labels by text, merged ranges by their top-left cell."""

    def __init__(self, ws, uncached: set[str]):
        self.ws = ws
        self.title = ws.title
        self.uncached = uncached
        self.cells = {}
        self.labels: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for (row, column), cell in ws._cells.items():
            if isinstance(cell, MergedCell):
                continue
            self.cells[(row, column)] = cell
            if isinstance(cell.value, str) and cell.value.strip():
                self.labels[_norm(cell.value)].append((row, column))
        for positions in self.labels.values():
            positions.sort()
        self.ranges: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        self.origin: dict[tuple[int, int], tuple[int, int]] = {}
        for merged in ws.merged_cells.ranges:
            min_col, min_row, max_col, max_row = merged.bounds
            self.ranges[(min_row, min_col)] = (min_row, min_col, max_row, max_col)
            for r in range(min_row, max_row + 1):
                for c in range(min_col, max_col + 1):
                    self.origin[(r, c)] = (min_row, min_col)

    @staticmethod
    def ref(row: int, column: int) -> str:
        return f"{get_column_letter(column)}{row}"

    def find(self, label: str) -> list[tuple[int, int]]:
        return self.labels.get(_norm(label), [])

    def find_matching(self, pattern: re.Pattern) -> list[tuple[int, int]]:
        return sorted(
            pos for text, positions in self.labels.items() if pattern.search(text) for pos in positions
        )

    def extent(self, row: int, column: int) -> tuple[int, int, int, int]:
        return self.ranges.get((row, column), (row, column, row, column))

    def right_of(self, row: int, column: int) -> tuple[int, int]:
        _r0, _c0, _r1, last_column = self.extent(row, column)
        return self.origin.get((row, last_column + 1), (row, last_column + 1))

    def below(self, row: int, column: int) -> tuple[int, int]:
        _r0, _c0, last_row, _c1 = self.extent(row, column)
        return self.origin.get((last_row + 1, column), (last_row + 1, column))

    def is_merged_away(self, row: int, column: int) -> bool:
        """A cell hidden inside a merged range (not its top-left): it holds nothing."""
        origin = self.origin.get((row, column))
        return origin is not None and origin != (row, column)

    def value(self, row: int, column: int):
        cell = self.cells.get((row, column))
        return None if cell is None else cell.value

    def number_format(self, row: int, column: int) -> str:
        cell = self.cells.get((row, column))
        return (cell.number_format or "") if cell is not None else ""

    def has_uncached_formula(self, row: int, column: int) -> bool:
        return self.ref(row, column) in self.uncached


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and normalise_text(value) in NONE_MARKS)


def _decimal_of(value) -> Decimal:
    """A spreadsheet number as an exact Decimal; binary noise of computed floats (0.30000000000000004) removed."""
    if isinstance(value, float):
        number = Decimal(repr(value))
        if number.as_tuple().exponent < -10:
            number = number.quantize(Decimal("1e-10")).normalize()
        return number
    return Decimal(value)


def _plain(number: Decimal) -> str:
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _text_input(value) -> str:
    """A cell as the text a person would have typed into the web form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal)):
        return _plain(_decimal_of(value))
    return str(value)


class _CellProblem(Exception):
    pass


def _number_input(value, number_format: str, *, percent: bool) -> str:
    """The text for a number field of the web form.

    Percent indicators (stored in percentage points):
    - a number in a cell whose number format contains `%` (Excel's own percent cells, as exported) is a
      fraction: 0.85 → 85;
    - text with `%` is taken as written: `85%` → 85, `0.5%` → 0.5;
    - a number without either (a plain number or plain text) is in percentage points when it is 0 or
      greater than 1 (`85` → 85) and refused as ambiguous when 0 < |x| ≤ 1 (`0.85` could be 85% or 0.85%):
      the person is asked to write `85%` or `0.85%`.
    Other number indicators take the number as written (text through the web form's parser).
    """
    if value is None:
        return ""
    if isinstance(value, (bool, date, datetime)):
        raise _CellProblem(f"“{_text_input(value)}”不是有效的数字。")
    if isinstance(value, (int, float, Decimal)):
        number = _decimal_of(value)
        if percent:
            if "%" in number_format:
                number *= 100
            elif 0 < abs(number) <= 1:
                raise _ambiguous_percent(_plain(number))
        elif "%" in number_format:
            raise _not_a_percent_cell(number)
        return _plain(number)
    text = str(value)
    if percent and "%" not in normalise_text(text):
        try:
            number = parse_number(text, percent=True)
        except NotANumber:
            return text  # the form's own message names the bad text
        if number is not None and 0 < abs(number) <= 1:
            raise _ambiguous_percent(normalise_text(text))
    return text


def _ambiguous_percent(text: str) -> _CellProblem:
    return _CellProblem(f"“{text}”含义不明确：请写成百分数，例如 85% 写作“85%”，0.85% 写作“0.85%”。")


def _not_a_percent_cell(number: Decimal) -> _CellProblem:
    """Excel stores "85%" typed into a count or 万元 cell as 0.85 in a percent format: never meant."""
    return _CellProblem(f"“{_plain(number * 100)}%”：此栏不是百分比，请直接填写数值（不带 %）。")


def _money_input(value, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (bool, date, datetime)):
        raise _CellProblem(f"“{_text_input(value)}”不是有效的金额（万元）。")
    if isinstance(value, (int, float, Decimal)):
        if "%" in number_format:
            raise _not_a_percent_cell(_decimal_of(value))
        return _plain(_decimal_of(value))
    return str(value)


def _date_input(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal, bool)):
        raise _CellProblem(f"“{_text_input(value)}”不是有效的日期，请按 2026-11-30 填写。")
    return str(value)


def _choice_input(value, choices, what: str) -> str:
    if _is_blank(value):
        return ""
    text = re.sub(r"\s+", "", normalise_text(_text_input(value)))
    for code, label in choices:
        if text in (str(label), code, code.upper()):
            return code
    allowed = "、".join(str(label) for _code, label in choices)
    raise _CellProblem(f"“{_text_input(value)}”不是有效的{what}，请从下拉列表中选择：{allowed}。")


@dataclass
class _Field:
    """One input read from the sheet: the form field it feeds and the cell it came from."""

    name: str
    cell: str
    text: str


class _Reader:
    """Collects the inputs of one sheet, and every problem found, for one project."""

    def __init__(self, sheet: _Sheet, result: ImportResult):
        self.sheet = sheet
        self.result = result

    def error(self, cell: str | None, message: str) -> None:
        self.result.error(self.sheet.title, cell, message)

    def unique(
        self, label: str, *, below_row: int = 0, above_row: int | None = None
    ) -> tuple[int, int] | None:
        positions = [
            pos
            for pos in self.sheet.find(label)
            if pos[0] > below_row and (above_row is None or pos[0] < above_row)
        ]
        if not positions:
            self.error(None, f"找不到“{label}”栏，请使用本系统导出的表格填写。")
            return None
        if len(positions) > 1:
            cells = "、".join(self.sheet.ref(*pos) for pos in positions)
            self.error(
                self.sheet.ref(*positions[0]), f"“{label}”栏出现了多次（{cells}），无法确定应读取哪一处。"
            )
            return None
        return positions[0]

    def read(self, position: tuple[int, int], name: str, convert) -> _Field | None:
        row, column = position
        ref = self.sheet.ref(row, column)
        if self.sheet.has_uncached_formula(row, column):
            self.error(ref, FORMULA)
            return None
        value = self.sheet.value(row, column)
        try:
            text = convert(value, self.sheet.number_format(row, column))
        except _CellProblem as problem:
            self.error(ref, str(problem))
            return None
        return _Field(name, ref, text)


def _as_text(value, _fmt):
    return _text_input(value)


def _as_money(value, fmt):
    return _money_input(value, fmt)


def _as_date(value, _fmt):
    return _date_input(value)


def _identification(workbook: Workbook) -> dict[str, str]:
    if ID_SHEET not in workbook.sheetnames:
        return {}
    ws = workbook[ID_SHEET]
    values = {}
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 50), max_col=2, values_only=True):
        key, value = row[0], row[1] if len(row) > 1 else None
        if isinstance(key, str):
            values[key.strip()] = "" if value is None else _text_input(value).strip()
    return values if values.get("format") == ID_FORMAT else {}


def _find_sheet(workbook: Workbook, uncached: dict[str, set[str]]) -> _Sheet | None:
    candidates = [SHEET_TITLE] + [name for name in workbook.sheetnames if name not in (SHEET_TITLE, ID_SHEET)]
    for name in candidates:
        if name not in workbook.sheetnames:
            continue
        ws = workbook[name]
        if not hasattr(ws, "_cells"):
            continue  # a chart sheet
        sheet = _Sheet(ws, uncached.get(name, set()))
        if sheet.find(L_PROJECT_CODE):
            return sheet
    return None


_SUBTITLE = re.compile(r"\((\d{4})年1[-—–~～至到]+(\d{1,2})月\)")


def _resolve_cycle(reader: _Reader, ids: dict, cycle: MonitoringCycle | None, user) -> MonitoringCycle | None:
    cycles = MonitoringCycle.objects.all() if user is None else cycle_list(user=user)
    workbook_cycle = None
    if ids.get("cycle_id"):
        try:
            workbook_cycle = cycles.filter(pk=int(ids["cycle_id"])).first()
        except ValueError:
            workbook_cycle = None
        if workbook_cycle is None:
            reader.error(None, "工作簿所属的监控周期不存在或您无权访问，请从系统重新导出。")
            return None
    else:
        for text, positions in reader.sheet.labels.items():
            match = _SUBTITLE.search(text)
            if match and positions[0][0] <= 5:
                year = int(match.group(1))
                workbook_cycle = cycles.filter(kind="annual", year=year).first()
                if workbook_cycle is None and cycle is None:
                    reader.error(reader.sheet.ref(*positions[0]), f"找不到{year}年度的年度监控周期。")
                    return None
                break
    if cycle is not None:
        if workbook_cycle is not None and workbook_cycle.pk != cycle.pk:
            reader.error(
                None,
                f"工作簿属于监控周期“{workbook_cycle.name}”（{workbook_cycle.period_label}），"
                f"不是“{cycle.name}”（{cycle.period_label}）。请导入该周期导出的表格。",
            )
            return None
        return cycle
    if workbook_cycle is None:
        reader.error(
            None, "无法确定工作簿所属的监控周期（缺少系统识别信息），请从系统重新导出，或指定监控周期。"
        )
    return workbook_cycle


def _owner_actor(project: Project):
    """The first active filler (else unit leader) of the project's owning unit."""
    membership = (
        Membership.objects.filter(
            organisation=project.owner,
            organisation__is_active=True,
            role__in=[Role.FILLER, Role.UNIT_LEADER],
            user__is_active=True,
        )
        .select_related("user")
        .annotate(
            role_order=Case(
                When(role=Role.FILLER, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("role_order", "user_id")
        .first()
    )
    return (membership.user, membership.get_role_display()) if membership else (None, None)


def _resolve_project(reader: _Reader, code_pos, cycle, user, expected: Project | None) -> Project | None:
    value_pos = reader.sheet.right_of(*code_pos)
    ref = reader.sheet.ref(*value_pos)
    if reader.sheet.has_uncached_formula(*value_pos):
        reader.error(ref, FORMULA)
        return None
    code = normalise_text(_text_input(reader.sheet.value(*value_pos)))
    if not code:
        reader.error(ref, "未填写项目编码。")
        return None
    projects = Project.objects.all() if user is None else project_visible(user)
    project = (
        projects.filter(code=code, year=cycle.year)
        .select_related("owner", "owner__parent", "current_target")
        .first()
    )
    if project is None:
        reader.error(ref, PROJECT_NOT_FOUND.format(code=code, year=cycle.year))
        return None
    if expected is not None and project.pk != expected.pk:
        reader.error(
            ref,
            f"工作簿属于项目“{project.code} {project.name}”，不是“{expected.code} {expected.name}”。",
        )
        return None
    return project


def _read_report_fields(reader: _Reader, header_row: int | None, month_hint: int) -> list[_Field]:
    """The report's own inputs, each with the cell it was read from."""
    sheet = reader.sheet
    fields: list[_Field] = []
    limit = header_row

    # Funds: 全年预计执行数 of 财政拨款 / 其他资金, in 万元.
    projected_header = reader.unique(L_PROJECTED, above_row=limit)
    fiscal_label = sheet.find_matching(re.compile(r"^(其中:)?财政拨款$"))
    other_label = [pos for pos in sheet.find(L_FUNDS_OTHER) if limit is None or pos[0] < limit]
    if projected_header is not None:
        column = projected_header[1]
        for label, positions, name in (
            (L_FUNDS_FISCAL, [p for p in fiscal_label if limit is None or p[0] < limit], "projected_fiscal"),
            (L_FUNDS_OTHER, other_label, "projected_other"),
        ):
            if len(positions) != 1:
                reader.error(None, f"找不到资金表的“{label}”行，请使用本系统导出的表格填写。")
                continue
            fields.append(reader.read((positions[0][0], column), name, _as_money))
        total = [pos for pos in sheet.find(L_FUNDS_TOTAL) if limit is None or pos[0] < limit]
        if len(total) == 1:
            total_pos = (total[0][0], column)
            fields.append(
                _Field("_projected_total", sheet.ref(*total_pos), _text_input(sheet.value(*total_pos)))
            )

    # Funds deviation analysis: the labels in one row above the indicator table, each value below it.
    funding_label = str(DEVIATION_FIELDS[0][1])
    rows = sorted({row for row, _col in sheet.find(funding_label) if limit is None or row < limit})
    if len(rows) != 1:
        reader.error(
            None, "找不到资金执行的“偏差原因分析”栏（经费保障、制度保障……），请使用本系统导出的表格填写。"
        )
    else:
        label_row = rows[0]
        for name, label in [*DEVIATION_FIELDS, ("corrective_measures", L_CORRECTIVE)]:
            positions = [pos for pos in sheet.find(str(label)) if pos[0] == label_row]
            if len(positions) != 1:
                reader.error(None, f"找不到资金执行偏差原因分析的“{label}”栏。")
                continue
            fields.append(reader.read(sheet.below(*positions[0]), name, _as_text))

    # Goal progress.
    goal = sheet.find_matching(re.compile(_PERIOD_LABEL.pattern + "目标完成情况$"))
    if len(goal) != 1:
        reader.error(None, f"找不到“1—{month_hint}月目标完成情况”栏。")
    else:
        fields.append(reader.read(sheet.right_of(*goal[0]), "goal_progress", _as_text))

    # Narratives and footer, below the indicator table.
    after = header_row or 0
    for name, label in NARRATIVE_FIELDS:
        position = reader.unique(str(label), below_row=after)
        if position is not None:
            fields.append(reader.read(sheet.right_of(*position), name, _as_text))
    for name, label in FOOTER_FIELDS:
        position = reader.unique(label, below_row=after)
        if position is not None:
            fields.append(
                reader.read(sheet.right_of(*position), name, _as_date if name == "filled_on" else _as_text)
            )
    return [f for f in fields if f is not None]


_TOP_DATE = re.compile(r"^填报日期:(.*)$")


def _top_line_date(sheet: _Sheet) -> _Field | None:
    """The date written after `填报日期：` in the line under the title (people fill it on paper habit)."""
    for text, positions in sheet.labels.items():
        match = _TOP_DATE.match(text)
        if match and positions[0][0] <= 5:
            return _Field("filled_on", sheet.ref(*positions[0]), match.group(1))
    return None


def _indicator_header(sheet: _Sheet, month: int):
    """(header row, first data row, column of each key) of the indicator table, or None."""
    positions = sheet.find(L_INDICATOR_NAME)
    if len(positions) != 1:
        return None
    header_row = positions[0][0]
    keys_by_text = {
        _norm("一级指标"): "level1",
        _norm("二级指标"): "category",
        _norm(L_INDICATOR_NAME): "name",
        _norm("年度指标值"): "target",
        _norm("全年预计完成值"): "projected",
        _norm("完成进度"): "progress",
        _norm(L_CORRECTIVE): "corrective_measures",
        _norm("备注"): "remark",
        _norm("预警"): "warnings",
        **{_norm(str(label)): name for name, label in DEVIATION_FIELDS},
    }
    columns: dict[str, list[int]] = defaultdict(list)
    used_second_row = False
    for (row, column), cell in sheet.cells.items():
        if row not in (header_row, header_row + 1) or not isinstance(cell.value, str):
            continue
        text = _norm(cell.value)
        key = keys_by_text.get(text)
        if key is None:
            if _PERIOD_LABEL.match(text) and text.endswith("实际完成值"):
                key = "actual"
            elif text.startswith(_norm("完成目标可能性")):
                key = "likelihood"
            elif text.startswith("自评"):
                key = "self_assessment"
        if key is None:
            continue
        if row == header_row + 1:
            used_second_row = True
        columns[key].append(column)
    first_data_row = header_row + (2 if used_second_row else 1)
    for _r0, _c0, last_row, _c1 in (sheet.extent(header_row, c) for lst in columns.values() for c in lst):
        first_data_row = max(first_data_row, last_row + 1)
    return header_row, first_data_row, columns


INDICATOR_INPUTS = [
    "actual",
    "projected",
    "self_assessment",
    *DEVIATION_KEYS,
    "likelihood",
    "corrective_measures",
    "remark",
]
_COLUMN_TITLES = {
    "name": L_INDICATOR_NAME,
    "actual": "实际完成值",
    "projected": "全年预计完成值",
    "self_assessment": SELF_ASSESSMENT_HEADER,
    "likelihood": "完成目标可能性",
    "corrective_measures": L_CORRECTIVE,
    "remark": "备注",
    **{name: f"偏差原因分析·{label}" for name, label in DEVIATION_FIELDS},
}


def _table_end(sheet: _Sheet, header_row: int) -> int:
    """The first row after the indicator table: the narrative heading, a narrative or footer label."""
    stops = [
        L_NARRATIVE_HEADING,
        *(str(label) for _n, label in NARRATIVE_FIELDS),
        *(label for _n, label in FOOTER_FIELDS),
    ]
    rows = [row for label in stops for row, _col in sheet.find(label) if row > header_row]
    return min(rows) if rows else max((row for row, _col in sheet.cells), default=header_row) + 1


def _read_indicators(
    reader: _Reader, indicators: list[Indicator], month: int
) -> dict[int, list[_Field]] | None:
    sheet = reader.sheet
    header = _indicator_header(sheet, month)
    if header is None:
        reader.error(None, "找不到绩效指标表（表头“三级指标”），请使用本系统导出的表格填写。")
        return None
    header_row, first_row, columns = header
    missing = [key for key in ("name", *INDICATOR_INPUTS) if len(columns.get(key, [])) != 1]
    for key in missing:
        found = columns.get(key, [])
        if found:
            reader.error(
                sheet.ref(header_row, found[0]), f"绩效指标表的“{_COLUMN_TITLES[key]}”列出现了多次。"
            )
        else:
            reader.error(sheet.ref(header_row, 1), f"绩效指标表缺少“{_COLUMN_TITLES[key]}”列。")
    if missing:
        return None
    column = {key: found[0] for key, found in columns.items()}
    end = _table_end(sheet, header_row)

    names = defaultdict(list)
    for indicator in indicators:
        names[_norm_name(indicator.name)].append(indicator)
    seen: dict[int, int] = {}
    rows_by_indicator: dict[int, int] = {}
    for row in range(first_row, end):
        name_value = sheet.value(row, column["name"])
        if _is_blank(name_value) or sheet.is_merged_away(row, column["name"]):
            stray = [
                key
                for key in INDICATOR_INPUTS
                if not sheet.is_merged_away(row, column[key]) and not _is_blank(sheet.value(row, column[key]))
            ]
            if stray:
                reader.error(
                    sheet.ref(row, column[stray[0]]),
                    f"第{row}行填写了内容，但没有三级指标名称，无法对应到指标。",
                )
            continue
        ref = sheet.ref(row, column["name"])
        candidates = names.get(_norm_name(_text_input(name_value)), [])
        if len(candidates) > 1:  # the same 三级 name under two 二级: tell them apart by the 二级 column
            category_value = None
            if "category" in column:
                origin = sheet.origin.get((row, column["category"]), (row, column["category"]))
                category_value = _norm(_text_input(sheet.value(*origin)))
            candidates = [
                i for i in candidates if _norm(i.get_category_display()) == category_value
            ] or candidates
        if not candidates:
            reader.error(ref, f"“{_text_input(name_value)}”不是本项目的三级指标（请勿修改指标名称）。")
            continue
        if len(candidates) > 1:
            reader.error(ref, f"三级指标“{_text_input(name_value)}”无法唯一对应，请保留二级指标栏。")
            continue
        indicator = candidates[0]
        if indicator.pk in seen:
            reader.error(ref, f"三级指标“{indicator.name}”重复出现（第{seen[indicator.pk]}行和第{row}行）。")
            continue
        seen[indicator.pk] = row
        rows_by_indicator[indicator.pk] = row
    for indicator in indicators:
        if indicator.pk not in seen:
            reader.error(None, f"绩效指标表缺少三级指标“{indicator.name}”所在的行。")

    result: dict[int, list[_Field]] = {}
    by_pk = {i.pk: i for i in indicators}
    for pk, row in rows_by_indicator.items():
        result[pk] = _read_indicator_row(reader, by_pk[pk], row, column)
    return result


def _read_indicator_row(
    reader: _Reader, indicator: Indicator, row: int, column: dict[str, int]
) -> list[_Field]:
    sheet = reader.sheet
    value_type = indicator.value_type
    fields: list[_Field | None] = []

    def at(key):
        return (row, column[key])

    def not_applicable(key, why):
        position = at(key)
        if sheet.is_merged_away(*position):
            return
        value = sheet.value(*position)
        if not _is_blank(value):
            reader.error(sheet.ref(*position), f"{why}，此栏不填（请留空或填“—”）。")

    if value_type in (ValueType.NUMBER, ValueType.PERCENT):
        percent = value_type == ValueType.PERCENT

        def as_number(value, fmt):
            return _number_input(value, fmt, percent=percent)

        fields.append(_read_cell(reader, at("actual"), "actual_number", as_number))
        fields.append(_read_cell(reader, at("projected"), "projected_number", as_number))
        not_applicable("self_assessment", "自评仅用于定性指标")
    elif value_type == ValueType.DATE:
        fields.append(_read_cell(reader, at("actual"), "actual_date", _as_date))
        fields.append(_read_cell(reader, at("projected"), "projected_date", _as_date))
        not_applicable("self_assessment", "自评仅用于定性指标")
    else:
        fields.append(_read_cell(reader, at("actual"), "actual_text", _as_text))
        not_applicable("projected", "定性指标没有全年预计完成值")

        def as_assessment(value, _fmt):
            return _choice_input(value, SelfAssessment.choices, "自评")

        fields.append(_read_cell(reader, at("self_assessment"), "self_assessment", as_assessment))

    def as_likelihood(value, _fmt):
        return _choice_input(value, Likelihood.choices, "完成目标可能性")

    fields.append(_read_cell(reader, at("likelihood"), "likelihood", as_likelihood))
    for key in (*DEVIATION_KEYS, "corrective_measures", "remark"):
        fields.append(_read_cell(reader, at(key), key, _as_text))
    return [f for f in fields if f is not None]


def _read_cell(reader: _Reader, position, name, convert) -> _Field | None:
    if reader.sheet.is_merged_away(*position):
        return _Field(name, reader.sheet.ref(*position), "")
    return reader.read(position, name, convert)


def _form_errors(reader: _Reader, form, fields: list[_Field], subject: str = "") -> None:
    cells = {f.name: f.cell for f in fields}
    for name, messages in form.errors.items():
        label = form.fields[name].label if name in form.fields else name
        for message in messages:
            prefix = f"{subject}{label}：" if label else subject
            reader.error(cells.get(name), f"{prefix}{message}")


def _entry_notes(reader: _Reader, form, fields: list[_Field], cycle: MonitoringCycle) -> None:
    """The notes the web form shows beside the row, at the row's 实际完成值 cell."""
    figures = indicator_figures(form.indicator, IndicatorEntry(**form.cleaned_data))
    cells = {f.name: f.cell for f in fields}
    cell = cells.get("actual_number") or cells.get("actual_date") or cells.get("projected_number")
    for note in plausibility.entry_notes(figures, year=cycle.year, period_end_month=cycle.period_end_month):
        reader.result.notes.append((reader.sheet.title, cell, f"指标“{form.indicator.name}”：{note}"))


class _DryRun(Exception):
    pass


def import_report_workbook(
    *,
    file_obj_or_path,
    filename: str,
    user,
    cycle: MonitoringCycle | None = None,
    dry_run: bool = False,
    project: Project | None = None,
    act_for_owner: bool = False,
    budget: XlsxBudget | None = None,
) -> ImportResult:
    """Import one filled 附件1 workbook, whole or not at all.

    - The file is checked before parsing (size, zip container, entry count, uncompressed size and
      compression ratio, the size of each XML part, the sheet's declared and real extent and cell count,
      macros, encryption); a file that fails gets one message.
    - The project is found by its 项目编码 among the projects the person may see (the same message for a
      code that does not exist and one the person may not see); the cycle by the workbook's hidden
      identification, else the subtitle's year, and `cycle` when given must match it. `project` (when
      given) is the project the workbook must belong to.
    - Every value is read through the web form's own fields (ReportForm / EntryForm), so the stored values
      are those the same typing in the web form gives; the Excel-only rules (percent cells, formulas)
      are in `_number_input` and `FORMULA`.
    - Stale files: the workbook carries the revision it was exported from. It is imported only when that
      is still the stored revision (it is then passed to report_save as expected_revision); a report saved
      since (on the web, by an import, by anyone) makes the file stale and it is refused, to be exported
      again. Importing the same file twice is therefore refused the second time.
    - `user=None` with `act_for_owner=True` (the operator's command only): projects are looked up without
      scoping and the report is saved as the first active filler (else unit leader) of the owning unit;
      the audit trail records that it was done on that person's behalf.
    - With `dry_run` everything is checked and saved inside a transaction that is rolled back, so the
      warnings and level are exactly those a real import would give; nothing is written.
    - `budget`, shared by the files of one request, bounds what they may have parsed together.
    """
    result = ImportResult(filename=filename, dry_run=dry_run)
    if user is None and not act_for_owner:
        raise ValueError("user is required (user=None only with act_for_owner=True)")
    try:
        data = read_upload(file_obj_or_path, REPORT_LIMITS)
        workbook, uncached = load_xlsx(data, budget if budget is not None else XlsxBudget(REPORT_LIMITS))
    except XlsxRefused as rejection:
        result.error(None, None, str(rejection))
        return result

    sheet = _find_sheet(workbook, uncached)
    if sheet is None:
        result.error(None, None, "找不到“附件1”工作表（表中应有“项目编码”栏），请使用本系统导出的表格填写。")
        return result
    reader = _Reader(sheet, result)
    ids = _identification(workbook)

    code_pos = reader.unique(L_PROJECT_CODE)
    cycle = _resolve_cycle(reader, ids, cycle, user)
    if code_pos is None or cycle is None:
        return result
    found = _resolve_project(reader, code_pos, cycle, user, project)
    if found is None:
        return result
    project = found
    result.project = project
    if ids.get("project_code") and normalise_text(ids["project_code"]) != project.code:
        reader.error(
            sheet.ref(*sheet.right_of(*code_pos)),
            f"表中项目编码“{project.code}”与工作簿的导出信息（项目“{ids['project_code']}”）不一致，"
            "请从系统导出该项目的表格填写。",
        )
        return result

    acting_user = user
    role_label = None
    if user is None:
        acting_user, role_label = _owner_actor(project)
        if acting_user is None:
            reader.error(
                None,
                f"单位“{project.owner.name}”没有可用的填报人或单位负责人账号，无法代为导入；请用 --user 指定操作人。",
            )
            return result
        result.delegated = True
    result.acting_user = acting_user

    report = (
        AnalysisReport.objects.filter(project=project, cycle=cycle).select_related("target_version").first()
    )
    version = report.target_version if report is not None else project.current_target
    if version is None:
        reader.error(None, "该项目尚未设定绩效目标，不能填报。")
        return result
    current_revision = report.revision if report is not None else 0
    expected_revision = _check_revision(reader, ids, current_revision, version)

    indicators = _ordered_indicators(version)
    header = _indicator_header(sheet, cycle.period_end_month)
    header_row = header[0] if header else None
    report_fields = _read_report_fields(reader, header_row, cycle.period_end_month)
    top_date = _top_line_date(sheet)
    entry_fields = _read_indicators(reader, indicators, cycle.period_end_month) or {}

    # The report form, fed with what the cells say.
    data = {"revision": str(current_revision)}
    fields_by_name = {f.name: f for f in report_fields}
    total_field = fields_by_name.pop("_projected_total", None)
    report_fields = [f for f in report_fields if f.name != "_projected_total"]
    for f in report_fields:
        data[f.name] = f.text
    if top_date is not None and not _is_blank(top_date.text):
        footer_date = fields_by_name.get("filled_on")
        if footer_date is None or _is_blank(footer_date.text):
            data["filled_on"] = top_date.text
            report_fields.append(top_date)
    report_form = ReportForm(data, report=report, cycle=cycle)
    report_form.is_valid()
    _form_errors(reader, report_form, report_fields)
    if top_date is not None and "filled_on" not in report_form.errors and not _is_blank(top_date.text):
        _check_top_date(reader, top_date, report_form.cleaned_data.get("filled_on"))
    if total_field is not None and not sheet.has_uncached_formula(*coordinate_to_tuple(total_field.cell)):
        _check_projected_total(reader, total_field, report_form)

    entry_forms = []
    by_pk = {i.pk: i for i in indicators}
    for pk, fields in entry_fields.items():
        indicator = by_pk[pk]
        form = EntryForm(
            {f"i{pk}-{f.name}": f.text for f in fields}, indicator=indicator, entry=None, cycle=cycle
        )
        if form.is_valid():
            _entry_notes(reader, form, fields, cycle)
        _form_errors(reader, form, fields, subject=f"指标“{indicator.name}”")
        entry_forms.append(form)

    if result.errors or expected_revision is None:
        return result

    try:
        _save(
            result,
            project,
            cycle,
            report_form,
            entry_forms,
            expected_revision,
            acting_user,
            role_label,
            by_pk,
        )
    except StaleReport as exc:
        reader.error(None, exc.messages[0] + " 请从系统重新导出后再填写。")
    except PermissionDenied as exc:
        reader.error(None, str(exc) or "只有项目实施单位的填报人或负责人可以填报监控分析表。")
    except ValidationError as exc:
        for message in exc.messages:
            reader.error(None, message)
    if result.errors:
        result.ok, result.level, result.warnings, result.revision, result.notes = False, None, [], None, []
    return result


def _check_revision(reader: _Reader, ids: dict, current_revision: int, version) -> int | None:
    """The expected revision to save with, or None (with an error) when the file is stale or unverifiable."""
    if not ids:
        if current_revision == 0:
            return 0
        reader.error(
            None,
            "工作簿缺少系统识别信息，无法确认它是否基于最新保存的内容；为避免覆盖他人的修改，请从系统重新导出后再填写。",
        )
        return None
    try:
        file_revision = int(ids.get("revision", ""))
    except ValueError:
        reader.error(None, "工作簿的系统识别信息已损坏，请从系统重新导出后再填写。")
        return None
    if file_revision != current_revision:
        reader.error(
            None,
            f"该表导出后已被保存过（导出时为第 {file_revision} 次保存，现为第 {current_revision} 次保存），"
            "为避免覆盖他人的修改，本次导入未执行。请从系统重新导出最新的表格后再填写。",
        )
        return None
    if ids.get("target_version_id") and ids["target_version_id"] != str(version.pk):
        reader.error(None, "该项目的绩效目标在导出后已调整，请从系统重新导出后再填写。")
        return None
    return current_revision


def _check_top_date(reader: _Reader, top_date: _Field, footer_value) -> None:
    try:
        top_value = parse_date(top_date.text)
    except NotANumber:
        reader.error(top_date.cell, f"填报日期“{top_date.text}”不是有效的日期，请按 2026-11-30 填写。")
        return
    if footer_value is not None and top_value is not None and top_value != footer_value:
        reader.error(
            top_date.cell,
            f"表头的填报日期（{top_value:%Y-%m-%d}）与表尾的填报日期（{footer_value:%Y-%m-%d}）不一致。",
        )


def _check_projected_total(reader: _Reader, total: _Field, report_form) -> None:
    """The total row's 全年预计执行数 is the sum of its two parts, which are what is read.

    A total left as exported after the parts were edited offline is not a mistake worth refusing the
    file for: it is noted at its cell, and the parts count."""
    if _is_blank(total.text):
        return
    try:
        typed = parse_number(total.text)
    except NotANumber:
        reader.error(total.cell, f"“{total.text}”不是有效的金额（万元）。")
        return
    if "projected_fiscal" in report_form.errors or "projected_other" in report_form.errors:
        return
    fiscal = report_form.cleaned_data.get("projected_fiscal")
    other = report_form.cleaned_data.get("projected_other")
    if fiscal is None and other is None:
        reader.error(
            total.cell,
            "请分别填写“其中：财政拨款”和“其他资金”的全年预计执行数（合计行自动计算，不单独读取）。",
        )
        return
    parts = ((fiscal or 0) + (other or 0)) / TEN_THOUSAND
    if abs(Decimal(typed) - parts) >= Decimal("0.005"):
        reader.result.notes.append(
            (
                reader.sheet.title,
                total.cell,
                f"全年预计执行数合计（{typed}万元）与财政拨款、其他资金之和（{parts:.2f}万元）不一致，"
                "已按两项之和导入（合计行不单独读取）。",
            )
        )


def _save(
    result, project, cycle, report_form, entry_forms, expected_revision, acting_user, role_label, by_pk
):
    comment = f"导入Excel：{result.filename}"
    if result.delegated:
        comment += (
            f"；命令行导入未指定操作人（--user），由系统以单位{role_label}“{acting_user}”的身份代为保存"
        )
    try:
        with transaction.atomic():
            report = report_save(
                project=project,
                cycle=cycle,
                values=report_form.values(),
                entries={form.indicator.pk: form.values() for form in entry_forms},
                expected_revision=expected_revision,
                acting_user=acting_user,
                source="import",
                comment=comment,
            )
            result.level = report.level
            result.revision = report.revision
            result.warnings = [
                (w.code, w.level, by_pk[w.indicator_id].name if w.indicator_id in by_pk else None)
                for w in ReportWarning.objects.filter(report=report).order_by("pk")
            ]
            result.ok = True
            if result.dry_run:
                raise _DryRun
    except _DryRun:
        pass


__all__ = [
    "REPORT_LIMITS",
    "ImportResult",
    "export_filename",
    "export_projects_zip",
    "export_report_bytes",
    "export_report_workbook",
    "export_unit_zip",
    "import_report_workbook",
    "report_of",
    "workbook_bytes",
]
