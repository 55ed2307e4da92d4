import csv
import io

import pytest
from openpyxl import Workbook

from jixiao.conftest import create_user
from jixiao.core.xlsx import put_value, workbook_bytes
from jixiao.organisations.models import Role


@pytest.fixture
def data_manager(district):
    return create_user(district.bureau, Role.DATA_MANAGER, username="data_manager")


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], *, formulas: bool = False) -> bytes:
    """A workbook of the rows; text is stored as text unless `formulas` (then "=…" is a formula)."""
    workbook = Workbook()
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            cell = workbook.active.cell(row=number, column=column)
            if formulas:
                cell.value = value
            else:
                put_value(cell, value)
    return workbook_bytes(workbook)
