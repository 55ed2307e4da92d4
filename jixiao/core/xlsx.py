"""Writing the workbooks the system exports: shared styles, row heights, print setup and cell values.

openpyxl treats any string that starts with ``=`` as a formula. Targets such as ``=100%`` and text a
unit typed (``=HYPERLINK(…)``) must reach the sheet as the text they are, never run on a bureau
computer, so every cell written from data goes through :func:`put_value`.
"""

import io
import math
import unicodedata

from django.utils.functional import Promise
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.page import PageMargins

# Styles of every form the system exports (附件1, the 汇总表, 附件2, the loads templates): 宋体 10pt,
# thin black borders, the warning colours of warnings.md.
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


def _display_width(text: str) -> float:
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text)


def text_height(text: str, width: float, *, minimum: float = 18.0) -> float:
    """Row height (points) that shows `text` wrapped in a cell `width` characters wide."""
    if not text:
        return minimum
    usable = max(width - 1.5, 4.0)
    lines = sum(max(1, math.ceil(_display_width(part) / usable)) for part in str(text).split("\n"))
    return min(409.0, max(minimum, lines * LINE_HEIGHT + 5))


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
    """The saved .xlsx file of `wb`."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def put_value(cell: Cell, value) -> Cell:
    """Store ``value`` in ``cell``: numbers and dates as themselves, every text as a string."""
    if isinstance(value, Promise):
        value = str(value)
    cell.value = value
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    return cell


class SharedStyles:
    """A workbook's cell styles, each registered once as a named style and then applied by name.

    Assigning a font, border or alignment object makes openpyxl hash the object to find its index in the
    workbook, on every cell; at thousands of rows that is most of an export's time. A whole style applied
    by name costs one lookup. Styles are told apart by the identity of their parts (the module's shared
    style objects), which are kept alive here so that an identity is never reused."""

    def __init__(self, workbook: Workbook):
        self.workbook = workbook
        self._names: dict[tuple, tuple[str, tuple]] = {}

    def apply(self, cell: Cell, *, font=None, alignment=None, border=None, fill=None, number_format=None):
        """Give `cell` exactly this style (a part left out is the workbook's default)."""
        parts = (font, alignment, border, fill, number_format)
        key = tuple(map(id, parts))
        known = self._names.get(key)
        if known is None:
            name = f"jixiao {len(self._names) + 1}"
            self.workbook.add_named_style(
                NamedStyle(
                    name=name,
                    font=font if font is not None else Font(),
                    alignment=alignment if alignment is not None else Alignment(),
                    border=border if border is not None else Border(),
                    fill=fill if fill is not None else PatternFill(),
                    number_format=number_format or "General",
                )
            )
            known = self._names[key] = (name, parts)
        cell.style = known[0]
        return cell


class FormSheet:
    """Writes the cells of a form sheet: merged spans, styles, and row heights that only ever grow.

    With `styles`, every cell is styled whole through them (fast at thousands of rows), and the cells
    written from `bordered_from` on, the whole of each merged span, are framed with thin borders. Without,
    a cell is styled part by part (`styled`, for forms that add borders and fills after the values), each
    combination looked up once per sheet and then copied, for the same reason as `SharedStyles`."""

    def __init__(self, ws, widths: list[float], *, styles: SharedStyles | None = None):
        self.ws = ws
        self.widths = widths
        self.styles = styles
        self.bordered_from: int | None = None
        self._styles: dict[tuple, tuple[StyleArray, tuple]] = {}

    def merge(self, first_row: int, first_column: int, last_row: int, last_column: int) -> None:
        """`ws.merge_cells` for a span not yet styled: openpyxl's own compares the span with every span
        already merged and restyles each covered cell (borders, protection), half of a form's time; the
        spans of a form never overlap and are merged before any cell is styled."""
        coord = f"{get_column_letter(first_column)}{first_row}:{get_column_letter(last_column)}{last_row}"
        self.ws.merged_cells.ranges.add(MergedCellRange(self.ws, coord))
        cells = self.ws._cells
        for row in range(first_row, last_row + 1):
            for column in range(first_column, last_column + 1):
                if row != first_row or column != first_column:
                    cells[row, column] = MergedCell(self.ws, row, column)

    def styled(self, cell: Cell, **attributes) -> Cell:
        """Give `cell` these style attributes (font, fill, alignment, border, number_format)."""
        current = cell._style
        key = (current and tuple(current), *((name, id(value)) for name, value in attributes.items()))
        known = self._styles.get(key)
        if known is None:
            for name, value in attributes.items():
                setattr(cell, name, value)
            # The values are kept with the result so that the ids in the key stay theirs.
            self._styles[key] = (StyleArray(cell._style), tuple(attributes.values()))
        else:
            cell._style = StyleArray(known[0])
        return cell

    def width(self, first: int, last: int) -> float:
        """Characters across columns `first`..`last` (1-based, inclusive)."""
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
    ) -> Cell:
        if last > first or rows > 1:
            self.merge(row, first, row + rows - 1, last)
        cell = put_value(self.ws.cell(row=row, column=first), value)
        if self.styles is not None:
            border = BORDER if self.bordered_from is not None and row >= self.bordered_from else None
            if border is not None:
                self.frame(row, first, last, rows=rows)
            return self.styles.apply(
                cell, font=font, alignment=alignment, border=border, fill=fill, number_format=number_format
            )
        attributes = {"font": font, "alignment": alignment}
        if fill is not None:
            attributes["fill"] = fill
        if number_format:
            attributes["number_format"] = number_format
        return self.styled(cell, **attributes)

    def frame(self, row: int, first: int, last: int, *, rows: int = 1) -> None:
        """Thin borders, and nothing else, on the cells of a span (needs `styles`)."""
        for r in range(row, row + rows):
            for column in range(first, last + 1):
                self.styles.apply(self.ws.cell(row=r, column=column), border=BORDER)

    def label(
        self, row: int, first: int, last: int, text: str, *, rows: int = 1, center: bool = True
    ) -> Cell:
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

    def height(self, row: int, points: float) -> None:
        current = self.ws.row_dimensions[row].height or 0
        self.ws.row_dimensions[row].height = max(current, points)


def titled_sheet(
    *,
    sheet_name: str,
    title: str,
    subtitle: str,
    headers: list[tuple[str, float]],
    subtitle_font: Font = FONT,
):
    """A new workbook whose one sheet has the register layout: title, subtitle, bordered header in row 3.

    Returns the workbook and its sheet; the caller writes its rows from row 4 on.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name
    last = len(headers)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    title_cell = put_value(sheet.cell(row=1, column=1), title)
    title_cell.font, title_cell.alignment = FONT_TITLE, CENTER
    sheet.row_dimensions[1].height = 30
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    subtitle_cell = put_value(sheet.cell(row=2, column=1), subtitle)
    subtitle_cell.font, subtitle_cell.alignment = subtitle_font, CENTER
    for column, (header, width) in enumerate(headers, start=1):
        cell = put_value(sheet.cell(row=3, column=column), header)
        cell.font, cell.alignment, cell.border = FONT_BOLD, CENTER, BORDER
        sheet.column_dimensions[get_column_letter(column)].width = width
    return workbook, sheet


def titled_sheet_bytes(workbook: Workbook, sheet, *, last_column: int, last_row: int) -> bytes:
    """The saved file of a :func:`titled_sheet` workbook, its header repeated on every printed page."""
    sheet.print_title_rows = "3:3"
    a4_landscape(sheet, last_column=last_column, last_row=max(3, last_row))
    return workbook_bytes(workbook)
