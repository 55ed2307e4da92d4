"""Writing the 附件1 workbook: prefilled from the stored report, printable like the paper form."""

import io
import re
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from jixiao.core.formatting import wan_number
from jixiao.core.xlsx import (
    BORDER,
    CENTER,
    FILL_NA,
    FMT_DATE,
    FMT_PERCENT_VALUE,
    FMT_RATE,
    FMT_TEXT,
    FMT_WAN,
    FONT_SUBTITLE,
    FONT_TITLE,
    LEVEL_FILLS,
    RIGHT,
    WRAP,
    WRAP_TOP,
    FormSheet,
    a4_landscape,
    put_value,
    text_height,
    workbook_bytes,
)
from jixiao.funding.models import FundingStatus
from jixiao.funding.selectors import funding_status_of
from jixiao.monitoring import rules
from jixiao.monitoring.evaluation import evaluate, indicator_figures
from jixiao.monitoring.models import (
    DEVIATION_FIELDS,
    LEVEL_RANK,
    NARRATIVE_FIELDS,
    AnalysisReport,
    Likelihood,
    MonitoringCycle,
    SelfAssessment,
    WarningLevel,
)
from jixiao.monitoring.workbook.layout import (
    DEVIATION_GROUP,
    DEVIATION_KEYS,
    FOOTER_FIELDS,
    FUNDS_RULE_CELLS,
    ID_FORMAT,
    ID_SHEET,
    INDICATOR_RULE_CELLS,
    L_ANNUAL_GOAL,
    L_CORRECTIVE,
    L_FUNDS_FISCAL,
    L_FUNDS_OTHER,
    L_FUNDS_TOTAL,
    L_NARRATIVE_HEADING,
    L_PROJECT_CODE,
    L_PROJECT_WARNINGS,
    L_PROJECTED,
    LAST_COLUMN,
    SHEET_TITLE,
    indicator_columns,
)
from jixiao.projects.models import CATEGORY_ORDER, Indicator, Project, ValueType
from jixiao.projects.selectors import paid_to_date, project_visible

# ---------------------------------------------------------------------------------------------------
# Export


@dataclass(frozen=True)
class _Warned:
    code: str
    level: str
    message: str
    indicator_id: int | None


def ordered_indicators(version) -> list[Indicator]:
    if version is None:
        return []
    indicators = list(version.indicators.all())
    return sorted(indicators, key=lambda i: (CATEGORY_ORDER.index(i.category), i.position))


def _report_warnings(project, cycle, report, indicators) -> tuple[list[_Warned], str]:
    """The stored warnings of the report, or (before the first save) those of the blank form."""
    if report is not None:
        stored = sorted(report.warnings.all(), key=lambda warning: warning.pk)  # read with the batch
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


def _number_cell(value: Decimal | None):
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


class _SheetWriter(FormSheet):
    """Writes one 附件1 sheet row by row."""

    def __init__(self, ws, month: int):
        self.row = 1
        self.columns = indicator_columns(month)
        self.grid_rows: list[int] = []
        super().__init__(ws, [width for _key, _header, width in self.columns])

    def borders(self, first_row: int, last_row: int):
        for row in range(first_row, last_row + 1):
            for column in range(1, LAST_COLUMN + 1):
                self.styled(self.ws.cell(row=row, column=column), border=BORDER)


def _fill_level(levels: list[str]) -> str | None:
    """The most severe warning colour of `levels`; green is no warning and is never filled."""
    ranked = [level for level in levels if level in LEVEL_RANK and level != WarningLevel.GREEN]
    return min(ranked, key=LEVEL_RANK.__getitem__) if ranked else None


def _warning_lines(warned: list[_Warned]) -> str:
    return "\n".join(f"【{rules.LEVEL_LABELS.get(w.level, w.level)}】{w.message}" for w in warned)


def _choice_list(choices, title: str) -> DataValidation:
    """A drop-down of the choices' labels; anything else typed is warned about, naming every label."""
    labels = [str(label) for label in choices.labels]
    return DataValidation(
        type="list",
        formula1='"' + ",".join(labels) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        errorTitle=title,
        error=f"请从下拉列表中选择：{'、'.join(labels)}。",
    )


def export_report_workbook(
    *, project: Project, cycle: MonitoringCycle, report: AnalysisReport | None
) -> Workbook:
    """附件1 of one project in one cycle, prefilled with the saved report (or blank before the first save)."""
    if report is not None and (report.project_id != project.pk or report.cycle_id != cycle.pk):
        raise ValueError("report does not belong to the project and cycle")
    month = cycle.period_end_month
    version = report.target_version if report is not None else project.current_target
    indicators = ordered_indicators(version)
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
    funding = funding_status_of(project)
    if funding.on_hold:  # the treasury's hold travels with the form (第十五条); read by no import
        decided = f"{timezone.localtime(funding.set_at):%Y-%m-%d} {funding.reason}"
        pairs.append(("拨款状态", f"【{funding.get_status_display()}】", "决定日期及原因", decided))
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

    likelihood_dv = _choice_list(Likelihood, "完成目标可能性")
    assessment_dv = _choice_list(SelfAssessment, "自评")
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
                w.styled(ws.cell(row=row, column=col[key]), fill=LEVEL_FILLS[level_to_fill])
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
            w.styled(ws.cell(row=cell_row, column=cell_col), fill=LEVEL_FILLS[level_to_fill])

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


# Projects whose figures are read together for the zip: the queries are per batch, not per project.
ZIP_BATCH = 100


def _read_batch(projects: list[Project], cycle: MonitoringCycle) -> dict[int, AnalysisReport]:
    """Everything the workbooks of these projects show, in a fixed number of queries; their reports by project."""
    prefetch_related_objects(
        projects,
        "months",
        "current_target__indicators",
        Prefetch("funding_control", queryset=FundingStatus.objects.select_related("set_by")),
    )
    reports = (
        AnalysisReport.objects.filter(cycle=cycle, project__in=projects)
        .select_related("target_version")
        .prefetch_related("entries", "target_version__indicators", "warnings")
    )
    return {report.project_id: report for report in reports}


def write_projects_zip(projects, cycle: MonitoringCycle, target, progress=None) -> None:
    """Stream one workbook per project into the open binary file `target`; `progress(done, total)` after each."""
    projects = list(projects)
    named = list(with_unique_filenames(projects))
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for start in range(0, len(named), ZIP_BATCH):
            batch = named[start : start + ZIP_BATCH]
            reports = _read_batch([project for project, _name in batch], cycle)
            for done, (project, name) in enumerate(batch, start=start + 1):
                report = reports.get(project.pk)
                archive.writestr(name, export_report_bytes(project=project, cycle=cycle, report=report))
                # What was read for the workbook goes with it: memory stays that of one batch.
                project._prefetched_objects_cache = {}
                project._state.fields_cache.pop("funding_control", None)
                if progress is not None:
                    progress(done, len(projects))


def export_projects_zip(projects, cycle: MonitoringCycle) -> bytes:
    buffer = io.BytesIO()
    write_projects_zip(projects, cycle, buffer)
    return buffer.getvalue()


def unit_zip_projects(*, unit, cycle: MonitoringCycle, user):
    """The projects of the unit (and of its subordinate units) in the cycle that the person may see."""
    projects = (
        project_visible(user)
        .filter(owner__path__startswith=unit.path, year=cycle.year)
        .select_related("owner", "owner__parent", "current_target")
        .order_by("owner__code", "code")
    )
    if cycle.organisation_id:
        projects = projects.filter(owner__path__startswith=cycle.organisation.path)
    return projects


def export_unit_zip(*, unit, cycle: MonitoringCycle, user) -> bytes:
    """One workbook per project of the unit (and of its subordinate units) that the person may see."""
    return export_projects_zip(unit_zip_projects(unit=unit, cycle=cycle, user=user), cycle)
