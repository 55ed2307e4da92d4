"""附件2 as Word keeps the xlsx's layout: column widths fixed to their content (Word and LibreOffice
would otherwise re-flow them and squeeze the problem text), header rows repeated on every page, and the
opinion block with its signature kept together on one page."""

import io

import pytest
from docx import Document
from docx.oxml.ns import qn

from jixiao.review.documents import (
    COLUMNS,
    ROW_PROPERTY_ORDER,
    TABLE_PROPERTY_ORDER,
    TEXT_WIDTH_CM,
    TWIPS_PER_CM,
    feedback_docx,
)
from jixiao.review.services import feedback_item_update
from jixiao.review.tests.test_feedback import (  # noqa: F401 (the fixtures)
    compose,
    issued,
    unit_sent,
    unit_sent_round,
)

pytestmark = pytest.mark.django_db


def _layout(table) -> str | None:
    layout = table._tbl.tblPr.find(qn("w:tblLayout"))
    return layout.get(qn("w:type")) if layout is not None else None


def _grid(table) -> list[int]:
    return [int(column.get(qn("w:w"))) for column in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def _in_schema_order(properties, order) -> bool:
    positions = [order.index(child.tag.replace(qn("w:"), "w:")) for child in properties]
    return positions == sorted(positions)


def test_every_table_has_fixed_widths_that_span_the_text_width(unit_sent):  # noqa: F811
    document = Document(io.BytesIO(feedback_docx(issued(unit_sent))))
    text_width = round(TEXT_WIDTH_CM * TWIPS_PER_CM)
    for table in document.tables:
        assert _layout(table) == "fixed"
        assert abs(sum(_grid(table)) - text_width) <= len(_grid(table))
        assert int(table._tbl.tblPr.find(qn("w:tblW")).get(qn("w:w"))) == sum(_grid(table))
        assert _in_schema_order(table._tbl.tblPr, TABLE_PROPERTY_ORDER)  # Word opens only ordered files
        for row in table.rows:  # each cell as wide as the grid columns it spans
            if row._tr.trPr is not None:
                assert _in_schema_order(row._tr.trPr, ROW_PROPERTY_ORDER)
            start = 0
            for tc in row._tr.tc_lst:
                assert tc.tcPr.tcW.w == sum(_grid(table)[start : start + tc.grid_span])
                start += tc.grid_span


def test_the_problem_column_is_the_widest_and_fits_a_sentence_per_line(unit_sent):  # noqa: F811
    items = Document(io.BytesIO(feedback_docx(issued(unit_sent)))).tables[1]
    widths = dict(zip([column.key for column in COLUMNS], _grid(items), strict=True))
    assert max(widths, key=widths.get) == "problem"
    assert widths["problem"] >= 5.5 * TWIPS_PER_CM  # about twenty characters of 8 pt text per line
    for key in ("budget", "paid"):  # "1,234.56" on one line
        assert widths[key] >= 1.5 * TWIPS_PER_CM


def test_header_rows_repeat_and_the_opinion_block_stays_together(unit_sent):  # noqa: F811
    _header, items, opinions = Document(io.BytesIO(feedback_docx(issued(unit_sent)))).tables
    for row in items.rows[:2]:
        assert row._tr.trPr.find(qn("w:tblHeader")) is not None
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    for number, row in enumerate(opinions.rows, start=1):
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
        keeps = {p.paragraph_format.keep_with_next for cell in row.cells for p in cell.paragraphs}
        assert keeps == ({None} if number == len(opinions.rows) else {True})


def test_every_item_cell_writes_a_paragraph_per_line_in_the_tables_font(unit_sent):  # noqa: F811
    d = unit_sent
    feedback = compose(d)
    first = feedback.items.order_by("position").first()
    values = {"project": first.project, "requirement": first.requirement, "due_date": first.due_date}
    feedback_item_update(
        item=first, values={**values, "problem": "执行进度滞后\n 绩效目标偏离"}, acting_user=d.counterpart_a
    )
    items = Document(io.BytesIO(feedback_docx(feedback))).tables[1]
    cells = dict(zip([column.key for column in COLUMNS], items.rows[2].cells, strict=True))
    assert [p.text for p in cells["problem"].paragraphs] == ["执行进度滞后", " 绩效目标偏离"]
    for key in ("problem", "project_code", "budget"):
        for paragraph in cells[key].paragraphs:
            (run,) = paragraph.runs
            assert run.font.size.pt == 8 and run._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
    assert cells["project_code"].paragraphs[0].alignment == 1  # centred
    assert cells["budget"].paragraphs[0].alignment == 2  # right
    assert len(items.rows) == 2 + feedback.items.count()
