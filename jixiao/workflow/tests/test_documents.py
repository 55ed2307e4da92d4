"""The 汇总表 as the paper form: its title names the district once, subtotal and total labels span the
three label columns so they never wrap over the next row, and rows are tall enough for their text."""

import io

import openpyxl
import pytest

from jixiao.conftest import create_organisation
from jixiao.monitoring.models import WarningLevel
from jixiao.organisations.models import OrganisationKind
from jixiao.testing import package_accepted, report_filed
from jixiao.workflow.documents import aggregated_table_title, aggregated_table_xlsx

pytestmark = pytest.mark.django_db


def test_the_title_names_the_district_once(district, settings):
    settings.DISTRICT_NAME = "雁江区"
    named = create_organisation(OrganisationKind.PRIMARY_UNIT, "雁江区教育局", code="P9")
    town = create_organisation(OrganisationKind.TOWN, "临江镇", code="T9")
    assert aggregated_table_title(named) == "雁江区教育局项目预算绩效监控汇总表"
    assert aggregated_table_title(town) == "雁江区临江镇项目预算绩效监控汇总表"
    sheet = openpyxl.load_workbook(io.BytesIO(aggregated_table_xlsx(unit=named, cycle=district.cycle))).active
    assert sheet["A1"].value == "雁江区教育局项目预算绩效监控汇总表"


def test_subtotal_labels_span_the_label_columns(district):
    d = district
    report_filed(d, d.project_p1, WarningLevel.RED)
    package_accepted(d, d.s1)
    sheet = openpyxl.load_workbook(io.BytesIO(aggregated_table_xlsx(unit=d.p1, cycle=d.cycle))).active
    merged = {str(r) for r in sheet.merged_cells.ranges}
    labels = {
        cell.row: cell.value
        for cell in sheet["A"]
        if isinstance(cell.value, str) and ("小计" in cell.value or cell.value == "合计")
    }
    assert list(labels.values()) == [f"{d.p1.name} 小计（1 个项目）", f"{d.s1.name} 小计（1 个项目）", "合计"]
    for row in labels:
        assert f"A{row}:C{row}" in merged
        assert sheet.cell(row, 4).value is not None  # the figures start right after the label
        assert sheet.row_dimensions[row].height >= 18
    project_row = next(c.row for c in sheet["B"] if c.value == d.project_p1.code)
    assert sheet.cell(project_row, 8).value.startswith("预算执行率0.0%")
    assert sheet.row_dimensions[project_row].height >= 18
    assert sheet.print_title_rows == "$3:$3"
