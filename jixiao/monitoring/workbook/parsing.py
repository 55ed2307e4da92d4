"""Reading the cells of an uploaded 附件1: the sheet found by its labels, each value typed as the web form
would have it."""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from openpyxl.cell.cell import MergedCell
from openpyxl.utils import get_column_letter

from jixiao.core.numbers import NONE_MARKS, NotANumber, normalise_text, parse_number
from jixiao.projects.models import Project

FORMULA = "单元格含公式，请粘贴为数值。"


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
PERIOD_LABEL = re.compile(r"^1[-—–~～至到]+\d{1,2}月")


def norm(value) -> str:
    """A label as compared: NFKC (full-width to ASCII), no spaces, no trailing colon, no leading `1.`."""
    text = unicodedata.normalize("NFKC", str(value))
    text = re.sub(r"\s+", "", text).rstrip(":")
    return _NUMBERING.sub("", text)


def norm_name(value) -> str:
    """An indicator name as matched: NFKC and no spaces at all."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


class Sheet:
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
                self.labels[norm(cell.value)].append((row, column))
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
        return self.labels.get(norm(label), [])

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


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and normalise_text(value) in NONE_MARKS)


def decimal_of(value) -> Decimal:
    """A spreadsheet number as an exact Decimal; binary noise of computed floats (0.30000000000000004) removed."""
    if isinstance(value, float):
        number = Decimal(repr(value))
        if number.as_tuple().exponent < -10:
            number = number.quantize(Decimal("1e-10")).normalize()
        return number
    return Decimal(value)


def plain(number: Decimal) -> str:
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def text_input(value) -> str:
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
        return plain(decimal_of(value))
    return str(value)


class CellProblem(Exception):
    pass


def number_input(value, number_format: str, *, percent: bool) -> str:
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
        raise CellProblem(f"“{text_input(value)}”不是有效的数字。")
    if isinstance(value, (int, float, Decimal)):
        number = decimal_of(value)
        if percent:
            if "%" in number_format:
                number *= 100
            elif 0 < abs(number) <= 1:
                raise _ambiguous_percent(plain(number))
        elif "%" in number_format:
            raise _not_a_percent_cell(number)
        return plain(number)
    text = str(value)
    if percent and "%" not in normalise_text(text):
        try:
            number = parse_number(text, percent=True)
        except NotANumber:
            return text  # the form's own message names the bad text
        if number is not None and 0 < abs(number) <= 1:
            raise _ambiguous_percent(normalise_text(text))
    return text


def _ambiguous_percent(text: str) -> CellProblem:
    return CellProblem(f"“{text}”含义不明确：请写成百分数，例如 85% 写作“85%”，0.85% 写作“0.85%”。")


def _not_a_percent_cell(number: Decimal) -> CellProblem:
    """Excel stores "85%" typed into a count or 万元 cell as 0.85 in a percent format: never meant."""
    return CellProblem(f"“{plain(number * 100)}%”：此栏不是百分比，请直接填写数值（不带 %）。")


def money_input(value, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, (bool, date, datetime)):
        raise CellProblem(f"“{text_input(value)}”不是有效的金额（万元）。")
    if isinstance(value, (int, float, Decimal)):
        if "%" in number_format:
            raise _not_a_percent_cell(decimal_of(value))
        return plain(decimal_of(value))
    return str(value)


def date_input(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float, Decimal, bool)):
        raise CellProblem(f"“{text_input(value)}”不是有效的日期，请按 2026-11-30 填写。")
    return str(value)


def choice_input(value, choices, what: str) -> str:
    if is_blank(value):
        return ""
    text = re.sub(r"\s+", "", normalise_text(text_input(value)))
    for code, label in choices:
        if text in (str(label), code, code.upper()):
            return code
    allowed = "、".join(str(label) for _code, label in choices)
    raise CellProblem(f"“{text_input(value)}”不是有效的{what}，请从下拉列表中选择：{allowed}。")


@dataclass
class Field:
    """One input read from the sheet: the form field it feeds and the cell it came from."""

    name: str
    cell: str
    text: str


class Reader:
    """Collects the inputs of one sheet, and every problem found, for one project."""

    def __init__(self, sheet: Sheet, result: ImportResult):
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

    def read(self, position: tuple[int, int], name: str, convert) -> Field | None:
        row, column = position
        ref = self.sheet.ref(row, column)
        if self.sheet.has_uncached_formula(row, column):
            self.error(ref, FORMULA)
            return None
        value = self.sheet.value(row, column)
        try:
            text = convert(value, self.sheet.number_format(row, column))
        except CellProblem as problem:
            self.error(ref, str(problem))
            return None
        return Field(name, ref, text)


def as_text(value, _fmt):
    return text_input(value)


def as_money(value, fmt):
    return money_input(value, fmt)


def as_date(value, _fmt):
    return date_input(value)
