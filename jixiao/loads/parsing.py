"""Reading a loader's file: .xlsx through the hardened workbook reader, CSV in UTF-8 (with or without BOM)
or GBK/GB18030, the header row found and matched to our columns, each cell typed."""

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from itertools import islice

from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from jixiao.core.formatting import TEN_THOUSAND
from jixiao.core.xlsx_loader import ZIP_MAGIC, XlsxBudget, XlsxLimits, XlsxRefused, load_xlsx
from jixiao.loads.columns import DATE, FLAG, INTEGER, MONEY, MONTH, TEXT, Column, header_key, signature_of

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # through the web page
MAX_COMMAND_BYTES = 1024 * 1024 * 1024  # the monthly job's treasury file
HEADER_SEARCH_ROWS = 10
CENTS = Decimal("0.01")
IGNORE = "__ignore__"
# A budget-system export is far larger than a 附件1: a district's targets file has some 10,000 rows of 15
# columns, a projects file some 1,500 rows of 20. These bounds leave room for twice that and still refuse a
# hostile file before openpyxl parses it.
LOAD_LIMITS = XlsxLimits(
    upload_bytes=MAX_UPLOAD_BYTES,
    zip_entries=200,
    uncompressed_bytes=96 * 1024 * 1024,
    xml_part_bytes=48 * 1024 * 1024,
    xml_bytes=64 * 1024 * 1024,
    rows=25_000,
    columns=100,
    cells=300_000,
    merged_area=100_000,
    request_cells=300_000,
    request_xml_bytes=64 * 1024 * 1024,
    size_hint="请分批加载。",
)
# A cell holding a formula that Excel never calculated: its value is unknown, so it is refused.
UNCACHED_FORMULA = object()


@dataclass(frozen=True)
class Problem:
    """One reason a file is refused: where (sheet, row, column header) and what, in Chinese."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}

    def __str__(self):
        where = " · ".join(p for p in (self.sheet, f"第{self.row}行" if self.row else "", self.column) if p)
        return f"{where}：{self.message}" if where else self.message


class LoadRefused(Exception):
    """The whole file is refused; `problems` lists every reason found."""

    def __init__(self, problems: list[Problem], table: "Table | None" = None):
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = problems
        self.table = table  # set when the header row was found, so that its columns can be mapped


@dataclass
class Table:
    """The rows of a file, as raw cell values keyed by our field names."""

    sheet: str
    headers: list[str]
    header_row: int
    columns: dict[str, tuple[int, bool]]  # field -> (0-based index, figures in 万元)
    unknown: list[str]  # headers matched to no column and not ignored
    # (row number, cells) of the data rows; a CSV's rows are read from the file each time they are walked,
    # so that a treasury file of a million rows is never held as a million lists.
    source: Callable[[], Iterator[tuple[int, list]]] = field(default=lambda: iter(()))

    @property
    def rows(self) -> Iterator[tuple[int, list]]:
        return self.source()

    @property
    def signature(self) -> str:
        return signature_of(self.headers)

    def column_label(self, name: str) -> str:
        index, _wan = self.columns[name]
        return f"{get_column_letter(index + 1)}列“{self.headers[index]}”"


def read_bytes(source, limit: int | None = None) -> bytes:
    """The file's bytes, refusing anything over `limit` (the web upload limit by default) before reading
    it all."""
    limit = limit or MAX_UPLOAD_BYTES
    size = getattr(source, "size", None)
    if isinstance(size, int) and size > limit:
        raise LoadRefused([Problem(_too_large(size, limit))])
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read(limit + 1)
    if len(data) > limit:
        raise LoadRefused([Problem(_too_large(len(data), limit))])
    if not data:
        raise LoadRefused([Problem("文件为空。")])
    return data


def _too_large(size: int, limit: int) -> str:
    return f"文件过大（{size / 1024 / 1024:.1f} MB），超过 {limit // 1024 // 1024} MB 的上限。请分批加载。"


def encoding_of(data: bytes) -> str:
    """A CSV's encoding: UTF-8 with a BOM, plain UTF-8, else GB18030 (a superset of GBK); checked in
    pieces, so that a large file is not decoded whole to find out."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for start in range(0, len(data), 1 << 20):
                decoder.decode(data[start : start + (1 << 20)])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise LoadRefused([Problem("无法识别文件的字符编码，请另存为 UTF-8 或 GBK 编码的 CSV。")])


def raw_rows(data: bytes, filename: str) -> tuple[str, Callable[[], Iterator[list]]]:
    """(sheet name, a function walking the rows of cell values) of an .xlsx (its first sheet) or a CSV
    file."""
    if data.startswith(ZIP_MAGIC) or filename.lower().endswith((".xlsx", ".xlsm", ".xls")):
        try:
            workbook, _uncached = load_xlsx(data, XlsxBudget(LOAD_LIMITS))
        except XlsxRefused as exc:
            raise LoadRefused([Problem(str(exc))]) from exc
        sheet = workbook.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        for reference in _uncached.get(sheet.title, ()):
            letters, number = coordinate_from_string(reference)
            rows[number - 1][column_index_from_string(letters) - 1] = UNCACHED_FORMULA
        return sheet.title, lambda: iter(rows)
    if b"\x00" in data[:4096]:
        raise LoadRefused([Problem("文件不是 .xlsx 工作簿或 CSV 文本文件，无法读取。")])
    encoding = encoding_of(data)

    def text():
        return io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")

    first_line = text().readline()
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","

    def rows():
        try:
            yield from csv.reader(text(), delimiter=delimiter)
        except csv.Error as exc:
            raise LoadRefused([Problem(f"CSV 格式有误：{exc}")]) from exc

    return "CSV", rows


def _match(header, columns: list[Column]) -> Column | None:
    key, _wan = header_key(header)
    return next((c for c in columns if key and key in c.names), None)


def find_table(data: bytes, filename: str, columns: list[Column], mapping_of) -> Table:
    """Find the header row (the first of the top rows naming two of our columns) and match its headers.

    `mapping_of(signature)` gives the remembered mapping of a header's text to a field (or IGNORE) for
    this header row; it wins over the aliases.
    """
    sheet, walk = raw_rows(data, filename)
    by_field = {c.field: c for c in columns}
    for index, row in enumerate(islice(walk(), HEADER_SEARCH_ROWS)):
        if sum(1 for cell in row if _match(cell, columns)) >= 2:
            header_index, header_cells = index, row
            break
    else:
        expected = "、".join(c.label for c in columns if c.required)
        raise LoadRefused(
            [Problem(f"前 {HEADER_SEARCH_ROWS} 行中找不到表头（应含 {expected} 等列）。", sheet)]
        )
    headers = [str(cell).strip() if cell is not None else "" for cell in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    mapping = mapping_of(signature_of(headers))
    matched: dict[str, tuple[int, bool]] = {}
    unknown = []
    problems = []
    for position, header in enumerate(headers):
        if not header:
            continue
        target = mapping.get(header)
        column = by_field.get(target) if target else _match(header, columns)
        if target == IGNORE:
            continue
        if column is None:
            unknown.append(header)
            continue
        if column.field in matched:
            problems.append(
                Problem(f"“{header}”与前面的列重复，都对应“{column.label}”。", sheet, header_index + 1)
            )
            continue
        matched[column.field] = (position, header_key(header)[1])

    def data_rows():
        for offset, row in enumerate(islice(walk(), header_index + 1, None), start=header_index + 2):
            try:
                filled = bool("".join(row).strip())  # a CSV row: text cells only
            except TypeError:
                filled = any(cell is not None and str(cell).strip() for cell in row)
            if filled:
                yield offset, row

    table = Table(sheet, headers, header_index + 1, matched, unknown, data_rows)
    missing = [c for c in columns if c.required and c.field not in matched]
    for column in missing:
        problems.append(Problem(f"缺少必填列“{column.label}”。", sheet, header_index + 1))
    if problems:
        raise LoadRefused(problems, table)
    if next(table.rows, None) is None:
        raise LoadRefused([Problem("表头下没有数据行。", sheet)], table)
    return table


# ----- typing one cell ------------------------------------------------------------------------------------


class CellError(ValueError):
    """A cell that cannot be read as its column's kind; the message is Chinese."""


_FLAG_VALUES = {"是": True, "否": False, "y": True, "n": False, "yes": True, "no": False, "1": True, "0": False,
                "true": True, "false": False, "√": True}  # fmt: skip
_MONTH = re.compile(r"^(?:(\d{4})[-/.年]?)?(\d{1,2})月?$")
_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def text_of(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_PLAIN_MONEY = re.compile(r"\d{1,14}(?:\.\d{1,2})?", re.ASCII).fullmatch


def cell_reader(kind: str, in_wan: bool = False) -> Callable:
    """`convert` for one column: the common text cells of a large export read without the general path
    (same result), every other cell through it."""
    if kind == MONEY and not in_wan:

        def read(value):
            if type(value) is str and _PLAIN_MONEY(value):
                return Decimal(value).quantize(CENTS)
            return convert(value, kind, in_wan)

    elif kind in (INTEGER, MONTH):
        digits = 6 if kind == INTEGER else 2

        def read(value):
            if type(value) is str and value.isascii() and value.isdigit() and len(value) <= digits:
                number = int(value)
                if kind == INTEGER or 1 <= number <= 12:
                    return number
            return convert(value, kind, in_wan)

    elif kind == TEXT:

        def read(value):
            if type(value) is str:
                return value.strip() or None
            return convert(value, kind, in_wan)

    else:

        def read(value):
            return convert(value, kind, in_wan)

    return read


def convert(value, kind: str, in_wan: bool = False):
    """The cell as the column's type; blank is None."""
    if value is UNCACHED_FORMULA:
        raise CellError("单元格含公式且没有计算结果，请粘贴为数值后再加载。")
    text = text_of(value)
    if text == "":
        return None
    if kind == FLAG:
        flag = _FLAG_VALUES.get(text.lower())
        if flag is None:
            raise CellError(f"“{text}”应为“是”或“否”。")
        return flag
    if kind == MONEY:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = Decimal(repr(value))
        else:
            try:
                number = Decimal(text.replace(",", "").replace("，", ""))
            except InvalidOperation as exc:
                raise CellError(f"“{text}”不是金额。") from exc
        if not number.is_finite():
            raise CellError(f"“{text}”不是金额。")
        if in_wan:
            number *= TEN_THOUSAND
        if number < 0:
            raise CellError("金额不能为负数。")
        if number != number.quantize(CENTS):
            raise CellError(f"“{text}”超过两位小数（分）。")
        return number.quantize(CENTS)
    if kind == INTEGER:
        if not re.fullmatch(r"\d{1,6}", text):
            raise CellError(f"“{text}”应为整数。")
        return int(text)
    if kind == MONTH:
        if isinstance(value, (date, datetime)):
            return value.month
        match = _MONTH.match(text)
        month = int(match.group(2)) if match else 0
        if not 1 <= month <= 12:
            raise CellError(f"“{text}”不是 1—12 的月份。")
        return month
    if kind == DATE:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        match = _DATE.match(text)
        try:
            return date(*(int(part) for part in match.groups())) if match else date.fromisoformat(text)
        except ValueError as exc:
            raise CellError(f"“{text}”不是日期（应写作 2026-11-30）。") from exc
    return text
