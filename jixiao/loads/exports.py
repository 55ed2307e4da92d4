"""The downloadable template of each loader (its documented columns and a sheet of notes), and the
district's current data written in the same column set — what the budget systems' exports look like."""

import csv
import io

from django.db.models import F
from openpyxl import Workbook
from openpyxl.styles import Font

from jixiao.core.xlsx import put_value, workbook_bytes
from jixiao.loads.columns import COLUMNS, MONEY, NOTES
from jixiao.loads.models import LoadKind
from jixiao.organisations.models import Organisation
from jixiao.projects.models import Indicator, Project, ProjectMonth

MONEY_NOTE = "金额单位为元；表头写明“（万元）”的列按万元读取，如“年初预算·财政拨款（万元）”。"


def _flag(value: bool) -> str:
    return "是" if value else "否"


def _blank(value):
    return "" if value is None else value


def data_rows(kind: str, *, year: int | None = None) -> list[list]:
    """Every stored row of `kind` (of one budget year where it has one), in the template's columns."""
    if kind == LoadKind.PROJECTS:
        projects = Project.objects.select_related("owner").order_by("year", "code")
        return [
            [p.year, p.code, p.name, p.owner.code, p.get_project_type_display(), p.responsible_person,
             p.responsible_phone, _blank(p.start_date), _blank(p.end_date), _flag(p.is_key_project),
             p.initial_fiscal, p.initial_other, _blank(p.adjusted_fiscal), _blank(p.adjusted_other)]
            for p in (projects.filter(year=year) if year else projects)
        ]  # fmt: skip
    if kind == LoadKind.PAYMENTS:
        months = ProjectMonth.objects.select_related("project").order_by(
            "project__year", "project__code", "month"
        )
        return [
            [m.project.year, m.project.code, m.month, m.paid_fiscal, m.paid_other, m.planned]
            for m in (months.filter(project__year=year) if year else months)
        ]
    if kind == LoadKind.TARGETS:
        indicators = (
            Indicator.objects.filter(version__project__current_target=F("version"))
            .select_related("version__project")
            .order_by("version__project__year", "version__project__code", "position")
        )
        if year:
            indicators = indicators.filter(version__project__year=year)
        return [
            [i.version.project.year, i.version.project.code, i.version.annual_goal, i.get_level1_display(),
             i.get_category_display(), i.name, i.target_display, i.unit, i.get_progress_type_display()]
            for i in indicators
        ]  # fmt: skip
    organisations = Organisation.objects.select_related("parent", "counterpart_section").order_by("path")
    return [
        [o.code, o.name, o.get_kind_display(), o.parent.code if o.parent_id else "",
         o.counterpart_section.code if o.counterpart_section_id else "", _flag(o.is_classified)]
        for o in sorted(organisations, key=lambda o: (o.path.count("/"), o.code))
    ]  # fmt: skip


def template_xlsx(kind: str, rows: list[list] = ()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(LoadKind(kind).label)
    columns = COLUMNS[kind]
    for index, column in enumerate(columns, start=1):
        cell = put_value(sheet.cell(row=1, column=index), column.template_label)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        sheet.column_dimensions[cell.column_letter].width = max(12, len(column.template_label) * 2 + 2)
    for row_number, row in enumerate(rows, start=2):
        for index, value in enumerate(row, start=1):
            put_value(sheet.cell(row=row_number, column=index), value)
    notes = workbook.create_sheet("填写说明")
    notes.append(["列", "必填", "说明", "也可识别的表头"])
    for column in columns:
        notes.append(
            [column.template_label, "是" if column.required else "", column.help, "、".join(column.aliases)]
        )
    notes.append([])
    notes.append([NOTES[kind]])
    if any(c.kind == MONEY for c in columns):
        notes.append([MONEY_NOTE])
    notes.append(
        ["CSV 文件可用 UTF-8（含或不含 BOM）或 GBK 编码；表头不同的列可在预览页指定一次，系统会记住。"]
    )
    return workbook_bytes(workbook)


def _csv_text(value) -> str:
    """A cell for CSV: `=` written full-width so that a spreadsheet never reads a target as a formula."""
    text = "" if value is None else str(value)
    return "＝" + text[1:] if text.startswith("=") else text


def template_csv(kind: str, rows: list[list] = ()) -> bytes:
    """UTF-8 with a BOM, which Excel opens correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([c.template_label for c in COLUMNS[kind]])
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
