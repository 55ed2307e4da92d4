import csv
import io

import pytest
from openpyxl import Workbook

from jixiao.conftest import create_user
from jixiao.monitoring.workbook import workbook_bytes
from jixiao.organisations.models import Role


@pytest.fixture
def data_manager(district):
    return create_user(district.bureau, Role.DATA_MANAGER, username="data_manager")


def csv_bytes(rows: list[list], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    return workbook_bytes(workbook)
