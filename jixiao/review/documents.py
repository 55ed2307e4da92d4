"""附件2 综合意见反馈表 as the paper form (forms.md): an Excel workbook and a Word document.

Both carry the same content in the same order: title and year, the header figures, the item table with
the rectification columns the unit fills back by the report deadline, and the opinion block with the
bureau's signature. The xlsx reuses the 附件1 workbook's styles so the two forms print alike.
"""

import io
from copy import deepcopy
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone
from django.utils.text import get_valid_filename
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, Twips
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from jixiao.core.files import DOCX_TYPE, XLSX_TYPE
from jixiao.core.formatting import pct, wan, wan_number
from jixiao.core.xlsx import (
    CENTER,
    FMT_DATE,
    FMT_RATE,
    FMT_TEXT,
    FMT_WAN,
    FONT_SUBTITLE,
    FONT_TITLE,
    LEVEL_FILLS,
    RIGHT,
    WRAP_TOP,
    FormSheet,
    SharedStyles,
    a4_landscape,
    text_height,
    workbook_bytes,
)
from jixiao.monitoring.rules import LEVEL_LABELS
from jixiao.review.models import Feedback
from jixiao.review.selectors import FeedbackHeader, FeedbackRow, feedback_header, feedback_rows

SHEET_TITLE = "附件2"
RECTIFICATION_GROUP = "整改落实情况（由单位填报）"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: float  # Excel characters
    docx_cm: float


ITEM_COLUMNS = [
    Column("position", "序号", 5, 0.6),
    Column("project_name", "项目名称", 18, 1.9),
    Column("project_code", "项目编码", 14, 1.7),
    Column("budget", "预算数", 10, 1.6),
    Column("paid", "执行数", 10, 1.6),
    Column("rate", "执行率", 8, 1.25),
    Column("level", "预警等级", 8, 1.4),
    Column("problem", "监控发现的主要问题", 42, 5.75),
    Column("requirement", "整改意见及要求", 20, 2.5),
    Column("due_date", "整改时限", 11, 1.95),
    Column("source", "意见来源", 12, 1.2),
]
RECTIFICATION_COLUMNS = [
    Column("response", "整改落实情况", 22, 1.6),
    Column("completed_on", "完成时间", 11, 1.95),
    Column("evidence", "佐证材料", 16, 1.1),
    Column("verification", "核查意见", 18, 1.2),
]
COLUMNS = ITEM_COLUMNS + RECTIFICATION_COLUMNS
LAST_COLUMN = len(COLUMNS)
MONEY_KEYS = {"budget", "paid"}
DATE_KEYS = {"due_date", "completed_on"}


def _title() -> str:
    return f"{settings.DISTRICT_NAME}项目预算绩效监控综合意见反馈表"


def _subtitle(feedback: Feedback) -> str:
    return f"（{feedback.cycle.year}年度）"


def _row_values(row: FeedbackRow) -> dict:
    """The cells of one item: numbers, dates and text as stored, formatted by each document."""
    item = row.item
    project = item.project
    return {
        "position": item.position,
        "project_name": project.name if project else "单位整体",
        "project_code": project.code if project else "",
        "budget": row.budget,
        "paid": row.paid,
        "rate": row.execution_rate,
        "level": LEVEL_LABELS.get(row.level, ""),
        "problem": item.problem,
        "requirement": item.requirement,
        "due_date": item.due_date,
        "source": item.get_source_display(),
        "response": row.response,
        "completed_on": row.completed_on,
        "evidence": "\n".join(row.evidence),
        "verification": row.verification,
    }


def _header_pairs(header: FeedbackHeader) -> list[list[tuple[str, str]]]:
    """The header block as rows of (label, text) pairs, in the order of forms.md."""
    return [
        [
            ("反馈对象（镇/一级预算单位）", header.unit.name),
            ("监控期间", header.period_label),
            ("报送情况", header.submission_label),
        ],
        [
            ("项目数", f"{header.projects} 个"),
            ("预算总额（万元）", wan(header.budget)),
            ("执行总额（万元）", wan(header.paid)),
        ],
        [
            ("执行率", pct(header.execution_rate)),
            ("预警项目数", f"红色 {header.red} 个 · 黄色 {header.yellow} 个 · 绿色 {header.green} 个"),
            ("", ""),
        ],
    ]


def _opinion_blocks(feedback: Feedback) -> list[tuple[str, str, str]]:
    """(label, text, signature line) of the opinion block."""

    def signed(reviewer: str, day: date | None) -> str:
        return f"审核人：{reviewer or '　　　　'}　　日期：{_chinese_date(day)}"

    issued_on = timezone.localdate(feedback.issued_at) if feedback.issued_at else None
    return [
        (
            "财政监督与绩效管理股意见",
            feedback.supervision_opinion or "无",
            signed(feedback.supervision_reviewer, feedback.supervision_date),
        ),
        (
            "对口服务股室审核意见",
            feedback.counterpart_opinion,
            signed(feedback.counterpart_reviewer, feedback.counterpart_date),
        ),
        ("综合意见", feedback.overall_opinion, ""),
        (
            f"{settings.DISTRICT_NAME}财政局",
            "",
            f"（盖章）　　下达日期：{_chinese_date(issued_on)}",
        ),
    ]


def _chinese_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "　　年　　月　　日"


def feedback_filename(feedback: Feedback, extension: str) -> str:
    stem = get_valid_filename(f"{feedback.organisation.name}_{feedback.cycle.year}年度综合意见反馈表")
    return f"{stem}.{extension}"


# ---------------------------------------------------------------------------------------------------
# Excel


# Spans of the header block's three (label, value) pairs per row.
HEADER_SPANS = [((1, 2), (3, 6)), ((7, 7), (8, 9)), ((10, 11), (12, 15))]


def _xlsx_cell(sheet: FormSheet, row: int, index: int, key: str, value, level: str) -> None:
    if key in MONEY_KEYS:
        sheet.put(row, index, index, wan_number(value), alignment=RIGHT, number_format=FMT_WAN)
    elif key == "rate":
        sheet.put(
            row,
            index,
            index,
            float(value) if value is not None else None,
            alignment=RIGHT,
            number_format=FMT_RATE,
        )
    elif key in DATE_KEYS:
        sheet.put(row, index, index, value, alignment=CENTER, number_format=FMT_DATE)
    elif key == "level":
        sheet.put(row, index, index, value or None, alignment=CENTER, fill=LEVEL_FILLS.get(level))
    elif key in ("position", "source", "project_code"):
        sheet.put(row, index, index, value or None, alignment=CENTER)
    else:
        sheet.put(row, index, index, value or None, alignment=WRAP_TOP, number_format=FMT_TEXT)


def feedback_workbook(feedback: Feedback) -> Workbook:
    """附件2 as a workbook that prints like the paper form: A4 landscape, one page wide, header rows
    repeated, money in 万元 and rates with one decimal."""
    header = feedback_header(feedback)
    rows = feedback_rows(feedback)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    sheet = FormSheet(ws, [column.width for column in COLUMNS], styles=SharedStyles(wb))
    for index, column in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = column.width

    sheet.put(1, 1, LAST_COLUMN, _title(), font=FONT_TITLE, alignment=CENTER)
    sheet.height(1, 30)
    sheet.put(2, 1, LAST_COLUMN, _subtitle(feedback), font=FONT_SUBTITLE, alignment=CENTER)
    sheet.height(2, 20)
    sheet.put(3, 1, 8, f"反馈对象：{header.unit.name}")
    sheet.put(3, 9, LAST_COLUMN, "金额单位：万元", alignment=RIGHT)
    sheet.height(3, 20)

    row = sheet.bordered_from = 4  # the grid: header block, item table and opinions
    for pairs in _header_pairs(header):
        for (label, text), ((lf, ll), (vf, vl)) in zip(pairs, HEADER_SPANS, strict=True):
            if label:
                sheet.label(row, lf, ll, label)
            else:
                sheet.put(row, lf, ll)
            sheet.put(row, vf, vl, text or None)
        sheet.height(row, 24)
        row += 1

    header_row = row
    for index, column in enumerate(ITEM_COLUMNS, start=1):
        sheet.label(row, index, index, column.header, rows=2)
    first_rect = len(ITEM_COLUMNS) + 1
    sheet.label(row, first_rect, LAST_COLUMN, RECTIFICATION_GROUP)
    for index, column in enumerate(RECTIFICATION_COLUMNS, start=first_rect):
        sheet.label(row + 1, index, index, column.header)
    sheet.height(row, 22)
    sheet.height(row + 1, 22)
    ws.print_title_rows = f"{header_row}:{header_row + 1}"
    row += 2

    for item_row in rows:
        values = _row_values(item_row)
        for index, column in enumerate(COLUMNS, start=1):
            _xlsx_cell(sheet, row, index, column.key, values[column.key], item_row.level)
        sheet.height(
            row,
            max(
                text_height(str(values[c.key] or ""), c.width, minimum=30)
                for c in COLUMNS
                if isinstance(values[c.key], str)
            ),
        )
        row += 1
    if not rows:
        sheet.put(row, 1, LAST_COLUMN, "本次监控未发现需要整改的问题。", alignment=CENTER)
        sheet.height(row, 24)
        row += 1

    if rows:  # the opinions and the bureau's signature print together, on a page of their own
        ws.row_breaks.append(Break(id=row - 1))
    for label, text, signature in _opinion_blocks(feedback):
        lines = 2 if signature and text else 1
        sheet.label(row, 1, 2, label, rows=lines)
        if text:
            sheet.put(row, 3, LAST_COLUMN, text, alignment=WRAP_TOP, number_format=FMT_TEXT)
            sheet.height(row, text_height(text, sheet.width(3, LAST_COLUMN), minimum=45))
        if signature:
            signature_row = row + lines - 1
            sheet.put(signature_row, 3, LAST_COLUMN, signature, alignment=RIGHT)
            sheet.height(signature_row, 24 if text else 45)
        if not text and not signature:
            sheet.frame(row, 3, LAST_COLUMN)
        row += lines
    last_row = row - 1

    a4_landscape(ws, last_column=LAST_COLUMN, last_row=last_row)
    wb.properties.title = f"{header.unit.name} 综合意见反馈表（{feedback.cycle.year}年度）"
    wb.properties.creator = "jixiao"
    return wb


def feedback_xlsx(feedback: Feedback) -> bytes:
    return workbook_bytes(feedback_workbook(feedback))


# ---------------------------------------------------------------------------------------------------
# Word

BODY_FONT = "仿宋"
TITLE_FONT = "黑体"
TABLE_SIZE = Pt(8)  # the item table has fifteen columns; the xlsx prints them smaller still
OPINION_SIZE = Pt(10.5)
LINE_SPACING = 1.1  # exact, in font sizes: the fallback CJK fonts space their lines wider than 仿宋
PAGE_WIDTH_MM, PAGE_HEIGHT_MM, SIDE_MARGIN_MM, TOP_MARGIN_MM = 297, 210, 12, 12
TEXT_WIDTH_CM = (PAGE_WIDTH_MM - 2 * SIDE_MARGIN_MM) / 10  # every table spans exactly this width
HEADER_WIDTHS_CM = [4.2, 5.0, 3.2, 5.3, 3.2, 6.4]
OPINION_LABEL_CM = 5.6
OPINION_ROW_CM = 1.2  # room to sign on paper
CELL_MARGIN_TWIPS = 45  # 0.08 cm left and right, so that narrow columns keep their text on one line
TWIPS_PER_CM = 1440 / 2.54


def _font(run, name: str, size=None, bold: bool = False) -> None:
    """Set a run's Latin and East Asian font (Word falls back to a Latin font for CJK without eastAsia)."""
    run.font.name = name
    run.font.bold = bold
    if size is not None:
        run.font.size = size
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _write(cell, text, *, bold=False, align=WD_ALIGN_PARAGRAPH.LEFT, size=TABLE_SIZE) -> None:
    """Cell text, one paragraph per line."""
    lines = str(text).split("\n") if text not in (None, "") else [""]
    paragraph = cell.paragraphs[0]
    for index, line in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.line_spacing = Pt(size.pt * LINE_SPACING)
        _font(paragraph.add_run(line), BODY_FONT, size, bold)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


# Child order that the schema requires (Word refuses a file whose properties are out of order).
TABLE_PROPERTY_ORDER = (
    "w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize", "w:tblStyleColBandSize",
    "w:tblW", "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar",
    "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange",
)  # fmt: skip
ROW_PROPERTY_ORDER = (
    "w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter", "w:cantSplit",
    "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden", "w:ins", "w:del", "w:trPrChange",
)  # fmt: skip


def _put_property(properties, order: tuple[str, ...], tag: str, **attributes):
    """Replace one child of a w:tblPr or w:trPr, in its schema position, and return it."""
    for old in properties.findall(qn(tag)):
        properties.remove(old)
    element = OxmlElement(tag)
    for name, value in attributes.items():
        element.set(qn(f"w:{name}"), str(value))
    properties.insert_element_before(element, *order[order.index(tag) + 1 :])
    return element


def _row_flag(row, tag: str) -> None:
    """Set a row property such as w:tblHeader (repeated at the top of every page) or w:cantSplit."""
    _put_property(row._tr.get_or_add_trPr(), ROW_PROPERTY_ORDER, tag, val="true")


def _table_property(table, tag: str, **attributes):
    return _put_property(table._tbl.tblPr, TABLE_PROPERTY_ORDER, tag, **attributes)


def _fixed_layout(table, widths_cm: list[float]) -> None:
    """Column widths that Word and LibreOffice both honour: the grid, every cell's width and a fixed
    layout (without it both re-flow the columns by content and squeeze the long texts)."""
    twips = [round(width * TWIPS_PER_CM) for width in widths_cm]
    _table_property(table, "w:tblW", w=sum(twips), type="dxa")
    _table_property(table, "w:tblLayout", type="fixed")
    margins = _table_property(table, "w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN_TWIPS))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, twips, strict=True):
        column.w = Twips(width)
    for row in table.rows:
        start = 0
        for tc in row._tr.tc_lst:
            tc.width = Twips(sum(twips[start : start + tc.grid_span]))
            start += tc.grid_span


def _docx_text(key: str, value) -> str:
    if key in MONEY_KEYS:
        return wan(value) if value is not None else ""
    if key == "rate":
        return pct(value) if value is not None else ""
    if key in DATE_KEYS:
        return f"{value:%Y-%m-%d}" if value else ""
    return str(value or "")


CENTRED_KEYS = {"position", "level", "due_date", "completed_on", "source", "project_code"}


def _item_alignment(key: str):
    if key in MONEY_KEYS or key == "rate":
        return WD_ALIGN_PARAGRAPH.RIGHT
    return WD_ALIGN_PARAGRAPH.CENTER if key in CENTRED_KEYS else WD_ALIGN_PARAGRAPH.LEFT


def _item_row_prototype(table):
    """An item row written once through `_write` (each cell's alignment, font and spacing), then taken
    out of the table to be copied for every item: formatting a run is the cost of a long table, and
    copying a formatted row is a fraction of it."""
    row = table.add_row()
    for cell, column in zip(row.cells, COLUMNS, strict=True):
        _write(cell, "", align=_item_alignment(column.key))
    table._tbl.remove(row._tr)
    return row._tr


def _put_item_row(table, prototype, texts: list[str]) -> None:
    """One item row, a copy of the prototype with each cell's text, one paragraph per line as `_write`."""
    tr = deepcopy(prototype)
    table._tbl.append(tr)
    for tc, text in zip(tr.tc_lst, texts, strict=True):
        paragraph = tc.p_lst[0]
        blank = deepcopy(paragraph)
        for index, line in enumerate(text.split("\n") if text else [""]):
            if index:
                paragraph = deepcopy(blank)
                tc.append(paragraph)
            paragraph.r_lst[0].text = line


def feedback_document(feedback: Feedback):
    """附件2 as a Word document laid out like the xlsx: A4 landscape, fixed column widths fitted to their
    content, the item table's header rows repeated on every page, the opinion block kept on one page."""
    header = feedback_header(feedback)
    rows = feedback_rows(feedback)
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.left_margin = section.right_margin = Mm(SIDE_MARGIN_MM)
    section.top_margin = section.bottom_margin = Mm(TOP_MARGIN_MM)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = OPINION_SIZE
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(_title()), TITLE_FONT, Pt(18))
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.paragraph_format.space_after = Pt(6)
    _font(subtitle.add_run(_subtitle(feedback)), BODY_FONT, Pt(14))
    meta = document.add_paragraph()
    meta.paragraph_format.space_after = Pt(3)
    _font(meta.add_run(f"反馈对象：{header.unit.name}　　　　金额单位：万元"), BODY_FONT, OPINION_SIZE)

    header_table = document.add_table(rows=0, cols=len(HEADER_WIDTHS_CM))
    header_table.style = "Table Grid"
    header_table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for pairs in _header_pairs(header):
        cells = header_table.add_row().cells
        for index, (label, text) in enumerate(pairs):
            _write(cells[index * 2], label, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
            _write(cells[index * 2 + 1], text)
    _fixed_layout(header_table, HEADER_WIDTHS_CM)
    document.add_paragraph().paragraph_format.space_after = Pt(3)

    items_table = document.add_table(rows=2, cols=LAST_COLUMN)
    items_table.style = "Table Grid"
    items_table.alignment = WD_TABLE_ALIGNMENT.CENTER
    top, bottom = items_table.rows
    for index, column in enumerate(ITEM_COLUMNS):
        merged = top.cells[index].merge(bottom.cells[index])
        _write(merged, column.header, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    first_rect = len(ITEM_COLUMNS)
    group = top.cells[first_rect].merge(top.cells[LAST_COLUMN - 1])
    _write(group, RECTIFICATION_GROUP, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for index, column in enumerate(RECTIFICATION_COLUMNS, start=first_rect):
        _write(bottom.cells[index], column.header, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for header_row in (top, bottom):
        _row_flag(header_row, "w:tblHeader")
        _row_flag(header_row, "w:cantSplit")
    if rows:
        blank = _item_row_prototype(items_table)
        for item_row in rows:
            values = _row_values(item_row)
            _put_item_row(items_table, blank, [_docx_text(c.key, values[c.key]) for c in COLUMNS])
    if not rows:
        cells = items_table.add_row().cells
        empty = cells[0].merge(cells[LAST_COLUMN - 1])
        _write(empty, "本次监控未发现需要整改的问题。", align=WD_ALIGN_PARAGRAPH.CENTER)
    _fixed_layout(items_table, [column.docx_cm for column in COLUMNS])
    spacer = document.add_paragraph()
    spacer.paragraph_format.keep_with_next = True

    opinions = document.add_table(rows=0, cols=2)
    opinions.style = "Table Grid"
    opinions.alignment = WD_TABLE_ALIGNMENT.CENTER
    blocks = _opinion_blocks(feedback)
    for number, (label, text, signature) in enumerate(blocks, start=1):
        row = opinions.add_row()
        row.height, row.height_rule = Cm(OPINION_ROW_CM), WD_ROW_HEIGHT_RULE.AT_LEAST
        _row_flag(row, "w:cantSplit")
        label_cell, text_cell = row.cells
        _write(label_cell, label, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=OPINION_SIZE)
        if text:
            _write(text_cell, text, size=OPINION_SIZE)
        if signature:
            paragraph = text_cell.add_paragraph() if text else text_cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _font(paragraph.add_run(signature), BODY_FONT, OPINION_SIZE)
        if number < len(blocks):  # every row keeps with the next: the block and its signature stay together
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
    _fixed_layout(opinions, [OPINION_LABEL_CM, TEXT_WIDTH_CM - OPINION_LABEL_CM])

    document.core_properties.title = f"{header.unit.name} 综合意见反馈表（{feedback.cycle.year}年度）"
    return document


def feedback_docx(feedback: Feedback) -> bytes:
    buffer = io.BytesIO()
    feedback_document(feedback).save(buffer)
    return buffer.getvalue()


# Each kind of 附件2 file: its builder (an object with `save(file)`) and its MIME type.
FEEDBACK_FILES = {"xlsx": (feedback_workbook, XLSX_TYPE), "docx": (feedback_document, DOCX_TYPE)}
