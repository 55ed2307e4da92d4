"""Hostile workbooks are refused before openpyxl parses them; several in one request do not add up."""

import io
import os
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jixiao.core import xlsx_loader
from jixiao.core.xlsx_loader import XlsxBudget
from jixiao.monitoring.models import AnalysisReport
from jixiao.monitoring.tests.test_workbook import do_import, zip_with
from jixiao.monitoring.workbook import REPORT_LIMITS, export_report_bytes

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def parsed(monkeypatch):
    """The calls that reached openpyxl (each one a full parse of the workbook)."""
    calls = []
    load = xlsx_loader.openpyxl.load_workbook

    def counting_load(*args, **kwargs):
        calls.append(args)
        return load(*args, **kwargs)

    monkeypatch.setattr(xlsx_loader.openpyxl, "load_workbook", counting_load)
    return calls


def blank(district) -> bytes:
    return export_report_bytes(project=district.project_s1, cycle=district.cycle, report=None)


def entries_of(data: bytes) -> dict[str, bytes]:
    source = zipfile.ZipFile(io.BytesIO(data))
    return {info.filename: source.read(info.filename) for info in source.infolist()}


def filler_rows(first_row: int, rows: int, *, columns: int = 17, padding: int = 0) -> bytes:
    """Rows of numeric cells below the form, as a pasted table would add them."""
    out = []
    for row in range(first_row, first_row + rows):
        cells = b"".join(
            b'<c r="%s%d" s="1"><v>%d</v></c>%s'
            % (bytes([65 + column]), row, int.from_bytes(os.urandom(3)), b" " * padding)
            for column in range(columns)
        )
        out.append(b'<row r="%d">%s</row>' % (row, cells))
    return b"".join(out)


def with_sheet(data: bytes, *, extra_rows: bytes = b"", dimension: bytes | None = None) -> bytes:
    entries = entries_of(data)
    sheet = entries[SHEET]
    end = sheet.index(b"</sheetData>")
    sheet = sheet[:end] + extra_rows + sheet[end:]
    if dimension is not None:
        start = sheet.index(b'<dimension ref="') + len(b'<dimension ref="')
        sheet = sheet[:start] + dimension + sheet[sheet.index(b'"', start) :]
    entries[SHEET] = sheet
    return zip_with(entries)


def assert_refused(result, expected: str) -> None:
    assert not result.ok
    assert len(result.errors) == 1, result.errors
    assert expected in result.errors[0][2], result.errors
    assert not AnalysisReport.objects.exists()


def test_the_reported_workbook_is_refused_from_its_zip_directory(district, parsed, monkeypatch):
    """The workbook of the issue: 199,000 cells in 46 MB of sheet XML, under 2 MB packed."""
    data = with_sheet(blank(district), extra_rows=filler_rows(100, 199_000 // 17, padding=190))
    sheet = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET)
    # It passes the guards that came before: upload size, total size, compression ratio, cell count.
    assert len(data) < REPORT_LIMITS.upload_bytes and sheet.file_size < 50 * 1024 * 1024
    assert sheet.file_size < REPORT_LIMITS.compression_ratio * sheet.compress_size
    assert sheet.file_size > 40 * 1024 * 1024

    def no_xml_parsing(*args, **kwargs):
        raise AssertionError("the sheet was parsed")

    monkeypatch.setattr(xlsx_loader.SafeET, "iterparse", no_xml_parsing)
    assert_refused(do_import(data, district.s1_filler), "解压后达")
    assert parsed == []


def test_a_part_that_decompresses_beyond_what_its_directory_says_is_refused(district, parsed):
    data = bytearray(with_sheet(blank(district), extra_rows=filler_rows(100, 3000, padding=20)))
    central = data.find(b"PK\x01\x02")
    while True:  # the central directory entry of the sheet: claim it holds 1,000 bytes
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_length] == SHEET.encode():
            struct.pack_into("<I", data, central + 24, 1000)
            break
        central = data.find(b"PK\x01\x02", central + 4)
    result = do_import(bytes(data), district.s1_filler)
    assert not result.ok and len(result.errors) == 1
    assert "超过 1 MB" in result.errors[0][2] or "文件已损坏" in result.errors[0][2]
    assert parsed == []


def test_a_huge_declared_dimension_is_refused_before_the_cells_are_read(district, parsed, monkeypatch):
    data = with_sheet(blank(district), dimension=b"A1:XFD1048576")
    assert_refused(do_import(data, district.s1_filler), "表格范围达到 A1:XFD1048576")
    assert parsed == []


def test_a_stray_cell_far_below_the_form_is_refused(district, parsed):
    data = with_sheet(blank(district), extra_rows=b'<row r="5000"><c r="A5000"><v>1</v></c></row>')
    assert_refused(do_import(data, district.s1_filler), "表格范围达到 A5000")
    assert parsed == []


def test_too_many_small_cells_are_refused_before_openpyxl(district, parsed):
    data = with_sheet(blank(district), extra_rows=filler_rows(100, REPORT_LIMITS.cells // 17 + 1))
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo(SHEET).file_size < REPORT_LIMITS.xml_part_bytes
    assert_refused(do_import(data, district.s1_filler), f"单元格超过 {REPORT_LIMITS.cells} 个")
    assert parsed == []


def test_a_real_form_with_room_to_spare_imports(district, parsed):
    data = with_sheet(blank(district), extra_rows=filler_rows(100, 100))
    result = do_import(data, district.s1_filler)
    assert result.ok, result.errors
    assert len(parsed) == 1


def large_but_allowed(district) -> bytes:
    """A form grown to nearly the most cells one file may have."""
    return with_sheet(blank(district), extra_rows=filler_rows(100, (REPORT_LIMITS.cells - 1000) // 17))


def test_files_of_one_budget_do_not_add_up(district, parsed):
    large = large_but_allowed(district)
    budget = XlsxBudget(REPORT_LIMITS)
    allowed = REPORT_LIMITS.request_cells // (REPORT_LIMITS.cells - 1000)
    results = [do_import(large, district.s1_filler, budget=budget, dry_run=True) for _ in range(allowed + 1)]
    assert [r.ok for r in results] == [True] * allowed + [False]
    assert "分批上传" in results[-1].errors[0][2]
    assert len(parsed) == allowed
    assert do_import(large, district.s1_filler, dry_run=True).ok  # a new request has a new budget


def test_the_upload_page_shares_one_budget_among_its_files(client, district, parsed):
    large = large_but_allowed(district)
    client.force_login(district.s1_filler)
    allowed = REPORT_LIMITS.request_cells // (REPORT_LIMITS.cells - 1000)
    files = [SimpleUploadedFile(f"{n}.xlsx", large) for n in range(allowed + 2)]
    response = client.post(reverse("monitoring:report_import", args=[district.cycle.pk]), {"files": files})
    assert response.status_code == 200
    assert response.content.decode().count("分批上传") == 2
    assert len(parsed) == allowed
