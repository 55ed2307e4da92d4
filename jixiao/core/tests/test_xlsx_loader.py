"""The hardened loader checks each caller's own limits before openpyxl parses the file."""

import dataclasses
import io

import pytest
from openpyxl import Workbook

from jixiao.core.xlsx_loader import XlsxBudget, XlsxRefused, load_xlsx
from jixiao.loads.parsing import LOAD_LIMITS
from jixiao.monitoring.workbook import REPORT_LIMITS


def workbook_of(rows: int, columns: int) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("数据")
    for row in range(rows):
        sheet.append([row * columns + column for column in range(columns)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_sheet_beyond_the_rows_of_its_limits_is_refused():
    data = workbook_of(rows=30, columns=2)
    with pytest.raises(XlsxRefused, match="超过 20 行"):
        load_xlsx(data, XlsxBudget(dataclasses.replace(REPORT_LIMITS, rows=20)))
    workbook, uncached = load_xlsx(data, XlsxBudget(REPORT_LIMITS))
    assert workbook.worksheets[0].max_row == 30 and uncached == {"数据": set()}


def test_a_budget_system_export_fits_the_load_limits_but_not_the_report_limits():
    data = workbook_of(rows=REPORT_LIMITS.rows + 1, columns=2)
    with pytest.raises(XlsxRefused, match="表格范围达到"):
        load_xlsx(data, XlsxBudget(REPORT_LIMITS))
    workbook, _uncached = load_xlsx(data, XlsxBudget(LOAD_LIMITS))
    assert workbook.worksheets[0].max_row == REPORT_LIMITS.rows + 1


def test_the_files_of_one_request_share_its_budget():
    data = workbook_of(rows=10, columns=10)
    budget = XlsxBudget(dataclasses.replace(REPORT_LIMITS, request_cells=150))
    load_xlsx(data, budget)
    with pytest.raises(XlsxRefused, match="分批上传"):
        load_xlsx(data, budget)
