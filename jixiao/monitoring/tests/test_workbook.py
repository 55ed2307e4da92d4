"""附件1 workbooks: the export looks like the paper form, a filled workbook imports back like the web form."""

import io
import struct
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl.worksheet.cell_range import CellRange

from jixiao.audit.models import AuditRecord
from jixiao.conftest import create_user
from jixiao.monitoring import workbook as wbmod
from jixiao.monitoring.models import AnalysisReport, IndicatorEntry, ReportWarning
from jixiao.monitoring.services import ENTRY_INPUT_FIELDS, REPORT_INPUT_FIELDS, cycle_open, report_save
from jixiao.monitoring.workbook import (
    PROJECT_NOT_FOUND,
    export_report_bytes,
    export_report_workbook,
    export_unit_zip,
    import_report_workbook,
    report_of,
)
from jixiao.organisations.models import Role
from jixiao.projects.models import Project, ProjectMonth
from jixiao.testing import fill_ready_report

pytestmark = pytest.mark.django_db

RED, YELLOW = "FFC7CE", "FFEB9C"


# ---------------------------------------------------------------------------------------------------
# Helpers: find cells the way a reader of the printed form would


def indicator_ids(project):
    return {i.name: i.pk for i in project.current_target.indicators.all()}


def export(district, project=None, report=None):
    project = project or district.project_s1
    report = report if report is not None else report_of(project, district.cycle)
    return openpyxl.load_workbook(
        io.BytesIO(export_report_bytes(project=project, cycle=district.cycle, report=report))
    )


def label(ws, text):
    """The coordinate of the cell whose text is exactly `text` (the first one, row by row)."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip() == text:
                return cell.row, cell.column
    raise AssertionError(f"label {text!r} not found")


def merged_range_of(ws, row, column):
    for merged in ws.merged_cells.ranges:
        if merged.min_row <= row <= merged.max_row and merged.min_col <= column <= merged.max_col:
            return merged
    return None


def right_of(ws, text):
    row, column = label(ws, text)
    merged = merged_range_of(ws, row, column)
    return ws.cell(row=row, column=(merged.max_col if merged else column) + 1)


def below(ws, text, *, before_row=None):
    for row in ws.iter_rows(max_row=before_row):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip() == text:
                merged = merged_range_of(ws, cell.row, cell.column)
                return ws.cell(row=(merged.max_row if merged else cell.row) + 1, column=cell.column)
    raise AssertionError(text)


def header_columns(ws):
    header_row, _ = label(ws, "三级指标")
    columns = {}
    for r in (header_row, header_row + 1):
        for cell in ws[r]:
            if isinstance(cell.value, str):
                columns.setdefault(cell.value, cell.column)
    return header_row, columns


def indicator_cell(ws, name, header):
    header_row, columns = header_columns(ws)
    column = next(c for text, c in columns.items() if text == header or text.startswith(header))
    for row in range(header_row + 1, ws.max_row + 1):
        if ws.cell(row=row, column=columns["三级指标"]).value == name:
            return ws.cell(row=row, column=column)
    raise AssertionError(name)


def funds_cell(ws, row_label, column_label):
    row, _ = label(ws, row_label)
    _, column = label(ws, column_label)
    return ws.cell(row=row, column=column)


def fill_of(cell):
    return (cell.fill.fgColor.rgb or "")[-6:] if cell.fill and cell.fill.fill_type == "solid" else ""


def to_bytes(wb):
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def do_import(data, user, **kwargs):
    kwargs.setdefault("filename", "附件1.xlsx")
    return import_report_workbook(file_obj_or_path=io.BytesIO(data), user=user, **kwargs)


def insert_row_like_excel(ws, index, amount=1):
    """Insert rows as Excel does: cells and merged ranges below move down together."""
    moved = [CellRange(r.coord) for r in ws.merged_cells.ranges if r.min_row >= index]
    for merged in moved:
        ws.unmerge_cells(merged.coord)
    ws.insert_rows(index, amount)
    for merged in moved:
        merged.shift(row_shift=amount)
        ws.merge_cells(merged.coord)


def counts():
    return AnalysisReport.objects.count(), IndicatorEntry.objects.count(), ReportWarning.objects.count()


def snapshot(project, cycle):
    report = AnalysisReport.objects.get(project=project, cycle=cycle)
    entries = {
        e.indicator.name: {name: getattr(e, name) for name in ENTRY_INPUT_FIELDS}
        for e in report.entries.select_related("indicator")
    }
    warnings = sorted(
        (w.code, w.level, w.indicator.name if w.indicator else None, w.message) for w in report.warnings.all()
    )
    return {name: getattr(report, name) for name in REPORT_INPUT_FIELDS}, entries, warnings, report.level


# ---------------------------------------------------------------------------------------------------
# Export


def test_export_looks_like_the_paper_form(district, settings):
    settings.DISTRICT_NAME = "测试区"
    wb = export(district)
    assert wb.sheetnames[0] == "附件1"
    ws = wb["附件1"]
    assert ws["A1"].value == "测试区项目预算绩效监控分析表"
    assert ws["A1"].font.b
    assert "A1:Q1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].value == "（2026年1—8月）"
    texts = [c.value for c in ws[3] if c.value]
    assert texts[0].startswith("填报单位（盖章）：第一中学")
    assert any(t.startswith("填报日期：") for t in texts)
    assert "金额单位：万元" in texts
    assert right_of(ws, "项目编码").value == district.project_s1.code
    assert right_of(ws, "项目名称").value == district.project_s1.name
    assert right_of(ws, "主管部门（一级预算单位）").value == "区教育局"
    assert right_of(ws, "实施单位").value == "第一中学"
    assert right_of(ws, "项目类型").value == "部门预算专项"

    budget = funds_cell(ws, "年度资金总额", "年初预算数")
    assert budget.value == 100 and budget.number_format == "#,##0.00"
    assert funds_cell(ws, "其中：财政拨款", "年初预算数").number_format == "#,##0.00"
    progress = funds_cell(ws, "年度资金总额", "时间进度")
    assert progress.number_format == "0.0%" and progress.value == pytest.approx(8 / 12)
    assert funds_cell(ws, "年度资金总额", "执行率").number_format == "0.0%"
    assert funds_cell(ws, "其中：财政拨款", "全年预计执行数").number_format == "#,##0.00"
    for text in (
        "经费保障",
        "制度保障",
        "人员保障",
        "硬件条件保障",
        "其他",
        "纠偏措施",
        "年度总体目标",
        "1—8月目标完成情况",
    ):
        label(ws, text)
    assert right_of(ws, "年度总体目标").value == "完成年度任务。"

    header_row, columns = header_columns(ws)
    for header in (
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "1—8月实际完成值",
        "全年预计完成值",
        "完成进度",
        "自评（定性指标）",
        "偏差原因分析",
        "完成目标可能性（确定能/有可能/完全不可能）",
        "备注",
        "预警",
    ):
        assert header in columns, header
    assert indicator_cell(ws, "培训人数", "年度指标值").value == "≥500人"
    assert indicator_cell(ws, "验收合格率", "年度指标值").value == "=100%"
    assert indicator_cell(ws, "完工时间", "年度指标值").value == "≤2026-11-30"
    assert indicator_cell(ws, "验收合格率", "1—8月实际完成值").number_format.endswith("%")
    assert indicator_cell(ws, "完工时间", "全年预计完成值").number_format == "yyyy-mm-dd"
    assert indicator_cell(ws, "培训人数", "一级指标").value == "产出指标"
    assert f"A{header_row + 2}:A{header_row + 4}" in {
        str(r) for r in ws.merged_cells.ranges
    }  # 产出指标 grouped

    for number, text in enumerate(
        [
            "制度建设及执行情况",
            "阶段性产出完成情况",
            "效益实现程度及趋势",
            "实施条件与目标调整需求",
            "资金管理情况",
            "偏离原因及应对措施",
            "创新做法与可推广经验",
        ],
        start=1,
    ):
        label(ws, f"{number}. {text}")
    for text in ("单位负责人", "财务负责人", "填表人", "联系电话", "填报日期"):
        label(ws, text)

    likelihood = indicator_cell(ws, "培训人数", "完成目标可能性")
    assert any(
        likelihood.coordinate in dv.sqref and "有可能" in dv.formula1
        for dv in ws.data_validations.dataValidation
    )

    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4) == 9
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == f"${header_row}:${header_row + 1}"
    assert ws["C6"].border.left.style == "thin" and ws["A6"].border.top.style == "thin"
    assert ws[f"Q{ws.max_row}"].border.bottom.style == "thin"
    assert ws.column_dimensions["Q"].width > ws.column_dimensions["A"].width

    hidden = wb["_jixiao"]
    assert hidden.sheet_state == "hidden"
    ids = {row[0]: row[1] for row in hidden.iter_rows(values_only=True)}
    assert ids["project_code"] == district.project_s1.code
    assert ids["cycle_year"] == 2026 and ids["cycle_month"] == 8 and ids["revision"] == 0


def test_export_colours_the_figures_that_triggered_warnings(district):
    wb = export(district)  # no report yet: the blank form's warnings
    ws = wb["附件1"]
    assert fill_of(funds_cell(ws, "年度资金总额", "执行率")) == RED  # EXEC_ZERO: nothing paid by August
    assert fill_of(indicator_cell(ws, "培训人数", "1—8月实际完成值")) == YELLOW  # IND_NO_ACTUAL
    assert "未填写1—8月实际完成值" in indicator_cell(ws, "培训人数", "预警").value
    assert fill_of(indicator_cell(ws, "培训人数", "预警")) == YELLOW
    assert fill_of(indicator_cell(ws, "完工时间", "1—8月实际完成值")) == ""
    last = right_of(ws, "项目整体预警").value
    assert "预警等级：红色" in last and "预算执行数仍为0" in last

    ids = indicator_ids(district.project_s1)
    ProjectMonth.objects.create(project=district.project_s1, month=8, paid_fiscal=Decimal("600000"))
    report_save(
        project=district.project_s1,
        cycle=district.cycle,
        values={"projected_fiscal": Decimal("800000")},
        entries={
            ids["培训人数"]: {
                "actual_number": Decimal("320"),
                "projected_number": Decimal("480"),
                "likelihood": "possible",
            },
            ids["验收合格率"]: {
                "actual_number": Decimal("100"),
                "projected_number": Decimal("100"),
                "likelihood": "certain",
            },
        },
        expected_revision=0,
        acting_user=district.s1_filler,
    )
    ws = export(district)["附件1"]
    assert fill_of(indicator_cell(ws, "培训人数", "全年预计完成值")) == RED  # IND_PROJECTED_MISS
    assert fill_of(indicator_cell(ws, "培训人数", "完成目标可能性")) == YELLOW  # IND_POSSIBLE
    assert fill_of(indicator_cell(ws, "验收合格率", "1—8月实际完成值")) == ""
    assert fill_of(funds_cell(ws, "年度资金总额", "全年预计执行数")) == YELLOW  # EXEC_PROJECTED_LOW
    assert fill_of(funds_cell(ws, "年度资金总额", "执行率")) == ""  # 60% vs 66.7%: no lag
    assert "【红色】全年预计完成值480人未达到年度指标值≥500人" in indicator_cell(ws, "培训人数", "预警").value
    assert "全年预计执行数80.00万元" in right_of(ws, "项目整体预警").value


def test_export_prefills_the_saved_report(district):
    ids = indicator_ids(district.project_s1)
    report_save(
        project=district.project_s1,
        cycle=district.cycle,
        values={
            "projected_fiscal": Decimal("855000.00"),
            "goal_progress": "按计划推进",
            "narrative_funds": "资金按用款计划拨付",
            "deviation_rules": "制度不健全",
            "filler_name": "张三",
            "filled_on": date(2026, 9, 5),
        },
        entries={
            ids["验收合格率"]: {"actual_number": Decimal("98.5"), "likelihood": "possible", "remark": "抽检"},
            ids["完工时间"]: {"projected_date": date(2026, 11, 20)},
        },
        expected_revision=0,
        acting_user=district.s1_filler,
    )
    wb = export(district)
    ws = wb["附件1"]
    assert funds_cell(ws, "其中：财政拨款", "全年预计执行数").value == pytest.approx(85.5)
    assert right_of(ws, "1—8月目标完成情况").value == "按计划推进"
    assert right_of(ws, "5. 资金管理情况").value == "资金按用款计划拨付"
    assert below(ws, "制度保障").value == "制度不健全"
    assert right_of(ws, "填表人").value == "张三"
    assert right_of(ws, "填报日期").value.date() == date(2026, 9, 5)
    assert any(c.value == "填报日期：2026-09-05" for c in ws[3])
    rate = indicator_cell(ws, "验收合格率", "1—8月实际完成值")
    assert rate.value == pytest.approx(0.985) and "%" in rate.number_format
    assert indicator_cell(ws, "验收合格率", "完成目标可能性").value == "有可能"
    assert indicator_cell(ws, "验收合格率", "备注").value == "抽检"
    assert indicator_cell(ws, "完工时间", "全年预计完成值").value.date() == date(2026, 11, 20)
    ids_sheet = {row[0]: row[1] for row in wb["_jixiao"].iter_rows(values_only=True)}
    assert ids_sheet["revision"] == 1


def test_unit_zip_holds_the_projects_the_person_may_see(district):
    data = export_unit_zip(unit=district.p1, cycle=district.cycle, user=district.p1_leader)
    names = sorted(zipfile.ZipFile(io.BytesIO(data)).namelist())
    expected = sorted(
        f"{p.code}_{p.name}.xlsx" for p in (district.project_p1, district.project_s1, district.project_s2)
    )
    assert names == expected  # the classified unit's project is not among them

    data = export_unit_zip(unit=district.p1, cycle=district.cycle, user=district.s1_filler)
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == [
        f"{district.project_s1.code}_{district.project_s1.name}.xlsx"
    ]


def test_export_file_names_are_sanitised(district):
    Project.objects.filter(pk=district.project_s1.pk).update(name='校舍/维修:"一期"*?')
    project = Project.objects.get(pk=district.project_s1.pk)
    assert wbmod.export_filename(project) == f"{project.code}_校舍_维修_一期.xlsx"


# ---------------------------------------------------------------------------------------------------
# Round trip


def fill_like_a_person(ws):
    """What a unit types offline, with the habits of real spreadsheets."""
    funds_cell(ws, "其中：财政拨款", "全年预计执行数").value = "1,500.50"  # 万元, as text with a comma
    funds_cell(ws, "其他资金", "全年预计执行数").value = "—"
    header_row, _ = label(ws, "三级指标")
    below(ws, "经费保障", before_row=header_row - 1).value = "财政资金到位较晚"
    below(ws, "纠偏措施", before_row=header_row - 1).value = "加快支付进度"
    right_of(ws, "1—8月目标完成情况").value = "培训已完成过半。"

    indicator_cell(ws, "培训人数", "1—8月实际完成值").value = "１,２00"
    indicator_cell(ws, "培训人数", "全年预计完成值").value = 480
    indicator_cell(ws, "培训人数", "完成目标可能性").value = "有可能"
    indicator_cell(ws, "培训人数", "人员保障").value = "师资不足"
    indicator_cell(ws, "培训人数", "纠偏措施").value = "增聘讲师"
    rate = indicator_cell(ws, "验收合格率", "1—8月实际完成值")
    assert "%" in rate.number_format
    rate.value = 0.85  # typed "85%" into the exported percent cell: Excel stores 0.85
    indicator_cell(ws, "验收合格率", "全年预计完成值").value = "85%"
    indicator_cell(ws, "验收合格率", "完成目标可能性").value = "certain"  # a code is accepted too
    indicator_cell(ws, "完工时间", "1—8月实际完成值").value = "—"
    indicator_cell(ws, "完工时间", "全年预计完成值").value = "2026年11月30日"

    right_of(ws, "1. 制度建设及执行情况").value = "已建立项目管理制度"
    right_of(ws, "7. 创新做法与可推广经验").value = "无"
    right_of(ws, "填表人").value = "张三"
    right_of(ws, "联系电话").value = 13800000000  # a phone number becomes a number in Excel
    right_of(ws, "填报日期").value = datetime(2026, 9, 5)

    # Reasonable edits: a blank row inside the indicator table, two extra blank rows before the
    # narratives, and a remark merged over the inserted row.
    remark = indicator_cell(ws, "培训人数", "备注")
    insert_row_like_excel(ws, remark.row + 1)
    ws.merge_cells(
        start_row=remark.row, start_column=remark.column, end_row=remark.row + 1, end_column=remark.column
    )
    remark.value = "含线上培训"
    heading_row, _ = label(ws, "监控分析（第十条）")
    insert_row_like_excel(ws, heading_row, 2)


WEB_FORM_TYPING = {
    "projected_fiscal": "1,500.50",
    "projected_other": "—",
    "deviation_funding": "财政资金到位较晚",
    "corrective_measures": "加快支付进度",
    "goal_progress": "培训已完成过半。",
    "narrative_rules": "已建立项目管理制度",
    "narrative_innovation": "无",
    "filler_name": "张三",
    "contact_phone": "13800000000",
    "filled_on": "2026-09-05",
}


def web_entry_typing(ids):
    return {
        f"i{ids['培训人数']}-actual_number": "１,２00",
        f"i{ids['培训人数']}-projected_number": "480",
        f"i{ids['培训人数']}-likelihood": "possible",
        f"i{ids['培训人数']}-deviation_staffing": "师资不足",
        f"i{ids['培训人数']}-corrective_measures": "增聘讲师",
        f"i{ids['培训人数']}-remark": "含线上培训",
        f"i{ids['验收合格率']}-actual_number": "85%",
        f"i{ids['验收合格率']}-projected_number": "85%",
        f"i{ids['验收合格率']}-likelihood": "certain",
        f"i{ids['完工时间']}-actual_date": "—",
        f"i{ids['完工时间']}-projected_date": "2026年11月30日",
    }


def test_round_trip_stores_what_the_web_form_would(district, client):
    project = district.project_s1
    Project.objects.filter(pk=project.pk).update(initial_fiscal=Decimal("20000000.00"))
    project.refresh_from_db()
    ProjectMonth.objects.create(project=project, month=6, paid_fiscal=Decimal("8000000.00"))

    wb = export(district, project=project)
    fill_like_a_person(wb["附件1"])
    result = do_import(to_bytes(wb), district.s1_filler)
    assert result.errors == []
    assert result.ok and result.project == project

    imported = snapshot(project, district.cycle)
    values, entries, warnings, level = imported
    assert values["projected_fiscal"] == Decimal("15005000.00")
    assert values["projected_other"] is None
    assert values["contact_phone"] == "13800000000"
    assert values["filled_on"] == date(2026, 9, 5)
    assert entries["培训人数"]["actual_number"] == Decimal("1200")
    assert entries["培训人数"]["remark"] == "含线上培训"
    assert entries["验收合格率"]["actual_number"] == Decimal("85")
    assert entries["验收合格率"]["projected_number"] == Decimal("85")
    assert entries["完工时间"]["projected_date"] == date(2026, 11, 30)
    assert entries["完工时间"]["actual_date"] is None
    codes = {(code, lvl, name) for code, lvl, name, _message in warnings}
    assert ("EXEC_LAG", "red", None) in codes  # 40% against 66.7%
    assert ("EXEC_PROJECTED_LOW", "yellow", None) in codes
    assert ("IND_PROJECTED_MISS", "red", "培训人数") in codes
    assert ("IND_LEVEL_MISMATCH", "yellow", "验收合格率") in codes
    assert ("IND_PROJECTED_MISS", "red", "验收合格率") in codes
    assert level == "red" and result.level == "red"
    assert sorted(result.warnings) == sorted((c, lv, n) for c, lv, n, _m in warnings)
    assert not AuditRecord.objects.filter(action="report.save").exists()
    assert AuditRecord.objects.get(action="report.import").comment.startswith("导入Excel：")

    # The same typing in the web form, on a fresh report, gives the same stored values and warnings.
    AnalysisReport.objects.filter(project=project).delete()
    client.force_login(district.s1_filler)
    url = reverse("monitoring:report_edit", args=[district.cycle.pk, project.pk])
    response = client.post(
        url, {"revision": "0", **WEB_FORM_TYPING, **web_entry_typing(indicator_ids(project))}
    )
    assert response.status_code == 302
    assert snapshot(project, district.cycle) == imported


def test_dry_run_reports_the_level_and_writes_nothing(district):
    wb = export(district)
    indicator_cell(wb["附件1"], "培训人数", "完成目标可能性").value = "完全不可能"
    before = counts(), AuditRecord.objects.count()
    result = do_import(to_bytes(wb), district.s1_filler, dry_run=True)
    assert result.ok and result.level == "red"
    assert ("IND_IMPOSSIBLE", "red", "培训人数") in result.warnings
    assert (counts(), AuditRecord.objects.count()) == before


def test_unchanged_export_of_a_saved_report_imports_to_the_same_values(district):
    ids = indicator_ids(district.project_s1)
    report_save(
        project=district.project_s1,
        cycle=district.cycle,
        values={
            "projected_fiscal": Decimal("855000.00"),
            "goal_progress": "进展顺利",
            "filled_on": date(2026, 9, 1),
        },
        entries={
            ids["培训人数"]: {
                "actual_number": Decimal("320.5"),
                "projected_number": Decimal("500"),
                "likelihood": "certain",
            },
            ids["验收合格率"]: {"actual_number": Decimal("98.75"), "remark": "抽检"},
            ids["完工时间"]: {"projected_date": date(2026, 11, 20)},
        },
        expected_revision=0,
        acting_user=district.s1_filler,
    )
    before = snapshot(district.project_s1, district.cycle)
    result = do_import(to_bytes(export(district)), district.s1_filler)
    assert result.ok, result.errors
    assert result.revision == 2
    assert snapshot(district.project_s1, district.cycle) == before


# ---------------------------------------------------------------------------------------------------
# Rejections: one clear message, nothing written


def zip_with(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def with_extra_entry(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = {info.filename: source.read(info.filename) for info in source.infolist()}
    entries[name] = content
    return zip_with(entries)


def declared_size_bomb(data: bytes) -> bytes:
    """A valid small zip whose central directory claims a 3 GB entry."""
    data = bytearray(data)
    offset = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, offset + 24, 3_000_000_000)
    return bytes(data)


CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def rejected_files(blank: bytes) -> dict[str, tuple[bytes, str]]:
    xlsm = with_extra_entry(blank, "xl/vbaProject.bin", b"\x00" * 64)
    return {
        "csv": ("项目编码,实际完成值\n2026-S1-01,320\n".encode(), "文件不是有效的 .xlsx 工作簿"),
        "text": (b"hello", "文件不是有效的 .xlsx 工作簿"),
        "xlsm": (xlsm, "含有宏"),
        "xls_or_encrypted": (bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 600, "加密"),
        "encrypted": (
            bytes.fromhex("D0CF11E0A1B11AE1")
            + b"\x00" * 100
            + "EncryptionInfo".encode("utf-16-le")
            + b"\x00" * 100,
            "设置了打开密码",
        ),
        "truncated": (blank[: len(blank) // 2], "文件已损坏"),
        "garbled": (blank[:200] + b"\x00" * 3000 + blank[3200:], "文件已损坏"),
        "ratio_bomb": (
            zip_with({"[Content_Types].xml": CONTENT_TYPES, "xl/big.xml": b"\x00" * 3_000_000}),
            "压缩比异常",
        ),
        "declared_bomb": (declared_size_bomb(zip_with({"[Content_Types].xml": CONTENT_TYPES})), "解压后达"),
        "many_entries": (zip_with({f"x/{n}.xml": b"<a/>" for n in range(250)}), "个部件"),
        "oversized": (b"PK\x03\x04" + b"\x00" * (wbmod.REPORT_LIMITS.upload_bytes + 10), "文件过大"),
        "docx": (
            zip_with({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w/>"}),
            "文件不是有效的 .xlsx",
        ),
        "empty": (b"", "文件为空"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "csv",
        "text",
        "xlsm",
        "xls_or_encrypted",
        "encrypted",
        "truncated",
        "garbled",
        "ratio_bomb",
        "declared_bomb",
        "many_entries",
        "oversized",
        "docx",
        "empty",
    ],
)
def test_bad_files_get_one_clear_message_and_write_nothing(district, case):
    blank = export_report_bytes(project=district.project_s1, cycle=district.cycle, report=None)
    data, expected = rejected_files(blank)[case]
    before = counts()
    result = do_import(data, district.s1_filler, filename=f"{case}.xlsx")
    assert not result.ok
    assert len(result.errors) == 1, result.errors
    sheet, cell, message = result.errors[0]
    assert sheet is None and cell is None
    assert expected in message
    assert counts() == before


def test_oversized_file_on_disk_is_refused_before_reading(district, tmp_path):
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * (wbmod.REPORT_LIMITS.upload_bytes + 1))
    result = import_report_workbook(file_obj_or_path=path, filename="big.xlsx", user=district.s1_filler)
    assert not result.ok and "文件过大" in result.errors[0][2]


def test_defusedxml_is_in_use():
    import defusedxml.ElementTree
    import openpyxl.xml.functions

    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse is defusedxml.ElementTree.iterparse


def test_xml_entity_bomb_is_refused(district):
    blank = export_report_bytes(project=district.project_s1, cycle=district.cycle, report=None)
    source = zipfile.ZipFile(io.BytesIO(blank))
    entries = {info.filename: source.read(info.filename) for info in source.infolist()}
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>'
    )
    sheet = next(name for name in entries if name.startswith("xl/worksheets/sheet"))
    entries[sheet] = bomb.replace(b"sst", b"worksheet")
    result = do_import(zip_with(entries), district.s1_filler)
    assert not result.ok and len(result.errors) == 1
    assert "XML 实体" in result.errors[0][2]
    assert not AnalysisReport.objects.exists()

    entries = {info.filename: source.read(info.filename) for info in source.infolist()}
    entries["xl/sharedStrings.xml"] = bomb
    result = do_import(zip_with(entries), district.s1_filler)
    assert not result.ok and "XML 实体" in result.errors[0][2]


def test_formula_without_cached_value_is_an_error_for_its_cell(district):
    wb = export(district)
    cell = indicator_cell(wb["附件1"], "培训人数", "1—8月实际完成值")
    cell.value = "=300+20"
    result = do_import(to_bytes(wb), district.s1_filler)
    assert not result.ok
    assert ("附件1", cell.coordinate, "单元格含公式，请粘贴为数值。") in result.errors
    assert not AnalysisReport.objects.exists()


def test_formula_with_a_cached_value_is_read_as_its_value(district):
    wb = export(district)
    cell = indicator_cell(wb["附件1"], "培训人数", "1—8月实际完成值")
    cell.value = "=300+20"
    data = to_bytes(wb)
    # What Excel writes after calculating: the formula and its cached value.
    source = zipfile.ZipFile(io.BytesIO(data))
    entries = {info.filename: source.read(info.filename) for info in source.infolist()}
    part = "xl/worksheets/sheet1.xml"
    entries[part] = (
        entries[part]
        .replace(b"<f>300+20</f><v></v>", b"<f>300+20</f><v>320</v>")
        .replace(b"<f>300+20</f><v/>", b"<f>300+20</f><v>320</v>")
    )
    assert b"<v>320</v>" in entries[part]
    result = do_import(zip_with(entries), district.s1_filler)
    assert result.ok, result.errors
    entry = IndicatorEntry.objects.get(indicator__name="培训人数", report__project=district.project_s1)
    assert entry.actual_number == Decimal("320")


def test_bad_number_names_its_cell_and_every_problem_is_reported_at_once(district):
    wb = export(district)
    ws = wb["附件1"]
    number = indicator_cell(ws, "培训人数", "1—8月实际完成值")
    number.value = "三百"
    likelihood = indicator_cell(ws, "验收合格率", "完成目标可能性")
    likelihood.value = "大概吧"
    when = indicator_cell(ws, "完工时间", "全年预计完成值")
    when.value = "明年"
    money = funds_cell(ws, "其中：财政拨款", "全年预计执行数")
    money.value = "-5"
    ambiguous = indicator_cell(ws, "验收合格率", "全年预计完成值")
    ambiguous.value = "0.85"
    ambiguous.number_format = "General"
    not_applicable = indicator_cell(ws, "培训人数", "自评（定性指标）")
    not_applicable.value = "达成目标"
    result = do_import(to_bytes(wb), district.s1_filler)
    assert not result.ok
    cells = {cell: message for _sheet, cell, message in result.errors}
    assert number.coordinate == "E17"
    assert "不是有效的数字" in cells["E17"] and "培训人数" in cells["E17"]
    assert "不是有效的完成目标可能性" in cells[likelihood.coordinate]
    assert "不是有效的日期" in cells[when.coordinate]
    assert "万元" in cells[money.coordinate]
    assert "含义不明确" in cells[ambiguous.coordinate]
    assert "自评仅用于定性指标" in cells[not_applicable.coordinate]
    assert all(sheet == "附件1" for sheet, _cell, _message in result.errors)
    assert len(result.errors) == 6
    assert counts() == (0, 0, 0)


def test_indicator_names_must_match_the_project(district):
    wb = export(district)
    ws = wb["附件1"]
    indicator_cell(ws, "验收合格率", "三级指标").value = "合格率"
    duplicate = indicator_cell(ws, "完工时间", "三级指标")
    duplicate.value = " 培训 人数 "  # spaces do not matter, but the name is already used
    result = do_import(to_bytes(wb), district.s1_filler)
    messages = [message for _s, _c, message in result.errors]
    assert any("“合格率”不是本项目的三级指标" in m for m in messages)
    assert any("三级指标“培训人数”重复出现" in m for m in messages)
    assert any("缺少三级指标“验收合格率”" in m for m in messages)
    assert any("缺少三级指标“完工时间”" in m for m in messages)
    assert not AnalysisReport.objects.exists()


def test_indicator_columns_may_be_reordered(district):
    wb = export(district)
    ws = wb["附件1"]
    header_row, columns = header_columns(ws)
    # Swap the 备注 and 纠偏措施 columns (values and headers), as a person dragging columns would.
    a, b = columns["纠偏措施"], columns["备注"]
    for row in (header_row, header_row + 2, header_row + 3, header_row + 4):
        first, second = ws.cell(row=row, column=a), ws.cell(row=row, column=b)
        first.value, second.value = second.value, first.value
    assert ws.cell(row=header_row, column=a).value == "备注"
    ws.cell(row=header_row + 2, column=a).value = "这是备注"
    ws.cell(row=header_row + 2, column=b).value = "这是纠偏措施"
    result = do_import(to_bytes(wb), district.s1_filler)
    assert result.ok, result.errors
    entry = IndicatorEntry.objects.get(indicator__name="培训人数")
    assert entry.remark == "这是备注" and entry.corrective_measures == "这是纠偏措施"


def test_project_of_another_unit_gets_the_same_message_as_a_code_that_does_not_exist(district):
    other = district.project_s2
    wb = export(district, project=other)
    result = do_import(to_bytes(wb), district.s1_filler)
    assert not result.ok and result.project is None
    assert result.errors == [("附件1", "K4", PROJECT_NOT_FOUND.format(code=other.code, year=2026))]

    wb = export(district)
    right_of(wb["附件1"], "项目编码").value = "2026-NOPE-99"
    result = do_import(to_bytes(wb), district.s1_filler)
    assert result.errors == [("附件1", "K4", PROJECT_NOT_FOUND.format(code="2026-NOPE-99", year=2026))]

    classified = export(district, project=district.project_sc)
    result = do_import(to_bytes(classified), district.p1_leader)
    assert result.errors == [
        ("附件1", "K4", PROJECT_NOT_FOUND.format(code=district.project_sc.code, year=2026))
    ]
    assert counts() == (0, 0, 0)


def test_a_viewer_who_may_not_fill_is_refused(district):
    result = do_import(to_bytes(export(district)), district.p1_leader)
    assert not result.ok
    assert any("只有项目实施单位的填报人或负责人" in m for _s, _c, m in result.errors)
    assert not AnalysisReport.objects.exists()


def test_workbook_of_another_project_or_cycle_is_refused(district):
    data = to_bytes(export(district))
    result = do_import(data, district.s1_filler, project=district.project_s2)
    assert not result.ok and "工作簿属于项目" in result.errors[0][2]

    later = cycle_open(year=2027, acting_user=None)
    result = do_import(data, district.s1_filler, cycle=later)
    assert not result.ok
    assert result.errors[0][2].startswith("工作簿属于监控周期")
    assert "不是“2027年1—8月预算绩效运行监控”" in result.errors[0][2]
    assert not AnalysisReport.objects.exists()


def test_a_workbook_copied_into_a_new_file_is_identified_by_its_subtitle(district):
    wb = export(district)
    del wb["_jixiao"]
    result = do_import(to_bytes(wb), district.s1_filler)
    assert result.ok, result.errors


def test_stale_file_is_refused_and_the_newer_report_kept(district):
    data = to_bytes(export(district))  # exported at revision 0
    report_save(
        project=district.project_s1,
        cycle=district.cycle,
        values={"goal_progress": "同事在网页上保存的内容"},
        entries={},
        expected_revision=0,
        acting_user=district.s1_leader,
    )
    result = do_import(data, district.s1_filler)
    assert not result.ok
    assert any("导出后已被保存过" in m and "重新导出" in m for _s, _c, m in result.errors)
    report = AnalysisReport.objects.get()
    assert report.revision == 1 and report.goal_progress == "同事在网页上保存的内容"

    fresh = to_bytes(export(district))
    assert do_import(fresh, district.s1_filler).ok
    second = do_import(fresh, district.s1_filler)  # the same file again is now stale too
    assert not second.ok and AnalysisReport.objects.get().revision == 2


def test_top_line_date_is_used_when_the_footer_is_blank(district):
    wb = export(district)
    ws = wb["附件1"]
    cell = next(c for c in ws[3] if isinstance(c.value, str) and c.value.startswith("填报日期"))
    cell.value = "填报日期：2026年9月8日"
    assert do_import(to_bytes(wb), district.s1_filler).ok
    assert AnalysisReport.objects.get().filled_on == date(2026, 9, 8)


def test_a_number_typed_over_the_projected_total_must_agree(district):
    wb = export(district)
    ws = wb["附件1"]
    funds_cell(ws, "年度资金总额", "全年预计执行数").value = 90
    result = do_import(to_bytes(wb), district.s1_filler)
    assert not result.ok and "请分别填写" in result.errors[0][2]


def test_parts_edited_offline_under_a_stale_total_import_with_a_note(district):
    wb = export(district)
    ws = wb["附件1"]
    funds_cell(ws, "其中：财政拨款", "全年预计执行数").value = 12.5
    funds_cell(ws, "其他资金", "全年预计执行数").value = 2.5
    funds_cell(ws, "年度资金总额", "全年预计执行数").value = 99
    result = do_import(to_bytes(wb), district.s1_filler)
    assert result.ok, result.errors
    report = AnalysisReport.objects.get()
    assert report.projected_fiscal == Decimal("125000.00") and report.projected_other == Decimal("25000.00")
    assert any("已按两项之和导入" in message for _sheet, _cell, message in result.notes)


def test_system_actor_is_the_first_filler_of_the_owning_unit(district):
    result = import_report_workbook(
        file_obj_or_path=io.BytesIO(to_bytes(export(district))),
        filename="a.xlsx",
        user=None,
        act_for_owner=True,
    )
    assert result.ok, result.errors
    assert result.acting_user == district.s1_filler and result.delegated
    record = AuditRecord.objects.get(action="report.import")
    assert "代为保存" in record.comment and str(district.s1_filler) in record.comment


def test_system_actor_needs_someone_in_the_unit(district):
    Project.objects.filter(pk=district.project_s2.pk)  # S2 has nobody who may fill
    result = import_report_workbook(
        file_obj_or_path=io.BytesIO(to_bytes(export(district, project=district.project_s2))),
        filename="a.xlsx",
        user=None,
        act_for_owner=True,
    )
    assert not result.ok and "--user" in result.errors[0][2]
    create_user(district.s2, Role.UNIT_LEADER, username="s2_leader")
    result = import_report_workbook(
        file_obj_or_path=io.BytesIO(to_bytes(export(district, project=district.project_s2))),
        filename="a.xlsx",
        user=None,
        act_for_owner=True,
    )
    assert result.ok and result.acting_user.username == "s2_leader"


def test_export_of_an_export_workbook_object(district):
    wb = export_report_workbook(project=district.project_s1, cycle=district.cycle, report=None)
    assert wb["附件1"]["A1"].value.endswith("项目预算绩效监控分析表")


def add_qualitative_indicator(project):
    from jixiao.conftest import sample_indicators
    from jixiao.projects.models import Comparator, IndicatorCategory, ValueType
    from jixiao.projects.services import IndicatorSpec, target_version_create

    specs = [
        *sample_indicators(),
        IndicatorSpec(
            category=IndicatorCategory.SOCIAL,
            name="带动就业效果",
            comparator=Comparator.QUALITATIVE,
            value_type=ValueType.TEXT,
            target_text="明显提升",
        ),
    ]
    target_version_create(
        project=project, annual_goal="完成年度任务。", indicators=specs, reason="增加效益指标"
    )
    project.refresh_from_db()
    return project


def test_qualitative_indicator_round_trip(district, client):
    project = add_qualitative_indicator(district.project_s1)
    wb = export(district, project=project)
    ws = wb["附件1"]
    assert indicator_cell(ws, "带动就业效果", "一级指标").value == "效益指标"
    assert indicator_cell(ws, "带动就业效果", "年度指标值").value == "明显提升"
    not_applicable = indicator_cell(ws, "带动就业效果", "全年预计完成值")
    assert not_applicable.value == "—" and fill_of(not_applicable) == "D9D9D9"
    assessment = indicator_cell(ws, "带动就业效果", "自评（定性指标）")
    assert any(
        assessment.coordinate in dv.sqref and "部分达成目标并具有一定效果" in dv.formula1
        for dv in ws.data_validations.dataValidation
    )
    indicator_cell(ws, "带动就业效果", "1—8月实际完成值").value = "新增就业岗位30个"
    assessment.value = "部分达成目标并具有一定效果"
    result = do_import(to_bytes(wb), district.s1_filler)
    assert result.ok, result.errors
    assert ("IND_QUAL_PARTLY", "yellow", "带动就业效果") in result.warnings
    imported = snapshot(project, district.cycle)
    assert imported[1]["带动就业效果"]["actual_text"] == "新增就业岗位30个"
    assert imported[1]["带动就业效果"]["self_assessment"] == "partly_met"

    AnalysisReport.objects.filter(project=project).delete()
    client.force_login(district.s1_filler)
    url = reverse("monitoring:report_edit", args=[district.cycle.pk, project.pk])
    pk = indicator_ids(project)["带动就业效果"]
    response = client.post(
        url,
        {"revision": "0", f"i{pk}-actual_text": "新增就业岗位30个", f"i{pk}-self_assessment": "partly_met"},
    )
    assert response.status_code == 302
    assert snapshot(project, district.cycle) == imported

    exported = export(district, project=project)["附件1"]
    assert indicator_cell(exported, "带动就业效果", "自评（定性指标）").value == "部分达成目标并具有一定效果"
    assert fill_of(indicator_cell(exported, "带动就业效果", "自评（定性指标）")) == YELLOW


def test_workbook_of_an_older_target_version_is_refused(district):
    data = to_bytes(export(district))
    add_qualitative_indicator(district.project_s1)
    result = do_import(data, district.s1_filler)
    assert not result.ok
    assert any("绩效目标在导出后已调整" in m for _s, _c, m in result.errors)
    assert not AnalysisReport.objects.exists()


def test_unit_zip_reads_its_figures_per_batch_not_per_project(district, make_project):
    """The zip of a unit's 附件1 costs the same number of queries for 10 filled projects as for 60."""
    d = district

    def zip_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            data = export_unit_zip(unit=d.p1, cycle=d.cycle, user=d.p1_leader)
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        return len(queries), len(names)

    for n in range(10):
        fill_ready_report(d, make_project(d.p1, code=f"2026-P1-Z{n:04d}"), d.p1_leader)
    small, small_files = zip_queries()
    for n in range(10, 60):
        fill_ready_report(d, make_project(d.p1, code=f"2026-P1-Z{n:04d}"), d.p1_leader)
    large, large_files = zip_queries()
    assert large_files == small_files + 50
    assert large == small
