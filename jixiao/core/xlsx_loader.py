"""The hardened reader of uploaded .xlsx files: every bound is checked on the raw bytes, the zip directory
and a streaming scan of the XML before openpyxl parses anything, so a hostile file costs no more than a
real one. Each caller passes its own `XlsxLimits` (the 附件1 import, the budget-system loads)."""

import io
import logging
import posixpath
import re
import warnings as py_warnings
import zipfile
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

import defusedxml
import defusedxml.ElementTree as SafeET
import openpyxl
import openpyxl.xml
import openpyxl.xml.functions
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.workbook.workbook import Workbook

logger = logging.getLogger(__name__)

# Reading untrusted XML: openpyxl parses with defusedxml when it is installed. Refuse to run without it.
if not (defusedxml and openpyxl.DEFUSEDXML and openpyxl.xml.DEFUSEDXML):
    raise ImportError(
        "defusedxml must be installed and enabled for openpyxl (OPENPYXL_DEFUSEDXML) to read uploads"
    )
if openpyxl.xml.functions.iterparse is not SafeET.iterparse:
    raise ImportError("openpyxl is not parsing worksheets with defusedxml")


@dataclass(frozen=True)
class XlsxLimits:
    """What one uploaded workbook may hold, and what the files of one request may hold together.

    `size_hint` follows the 文件过大 message with what a real file of this kind weighs.
    """

    upload_bytes: int
    zip_entries: int
    uncompressed_bytes: int
    xml_part_bytes: int
    xml_bytes: int
    rows: int
    columns: int
    cells: int
    merged_area: int
    request_cells: int
    request_xml_bytes: int
    compression_ratio: int = 100  # for entries larger than RATIO_CHECK_MIN_BYTES
    size_hint: str = ""


RATIO_CHECK_MIN_BYTES = 256 * 1024
XML_SUFFIXES = (".xml", ".rels", ".vml")
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ZIP_MAGIC = b"PK\x03\x04"
_DIMENSION_SCAN_BYTES = 4096
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Za-z]{1,3}\d{1,7}(?::[A-Za-z]{1,3}\d{1,7})?)\"")

NOT_XLSX = (
    "文件不是有效的 .xlsx 工作簿：请使用本系统导出的表格填写，并在 Excel 中另存为“Excel 工作簿(*.xlsx)”后再导入"
    "（不接受 .xls、.xlsm、.csv 等格式）。"
)
DAMAGED = "文件已损坏或不完整，无法读取。请在 Excel 中打开确认无误、重新保存为 .xlsx 后再导入。"
ENCRYPTED = "文件设置了打开密码（已加密），系统无法读取。请在 Excel 中取消密码后另存为 .xlsx 再导入。"
OLE_FILE = (
    "文件不是有效的 .xlsx 工作簿：它是旧版 .xls 文件或设置了打开密码的加密文件，系统无法读取。"
    "请取消密码并在 Excel 中另存为“Excel 工作簿(*.xlsx)”后再导入。"
)
MACRO = "文件不是有效的 .xlsx 工作簿：文件含有宏（.xlsm）。请在 Excel 中另存为不含宏的“Excel 工作簿(*.xlsx)”后再导入。"
SUSPICIOUS = "文件结构异常（{reason}），为安全起见已拒绝。请使用本系统导出的表格填写后再导入。"
BATCH_TOO_LARGE = "本次上传的文件合计内容过多，此文件未导入；请分批上传（每批合计不超过 {cells} 个单元格）。"


class XlsxRefused(Exception):
    """The file as a whole cannot be read; the message is the one error reported."""


@dataclass
class XlsxBudget:
    """What one request may still parse over all its files, so that several large files do not add up."""

    limits: XlsxLimits
    cells: int = field(init=False)
    xml_bytes: int = field(init=False)

    def __post_init__(self):
        self.cells = self.limits.request_cells
        self.xml_bytes = self.limits.request_xml_bytes


# ----- the raw file ---------------------------------------------------------------------------------


def read_upload(source, limits: XlsxLimits) -> bytes:
    """The bytes of a path, a bytes object or an uploaded file, refused beyond `limits.upload_bytes`
    before all of it is read."""
    most = limits.upload_bytes
    if isinstance(source, (str, PathLike)):
        path = Path(source)
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise XlsxRefused("文件不存在或无法读取。") from exc
        if size > most:
            raise XlsxRefused(_too_large(size, limits))
        with path.open("rb") as handle:
            data = handle.read(most + 1)
    elif isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        size = getattr(source, "size", None)
        if isinstance(size, int) and size > most:
            raise XlsxRefused(_too_large(size, limits))
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(most + 1)
    if len(data) > most:
        raise XlsxRefused(_too_large(len(data), limits))
    return data


def _too_large(size: int, limits: XlsxLimits) -> str:
    return (
        f"文件过大（{size / 1024 / 1024:.1f} MB），超过 {limits.upload_bytes // 1024 // 1024} MB 的上限。"
        + limits.size_hint
    )


def _open_container(data: bytes, limits: XlsxLimits) -> zipfile.ZipFile:
    """Check the bytes and the zip directory; nothing is decompressed except [Content_Types].xml."""
    if not data:
        raise XlsxRefused("文件为空。")
    if data.startswith(OLE_MAGIC):
        if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
            raise XlsxRefused(ENCRYPTED)
        raise XlsxRefused(OLE_FILE)
    if not data.startswith(ZIP_MAGIC):
        raise XlsxRefused(NOT_XLSX)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise XlsxRefused(DAMAGED) from exc
    if len(infos) > limits.zip_entries:
        raise XlsxRefused(SUSPICIOUS.format(reason=f"包含 {len(infos)} 个部件，超过 {limits.zip_entries} 个"))
    total = sum(info.file_size for info in infos)
    if total > limits.uncompressed_bytes:
        raise XlsxRefused(SUSPICIOUS.format(reason=f"解压后达 {total / 1024 / 1024:.0f} MB"))
    for info in infos:
        if info.file_size > RATIO_CHECK_MIN_BYTES and info.file_size > limits.compression_ratio * max(
            info.compress_size, 1
        ):
            raise XlsxRefused(SUSPICIOUS.format(reason="压缩比异常"))
    if any(info.flag_bits & 0x1 for info in infos):
        raise XlsxRefused(ENCRYPTED)
    xml_parts = [info for info in infos if info.filename.lower().endswith(XML_SUFFIXES)]
    for info in xml_parts:
        if info.file_size > limits.xml_part_bytes:
            raise XlsxRefused(_too_much_xml(info.filename, info.file_size, limits))
    xml_total = sum(info.file_size for info in xml_parts)
    if xml_total > limits.xml_bytes:
        raise XlsxRefused(SUSPICIOUS.format(reason=f"表格内容解压后达 {xml_total / 1024 / 1024:.1f} MB"))
    names = {info.filename for info in infos}
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise XlsxRefused(MACRO)
    if "[Content_Types].xml" not in names:
        raise XlsxRefused(NOT_XLSX)
    try:
        content_types = _read_part(archive, "[Content_Types].xml", limits)
    except XlsxRefused:
        raise
    except Exception as exc:
        raise XlsxRefused(DAMAGED) from exc
    if b"macroEnabled" in content_types or b"vbaProject" in content_types:
        raise XlsxRefused(MACRO)
    if (
        b"spreadsheetml.sheet.main+xml" not in content_types
        and b"spreadsheetml.template.main+xml" not in content_types
    ):
        raise XlsxRefused(NOT_XLSX)
    return archive


def _too_much_xml(part: str, size: int, limits: XlsxLimits) -> str:
    return SUSPICIOUS.format(
        reason=f"部件 {part} 解压后达 {size / 1024 / 1024:.1f} MB，超过 {limits.xml_part_bytes // 1024 // 1024} MB"
    )


def _read_part(archive: zipfile.ZipFile, part: str, limits: XlsxLimits) -> bytes:
    """A part's bytes, never more than `limits.xml_part_bytes` whatever the zip directory claims."""
    with archive.open(part) as handle:
        data = handle.read(limits.xml_part_bytes + 1)
    if len(data) > limits.xml_part_bytes:
        raise XlsxRefused(_too_much_xml(part, len(data), limits))
    return data


def _check_dimension(head: bytes, limits: XlsxLimits) -> None:
    """The worksheet's declared used range (its first element) must be within the limits, not a table
    of 10^6."""
    match = _DIMENSION.search(head)
    if match is None:
        return
    min_col, min_row, max_col, max_row = range_boundaries(match.group(1).decode())
    _check_extent(max_row or min_row or 1, max_col or min_col or 1, limits, declared=match.group(1).decode())


def _check_extent(row: int, column: int, limits: XlsxLimits, *, declared: str = "") -> None:
    if row > limits.rows or column > limits.columns:
        where = declared or f"{get_column_letter(min(column, 18278))}{row}"
        raise XlsxRefused(
            SUSPICIOUS.format(
                reason=f"表格范围达到 {where}，超过 {limits.rows} 行或 {limits.columns} 列；请删除多余的行列"
            )
        )


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(archive: zipfile.ZipFile, limits: XlsxLimits) -> dict[str, str]:
    """Sheet name -> worksheet part path, from the workbook part and its relationships."""
    content_types = SafeET.fromstring(_read_part(archive, "[Content_Types].xml", limits))
    workbook_part = "xl/workbook.xml"
    for override in content_types:
        if _local(override.tag) == "Override" and "spreadsheetml.sheet.main+xml" in (
            override.get("ContentType") or ""
        ):
            workbook_part = (override.get("PartName") or "/xl/workbook.xml").lstrip("/")
    base, name = posixpath.split(workbook_part)
    rels_part = posixpath.join(base, "_rels", f"{name}.rels")
    workbook = SafeET.fromstring(_read_part(archive, workbook_part, limits))
    relations = SafeET.fromstring(_read_part(archive, rels_part, limits))
    targets = {rel.get("Id"): rel.get("Target") or "" for rel in relations}
    parts = {}
    for element in workbook.iter():
        if _local(element.tag) != "sheet":
            continue
        rid = next((value for key, value in element.attrib.items() if _local(key) == "id"), None)
        target = targets.get(rid, "")
        path = (
            target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        )
        parts[element.get("name") or ""] = path
    return parts


def _scan_worksheet(data: bytes, max_cells: int, limits: XlsxLimits) -> tuple[set[str], int, int]:
    """(cells holding a formula without a cached value, number of cells, merged area) of one worksheet.

    Stops at the first cell beyond the rows/columns of `limits` or `max_cells`, so a hostile sheet costs
    no more than a real one.
    """
    _check_dimension(data[:_DIMENSION_SCAN_BYTES], limits)
    uncached: set[str] = set()
    cells = merged = 0
    row_number = column_number = 0
    too_many = SUSPICIOUS.format(reason=f"单元格超过 {max_cells} 个")
    for event, element in SafeET.iterparse(io.BytesIO(data), events=("start", "end")):
        tag = _local(element.tag)
        if event == "start":
            if tag == "row":
                row_number = int(element.get("r") or row_number + 1)
                column_number = 0
                _check_extent(row_number, 1, limits)
            continue
        if tag == "c":
            cells += 1
            reference = element.get("r")
            if reference:
                letters, _row = coordinate_from_string(reference)
                column_number = column_index_from_string(letters)
            else:
                column_number += 1
                reference = f"{get_column_letter(column_number)}{row_number}"
            _check_extent(row_number, column_number, limits)
            formula = value = None
            for child in element:
                child_tag = _local(child.tag)
                if child_tag == "f":
                    formula = child
                elif child_tag == "v":
                    value = child
            if formula is not None and (value is None or not (value.text or "")):
                uncached.add(reference)
            element.clear()
        elif tag == "mergeCell":
            min_col, min_row, max_col, max_row = range_boundaries(element.get("ref") or "")
            merged += (max_col - min_col + 1) * (max_row - min_row + 1)
            element.clear()
        elif tag == "row":
            element.clear()
        if cells > max_cells:
            raise XlsxRefused(too_many)
        if merged > limits.merged_area:
            raise XlsxRefused(SUSPICIOUS.format(reason="合并单元格范围过大"))
    return uncached, cells, merged


def load_xlsx(data: bytes, budget: XlsxBudget) -> tuple[Workbook, dict[str, set[str]]]:
    """(the workbook with cached values, sheet name -> cells holding a formula never calculated).

    Raises XlsxRefused with the one Chinese message for the file; what was parsed is taken from `budget`.
    """
    limits = budget.limits
    archive = _open_container(data, limits)
    xml_bytes = sum(i.file_size for i in archive.infolist() if i.filename.lower().endswith(XML_SUFFIXES))
    if xml_bytes > budget.xml_bytes or budget.cells <= 0:
        raise XlsxRefused(BATCH_TOO_LARGE.format(cells=limits.request_cells))
    try:
        parts = _sheet_parts(archive, limits)
        uncached = {}
        total_cells = 0
        for name, part in parts.items():
            if part not in archive.NameToInfo:
                continue
            allowed = min(limits.cells, budget.cells) - total_cells
            try:
                uncached[name], cells, _merged = _scan_worksheet(
                    _read_part(archive, part, limits), allowed, limits
                )
            except XlsxRefused:
                if allowed + total_cells < limits.cells:
                    raise XlsxRefused(BATCH_TOO_LARGE.format(cells=limits.request_cells)) from None
                raise
            total_cells += cells
        worksheets = set(parts.values())
        for info in archive.infolist():  # every other XML part, once through defusedxml
            if info.filename not in worksheets and info.filename.lower().endswith(XML_SUFFIXES):
                for _event, element in SafeET.iterparse(
                    io.BytesIO(_read_part(archive, info.filename, limits))
                ):
                    element.clear()
        budget.cells -= total_cells
        budget.xml_bytes -= xml_bytes
        with py_warnings.catch_warnings():
            py_warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), read_only=False, data_only=True, keep_vba=False, keep_links=False
            )
    except XlsxRefused:
        raise
    except defusedxml.DefusedXmlException as exc:
        raise XlsxRefused(SUSPICIOUS.format(reason="含有不允许的 XML 实体或外部引用")) from exc
    except Exception as exc:  # any parser or zlib failure of a damaged file
        logger.info("xlsx upload: unreadable file: %r", exc)
        raise XlsxRefused(DAMAGED) from exc
    return workbook, uncached
