"""The step-2 package's own documents: the aggregated table (汇总表) and the overall report (整体绩效运行
监控分析报告), drafted from the data and kept as the unit edits it (forms.md)."""

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import F, FilteredRelation, Q
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from jixiao.core.formatting import pct, wan
from jixiao.core.xlsx import (
    BORDER,
    CENTER,
    FMT_RATE,
    FMT_WAN,
    FONT,
    FONT_BOLD,
    FONT_TITLE,
    RIGHT,
    WRAP,
    SharedStyles,
    a4_landscape,
    put_value,
    text_height,
    workbook_bytes,
)
from jixiao.funding.models import FundingState
from jixiao.funding.selectors import with_funding_state
from jixiao.monitoring.models import (
    DEVIATION_FIELDS,
    LEVEL_RANK,
    AnalysisReport,
    IndicatorEntry,
    MonitoringCycle,
    ReportWarning,
)
from jixiao.organisations.models import Organisation
from jixiao.projects.models import ZERO, Project
from jixiao.projects.selectors import budget_expression, paid_to_date_subquery
from jixiao.workflow.models import Step, Submission, SubmissionState

LEVEL_TEXT = {"red": "红色", "yellow": "黄色", "green": "绿色"}


@dataclass
class UnitGroup:
    unit: Organisation
    projects: list = field(default_factory=list)

    @property
    def budget(self) -> Decimal:
        return sum((p.budget_total for p in self.projects), ZERO)

    @property
    def paid(self) -> Decimal:
        return sum((p.paid_to_date for p in self.projects), ZERO)

    @property
    def rate(self) -> Decimal | None:
        return self.paid / self.budget if self.budget else None

    def count(self, level: str) -> int:
        return sum(1 for p in self.projects if p.report_level == level)


def aggregated_groups(*, unit: Organisation, cycle: MonitoringCycle) -> list[UnitGroup]:
    """The unit's own projects, then those of each subordinate whose step-1 package was accepted."""
    accepted = Submission.objects.filter(
        cycle=cycle, step=Step.UNIT_TO_PRIMARY, state=SubmissionState.ACCEPTED, organisation__parent=unit
    ).values("organisation")
    units = [unit, *Organisation.objects.filter(pk__in=accepted, is_classified=False).order_by("code")]
    projects = (
        with_funding_state(Project.objects.filter(owner__in=units, year=cycle.year))
        .annotate(
            cycle_report=FilteredRelation("reports", condition=Q(reports__cycle=cycle)),
            report_level=F("cycle_report__level"),
            report_id=F("cycle_report__id"),
            budget_total=budget_expression(),
            paid_to_date=paid_to_date_subquery(cycle.period_end_month),
        )
        .order_by("code")
    )
    main_problem: dict[int, str] = {}
    warnings = (
        ReportWarning.objects.filter(
            report__cycle=cycle, report__project__owner__in=units, report__project__year=cycle.year
        )
        .exclude(level="blue")
        .values_list("level", "pk", "report_id", "message")
    )
    for _level, _pk, report_id, message in sorted(warnings, key=lambda w: (LEVEL_RANK[w[0]], w[1])):
        main_problem.setdefault(report_id, message)
    groups = {u.pk: UnitGroup(unit=u) for u in units}
    for project in projects:
        project.main_problem = main_problem.get(project.report_id, "")
        groups[project.owner_id].projects.append(project)
    return list(groups.values())


HEADERS = [
    ("单位", 22),
    ("项目编码", 18),
    ("项目名称", 30),
    ("预算数（万元）", 14),
    ("执行数（万元）", 14),
    ("执行率", 9),
    ("预警等级", 9),
    ("主要偏差", 48),
    ("拨款状态", 10),
]


def aggregated_table_filename(submission: Submission) -> str:
    return f"{submission.organisation.name}_汇总表_{submission.cycle.period_label}.xlsx"


def overall_report_filename(submission: Submission) -> str:
    return f"{submission.organisation.name}_整体绩效运行监控分析报告.docx"


def aggregated_table_title(unit: Organisation) -> str:
    """The 汇总表's title: the district once, whether or not the unit's name already carries it."""
    district = settings.DISTRICT_NAME
    owner = unit.name if unit.name.startswith(district) else f"{district}{unit.name}"
    return f"{owner}项目预算绩效监控汇总表"


LABEL_COLUMNS = 3  # 单位 · 项目编码 · 项目名称: the span of a subtotal's label
MONEY_COLUMNS, RATE_COLUMN = (4, 5), 6
CENTRED_COLUMNS = (2, 7, 9)  # 项目编码, 预警等级, 拨款状态 (第十五条, after the form's own columns)


def aggregated_table_workbook(*, unit: Organisation, cycle: MonitoringCycle) -> Workbook:
    """汇总表: one row per project, subtotals per unit, a grand total; prints on A4 landscape."""
    groups = aggregated_groups(unit=unit, cycle=cycle)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "汇总表"
    last = len(HEADERS)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    title = put_value(sheet.cell(row=1, column=1), aggregated_table_title(unit))
    title.font, title.alignment = FONT_TITLE, CENTER
    sheet.row_dimensions[1].height = 30
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    period = put_value(
        sheet.cell(row=2, column=1), f"（{cycle.year}年1—{cycle.period_end_month}月）    金额单位：万元"
    )
    period.font, period.alignment = FONT, CENTER
    sheet.row_dimensions[2].height = 20
    for column, (header, width) in enumerate(HEADERS, start=1):
        cell = put_value(sheet.cell(row=3, column=column), header)
        cell.font, cell.alignment, cell.border = FONT_BOLD, CENTER, BORDER
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[3].height = 22
    row = 4

    styles = SharedStyles(workbook)

    def put(values, *, bold=False, label_span=1):
        """One row; a subtotal's label spans the first LABEL_COLUMNS cells so that it never wraps."""
        nonlocal row
        if label_span > 1:
            sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=label_span)
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column)
            if column == 1 or column > label_span:  # the rest of a merged label holds no value
                put_value(cell, value)
            if column in (*MONEY_COLUMNS, RATE_COLUMN):
                alignment = RIGHT
            else:
                alignment = CENTER if column in CENTRED_COLUMNS and column > label_span else WRAP
            styles.apply(
                cell,
                font=FONT_BOLD if bold else FONT,
                border=BORDER,
                alignment=alignment,
                number_format=FMT_WAN
                if column in MONEY_COLUMNS
                else FMT_RATE
                if column == RATE_COLUMN
                else None,
            )
        texts = [(value, HEADERS[column][1]) for column, value in enumerate(values) if isinstance(value, str)]
        if label_span > 1:
            texts[0] = (values[0], sum(width for _header, width in HEADERS[:label_span]))
        sheet.row_dimensions[row].height = max(text_height(text, width) for text, width in texts)
        row += 1

    def money(yuan):
        return float(yuan / 10000)

    def rate(paid, budget):
        return float(paid / budget) if budget else None

    total_budget = total_paid = ZERO
    for group in groups:
        for p in group.projects:
            put(
                [
                    group.unit.name,
                    p.code,
                    p.name,
                    money(p.budget_total),
                    money(p.paid_to_date),
                    rate(p.paid_to_date, p.budget_total),
                    LEVEL_TEXT.get(p.report_level, "未填报"),
                    p.main_problem,
                    FundingState(p.funding_state).label,
                ]
            )
        put(
            [f"{group.unit.name} 小计（{len(group.projects)} 个项目）", None, None, money(group.budget),
             money(group.paid), rate(group.paid, group.budget), None, None, None],
            bold=True,
            label_span=LABEL_COLUMNS,
        )  # fmt: skip
        total_budget += group.budget
        total_paid += group.paid
    put(
        [
            "合计",
            None,
            None,
            money(total_budget),
            money(total_paid),
            rate(total_paid, total_budget),
            None,
            None,
            None,
        ],
        bold=True,
        label_span=LABEL_COLUMNS,
    )
    sheet.print_title_rows = "3:3"
    a4_landscape(sheet, last_column=len(HEADERS), last_row=row - 1)
    return workbook


def aggregated_table_xlsx(*, unit: Organisation, cycle: MonitoringCycle) -> bytes:
    return workbook_bytes(aggregated_table_workbook(unit=unit, cycle=cycle))


MAX_QUOTED = 8


def _deviation_summary(report_ids: list[int]) -> tuple[list[str], list[str]]:
    """What the projects' own deviation analyses say, grouped by the five causes, and their measures."""
    texts: dict[str, dict[str, None]] = {name: {} for name, _label in DEVIATION_FIELDS}
    measures: dict[str, None] = {}
    columns = [name for name, _label in DEVIATION_FIELDS] + ["corrective_measures"]
    rows = [
        *AnalysisReport.objects.filter(pk__in=report_ids).order_by("pk").values_list(*columns),
        *IndicatorEntry.objects.filter(report_id__in=report_ids)
        .order_by("report_id", "pk")
        .values_list(*columns),
    ]
    for row in rows:
        for (name, _label), text in zip(DEVIATION_FIELDS, row, strict=False):
            if text.strip():
                texts[name].setdefault(text.strip())
        if row[-1].strip():
            measures.setdefault(row[-1].strip())
    reasons = [
        f"{label}方面：{'；'.join(list(texts[name])[:MAX_QUOTED])}"
        for name, label in DEVIATION_FIELDS
        if texts[name]
    ]
    return reasons, [f"{n}. {text}" for n, text in enumerate(list(measures)[:MAX_QUOTED], start=1)]


def overall_report_draft(*, unit: Organisation, cycle: MonitoringCycle) -> str:
    """A first draft of the overall report written from the data; the unit edits it before sending."""
    groups = aggregated_groups(unit=unit, cycle=cycle)
    projects = [p for g in groups for p in g.projects]
    budget = sum((g.budget for g in groups), ZERO)
    paid = sum((g.paid for g in groups), ZERO)
    counts = {level: sum(g.count(level) for g in groups) for level in ("red", "yellow", "green")}
    unfilled = sum(1 for p in projects if p.report_id is None)
    red = [p for p in projects if p.report_level == "red"]
    subordinates = Organisation.objects.filter(parent=unit, is_classified=False).order_by("code")
    packages = {
        s.organisation_id: s
        for s in Submission.objects.filter(
            cycle=cycle, step=Step.UNIT_TO_PRIMARY, organisation__in=subordinates
        )
    }
    reasons, measures = _deviation_summary([p.report_id for p in projects if p.report_id])
    lines = [
        f"{unit.name}{cycle.year}年1—{cycle.period_end_month}月整体绩效运行监控分析报告",
        "",
        "一、基本情况",
        f"纳入本次监控的项目共 {len(projects)} 个（含下属单位），预算总额 {wan(budget)} 万元，"
        f"1—{cycle.period_end_month}月执行 {wan(paid)} 万元，执行率 {pct(paid / budget if budget else None)}，"
        f"时间进度 {pct(cycle.time_progress)}。",
        "",
        "二、预算执行情况",
        *(
            f"{g.unit.name}：项目 {len(g.projects)} 个，预算 {wan(g.budget)} 万元，执行 {wan(g.paid)} 万元，"
            f"执行率 {pct(g.rate)}。"
            for g in groups
        ),
        "",
        "三、绩效目标实现情况及预警",
        f"红色预警 {counts['red']} 个，黄色预警 {counts['yellow']} 个，绿色 {counts['green']} 个"
        + (f"，尚未填报 {unfilled} 个。" if unfilled else "。"),
        *(f"{p.name}（{p.code}）：{p.main_problem}" for p in red),
        "",
        "四、主要偏差及原因",
        *(reasons or ["各项目未报告明显偏差。"]),
        "",
        "五、纠偏措施",
        *(measures or ["暂无需要采取的纠偏措施。"]),
        "",
        "六、下属单位报送情况",
        *(
            f"{s.name}：{packages[s.pk].get_state_display() if s.pk in packages else '未报送'}"
            for s in subordinates
        ),
    ]
    return "\n".join(lines)


def _east_asian(run, font: str) -> None:
    run.font.name = font
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)


def overall_report_document(*, submission: Submission):
    """The report as Word: the first line is the title, lines like "一、…" are headings."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.orientation = WD_ORIENT.PORTRAIT
    for margin in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, margin, Cm(2.5))
    lines = submission.overall_report.splitlines() or [""]
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(lines[0])
    run.bold, run.font.size = True, Pt(18)
    _east_asian(run, "黑体")
    for line in lines[1:]:
        if not line.strip():
            continue
        paragraph = document.add_paragraph()
        heading = line[:2].rstrip("、") in "一二三四五六七八九十" and "、" in line[:3]
        run = paragraph.add_run(line)
        run.font.size = Pt(14 if heading else 12)
        run.bold = heading
        _east_asian(run, "黑体" if heading else "仿宋")
        if not heading:
            paragraph.paragraph_format.first_line_indent = Pt(24)
    return document


def overall_report_docx(*, submission: Submission) -> bytes:
    buffer = io.BytesIO()
    overall_report_document(submission=submission).save(buffer)
    return buffer.getvalue()
