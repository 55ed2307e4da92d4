"""Text that looks like a formula (`=100%`, `=HYPERLINK(…)`, `+1`, `-`, `@x`) reaches every export as the
text it is: no workbook the system writes holds a formula, and the Word files show the text."""

import io
import re
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from docx import Document

from jixiao.conftest import create_project, create_user
from jixiao.monitoring.models import WarningLevel
from jixiao.monitoring.services import report_save
from jixiao.monitoring.workbook import export_report_bytes, export_unit_zip, report_of
from jixiao.organisations.models import Role
from jixiao.review.documents import feedback_docx, feedback_xlsx
from jixiao.review.services import feedback_compose, feedback_item_update, feedback_update
from jixiao.testing import bureau_package_sent, report_filed
from jixiao.workflow.documents import aggregated_table_xlsx, overall_report_docx
from jixiao.workflow.services import submission_for, submission_save_overall_report

pytestmark = pytest.mark.django_db

HYPERLINK = '=HYPERLINK("http://example.com","点此查看")'
TEXTS = {
    "goal_progress": "=100%完成",
    "deviation_funding": "+1 经费已到位",
    "corrective_measures": "@x 加快支付进度",
    "narrative_rules": "-",
}
FORMULA_ELEMENT = re.compile(rb"<(\w+:)?f[ >/]")


def _sheet_parts(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name.startswith("xl/worksheets/")}


def _texts_of(content: bytes) -> list[str]:
    """Every cell of the workbook, after checking that none is a formula (in openpyxl and in the XML)."""
    for part, xml in _sheet_parts(content).items():
        assert not FORMULA_ELEMENT.search(xml), f"formula element in {part}"
    texts = []
    for sheet in openpyxl.load_workbook(io.BytesIO(content)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


@pytest.fixture
def formula_like(district):
    """P1's package at the bureau with a project named like a formula, its 附件1 saved with texts that
    start with =, +, - and @, S1 accepted, and a 附件2 whose item and opinions carry such texts too."""
    d = district
    project = create_project(d.p1, name=HYPERLINK)
    report_filed(d, project, WarningLevel.RED, values=TEXTS, user=d.p1_leader)
    bureau_package_sent(d, d.p1, accepted=[d.s1])
    feedback = feedback_compose(cycle=d.cycle, unit=d.p1, acting_user=d.counterpart_a)
    item = feedback.items.order_by("position").first()
    feedback_item_update(
        item=item,
        values={
            "project": project,
            "problem": "=100%未完成",
            "requirement": "@x 限期整改",
            "due_date": item.due_date,
        },
        acting_user=d.counterpart_a,
    )
    feedback = feedback_update(
        feedback=feedback,
        values={"counterpart_opinion": "+1 材料齐全", "overall_opinion": "-"},
        acting_user=d.counterpart_a,
    )
    return d, project, feedback


def test_no_workbook_holds_a_formula_and_each_shows_the_texts(formula_like):
    d, project, feedback = formula_like
    workbook = export_report_bytes(project=project, cycle=d.cycle, report=report_of(project, d.cycle))
    with zipfile.ZipFile(io.BytesIO(export_unit_zip(unit=d.p1, cycle=d.cycle, user=d.p1_leader))) as archive:
        zipped = [archive.read(name) for name in archive.namelist()]
    assert len(zipped) >= 2
    exports = {
        "附件1": workbook,
        **{f"zip{n}": content for n, content in enumerate(zipped)},
        "汇总表": aggregated_table_xlsx(unit=d.p1, cycle=d.cycle),
        "附件2": feedback_xlsx(feedback),
    }
    texts = {name: _texts_of(content) for name, content in exports.items()}

    expected = {
        "附件1": [HYPERLINK, "=100%", *TEXTS.values()],
        "汇总表": [HYPERLINK],
        "附件2": [HYPERLINK, "=100%未完成", "@x 限期整改", "+1 材料齐全", "-"],
    }
    for name, wanted in expected.items():
        for text in wanted:
            assert any(text in cell for cell in texts[name]), f"{name} shows {text}"
    assert any(HYPERLINK in cell for name in exports if name.startswith("zip") for cell in texts[name])
    data = {HYPERLINK, *TEXTS.values(), "=100%未完成"}
    for name, cells in texts.items():
        # A cell that starts with "=" is text a person typed or a target such as "=100%", never a formula
        # the system meant to write and stored as text instead.
        strays = [c for c in cells if c.startswith("=") and c not in data and not re.fullmatch(r"=\d+%", c)]
        assert not strays, f"{name}: {strays}"


def test_word_files_show_the_texts(formula_like):
    d, _project, feedback = formula_like
    document = Document(io.BytesIO(feedback_docx(feedback)))
    shown = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    for text in (HYPERLINK, "=100%未完成", "@x 限期整改", "+1 材料齐全"):
        assert text in shown

    package = submission_for(organisation=d.p2, cycle=d.cycle)
    report = f"{d.p2.name}2026年1—8月整体绩效运行监控分析报告\n一、基本情况\n=100%完成\n+1 项\n@x 说明\n-"
    leader = create_user(d.p2, Role.UNIT_LEADER, username="p2_leader")
    package = submission_save_overall_report(submission=package, text=report, acting_user=leader)
    paragraphs = [p.text for p in Document(io.BytesIO(overall_report_docx(submission=package))).paragraphs]
    for text in ("=100%完成", "+1 项", "@x 说明", "-"):
        assert text in paragraphs


def test_the_projected_total_of_the_funds_is_a_number(district):
    d = district
    values = {"projected_fiscal": Decimal("300000"), "projected_other": Decimal("50000")}
    report_save(
        project=d.project_s1,
        cycle=d.cycle,
        values=values,
        entries={},
        expected_revision=0,
        acting_user=d.s1_filler,
    )
    content = export_report_bytes(
        project=d.project_s1, cycle=d.cycle, report=report_of(d.project_s1, d.cycle)
    )
    _texts_of(content)
    sheet = openpyxl.load_workbook(io.BytesIO(content))["附件1"]
    cells = {cell.value: cell for row in sheet.iter_rows() for cell in row if isinstance(cell.value, str)}
    total = sheet.cell(cells["年度资金总额"].row, cells["全年预计执行数"].column)
    assert total.value == 35 and total.number_format == "#,##0.00"
