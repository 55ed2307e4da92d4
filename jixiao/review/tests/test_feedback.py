"""Step 4: 附件2 composed from warned projects and supervision opinions, edited while a draft, approved and
issued by the unit's counterpart section only, read by the unit once issued, and exported as xlsx and docx."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from jixiao.audit.models import AuditRecord
from jixiao.monitoring.models import WarningLevel
from jixiao.notifications.models import Notification
from jixiao.organisations.models import Organisation, Role
from jixiao.projects.models import ProjectMonth
from jixiao.rectification.services import rectification_respond, rectification_verify
from jixiao.review.documents import TEXT_WIDTH_CM, feedback_docx, feedback_xlsx
from jixiao.review.models import Feedback, FeedbackState, OpinionSource
from jixiao.review.selectors import feedback_header, feedback_list, feedback_rows, unit_overview
from jixiao.review.services import (
    DEFAULT_REQUIREMENT,
    default_due_date,
    feedback_approve,
    feedback_compose,
    feedback_issue,
    feedback_item_add,
    feedback_item_remove,
    feedback_item_update,
    feedback_update,
    opinions_send,
)
from jixiao.review.tests.test_supervision import write_opinion
from jixiao.testing import bureau_package_sent, rectification_items, report_filed
from jixiao.workflow.models import Step, Submission
from jixiao.workflow.policy import can_return

pytestmark = pytest.mark.django_db


# P1's red report (nothing paid by the end of August) as 附件2 states it.
P1_PROBLEM = (
    "红色预警：预算执行率0.0%，低于时间进度66.7%，相差66.7个百分点；时间进度已达66.7%，预算执行数仍为0；数"
    "量指标平均完成进度70.0%与预算执行率0.0%相差70.0个百分点，投入与产出不匹配"
)


@pytest.fixture(scope="module")
def unit_sent_round(shared_district, django_db_blocker):
    """P1's package at the bureau (2 days late), with a red own project, a yellow accepted S1 project, a red
    S2 project (S2 not accepted), a classified SC project (SC sends nothing), and two supervision opinions
    sent plus one still a draft."""
    d = shared_district
    with django_db_blocker.unblock():
        report_filed(d, d.project_p1, WarningLevel.RED)
        report_filed(d, d.project_s1, WarningLevel.YELLOW)
        report_filed(d, d.project_s2, WarningLevel.RED)
        report_filed(d, d.project_sc, WarningLevel.RED)
        bureau_package_sent(d, d.p1, accepted=[d.s1], late_days=2)
        write_opinion(d, d.p1, d.project_s1, problem="指标值设置偏低", requirement="重新测算指标值")
        write_opinion(d, d.p1, problem="整体报告未分析下属单位", requirement="补充下属单位分析")
        opinions_send(cycle=d.cycle, unit=d.p1, acting_user=d.supervision_staff)
        write_opinion(d, d.p1, d.project_p1, problem="尚未送出", requirement="草稿")
    return d


@pytest.fixture
def unit_sent(unit_sent_round, db):
    """The round built once for the module (see `shared_district`): each test's changes are rolled back."""
    return unit_sent_round


def compose(d, unit=None, user=None) -> Feedback:
    return feedback_compose(cycle=d.cycle, unit=unit or d.p1, acting_user=user or d.counterpart_a)


def ready(feedback: Feedback, user) -> Feedback:
    return feedback_update(
        feedback=feedback,
        values={"counterpart_opinion": "材料基本齐全。", "overall_opinion": "请按要求整改。"},
        acting_user=user,
    )


def test_compose_prefills_from_warned_projects_and_sent_supervision_opinions(unit_sent):
    d = unit_sent
    feedback = compose(d)
    items = list(feedback.items.order_by("position"))
    assert [(i.position, i.project, i.source) for i in items] == [
        (1, d.project_p1, OpinionSource.COUNTERPART),
        (2, d.project_s1, OpinionSource.COUNTERPART),
        (3, d.project_s1, OpinionSource.SUPERVISION),
        (4, None, OpinionSource.SUPERVISION),
    ]
    assert items[0].problem == P1_PROBLEM
    assert items[0].requirement == DEFAULT_REQUIREMENT
    assert (items[2].problem, items[2].requirement) == ("指标值设置偏低", "重新测算指标值")
    # 整改时限: the step-5 date, or 15 working days after drafting if that is later; never already past.
    assert {i.due_date for i in items} == {default_due_date(d.cycle, timezone.localdate())}
    assert all(i.due_date > timezone.localdate() for i in items)
    assert "尚未送出" not in feedback.supervision_opinion
    assert feedback.supervision_opinion.splitlines() == [
        f"1. {d.project_s1.name}（{d.project_s1.code}）：指标值设置偏低 整改要求：重新测算指标值",
        "2. 单位整体：整体报告未分析下属单位 整改要求：补充下属单位分析",
    ]
    assert feedback.supervision_reviewer == "supervision_staff"
    assert feedback.supervision_date is not None
    assert feedback.state == FeedbackState.DRAFT
    assert AuditRecord.objects.filter(action="feedback.compose", to_state="draft").exists()


def test_header_figures_are_computed_from_the_data(unit_sent):
    d = unit_sent
    ProjectMonth.objects.create(project=d.project_p1, month=3, paid_fiscal=Decimal("250000"))
    ProjectMonth.objects.create(project=d.project_s1, month=9, paid_fiscal=Decimal("900000"))
    header = feedback_header(compose(d))
    assert header.period_label == "2026年1—8月"
    # P1 paid 250,000 in March; S1 550,000 by June (its yellow report); September is after the period.
    assert (header.projects, header.budget, header.paid) == (2, Decimal("2000000.00"), Decimal("800000.00"))
    assert header.execution_rate == Decimal("0.4")
    assert (header.red, header.yellow, header.green) == (1, 1, 0)
    assert header.late_days == 2
    assert header.submission_label == f"{timezone.localdate():%Y-%m-%d}报送，逾期 2 天"


def test_rows_carry_each_projects_figures(unit_sent):
    d = unit_sent
    ProjectMonth.objects.create(project=d.project_p1, month=2, paid_fiscal=Decimal("100000"))
    rows = feedback_rows(compose(d))
    first = rows[0]
    assert (first.budget, first.paid, first.level) == (Decimal("1000000.00"), Decimal("100000.00"), "red")
    assert first.execution_rate == Decimal("0.1")
    assert (rows[3].budget, rows[3].level) == (None, "")


def test_compose_again_rebuilds_the_draft_with_new_opinions(unit_sent):
    d = unit_sent
    feedback = compose(d)
    ready(feedback, d.counterpart_a)
    opinions_send(cycle=d.cycle, unit=d.p1, acting_user=d.supervision_staff)
    p1_only = Organisation.objects.filter(pk=d.p1.pk)
    [row] = unit_overview(user=d.counterpart_a, cycle=d.cycle, units=p1_only)
    assert row.opinions_after_compose and row.opinions_sent == 3
    feedback = compose(d)
    assert feedback.items.count() == 5
    assert feedback.items.filter(problem="尚未送出", project=d.project_p1).exists()
    assert feedback.overall_opinion == "请按要求整改。"
    [row] = unit_overview(user=d.counterpart_a, cycle=d.cycle, units=p1_only)
    assert not row.opinions_after_compose


@pytest.mark.parametrize(
    "user", ["counterpart_b", "supervision_staff", "bureau_leader", "p1_leader", "nobody"]
)
def test_only_the_units_counterpart_section_composes(unit_sent, user):
    with pytest.raises(PermissionDenied):
        compose(unit_sent, user=getattr(unit_sent, user))
    assert not Feedback.objects.exists()


def test_compose_needs_the_package_at_the_bureau(unit_sent):
    with pytest.raises(ValidationError, match="尚未报送区财政局"):
        compose(unit_sent, unit=unit_sent.town)
    with pytest.raises(PermissionDenied):  # a second-level unit has no counterpart section: it gets no 附件2
        compose(unit_sent, unit=unit_sent.s1)


def test_items_are_added_edited_and_removed_while_draft(unit_sent):
    d = unit_sent
    feedback = compose(d)
    added = feedback_item_add(
        feedback=feedback,
        values={
            "project": None,
            "problem": "台账不全",
            "requirement": "完善台账",
            "due_date": date(2026, 12, 15),
        },
        acting_user=d.counterpart_a,
    )
    assert (added.position, added.source) == (5, OpinionSource.COUNTERPART)
    second = feedback.items.get(position=2)
    feedback_item_update(
        item=second,
        values={
            "project": d.project_s1,
            "problem": "改写的问题",
            "requirement": "改写的要求",
            "due_date": date(2026, 12, 1),
        },
        acting_user=d.counterpart_a,
    )
    second.refresh_from_db()
    assert (second.problem, second.due_date) == ("改写的问题", date(2026, 12, 1))
    feedback_item_remove(item=second, acting_user=d.counterpart_a)
    assert list(feedback.items.order_by("position").values_list("position", "problem"))[-1] == (4, "台账不全")
    assert list(feedback.items.order_by("position").values_list("position", flat=True)) == [1, 2, 3, 4]
    actions = set(AuditRecord.objects.filter(object_id=str(feedback.pk)).values_list("action", flat=True))
    assert {"feedback.item_add", "feedback.item_edit", "feedback.item_remove"} <= actions


def test_items_name_projects_of_the_units_package_only(unit_sent):
    d = unit_sent
    feedback = compose(d)
    for project in (d.project_town, d.project_s2, d.project_sc):
        with pytest.raises(ValidationError):
            feedback_item_add(
                feedback=feedback,
                values={
                    "project": project,
                    "problem": "问题",
                    "requirement": "要求",
                    "due_date": date(2026, 12, 1),
                },
                acting_user=d.counterpart_a,
            )
    with pytest.raises(ValidationError):
        feedback_item_add(
            feedback=feedback,
            values={"project": None, "problem": "", "requirement": "要求", "due_date": date(2026, 12, 1)},
            acting_user=d.counterpart_a,
        )


def test_approve_needs_both_opinions_and_the_right_section(unit_sent):
    d = unit_sent
    feedback = compose(d)
    with pytest.raises(ValidationError) as refused:
        feedback_approve(feedback=feedback, acting_user=d.counterpart_a)
    assert refused.value.messages == ["请填写对口服务股室审核意见。", "请填写综合意见。"]
    ready(feedback, d.counterpart_a)
    for user in (d.counterpart_b, d.supervision_staff, d.bureau_leader, d.p1_leader):
        with pytest.raises(PermissionDenied):
            feedback_approve(feedback=feedback, acting_user=user)
    with pytest.raises(ValidationError, match="审定后才能下达"):
        feedback_issue(feedback=feedback, acting_user=d.counterpart_a)

    package = Submission.objects.get(organisation=d.p1, step=Step.UNIT_TO_BUREAU)
    assert can_return(d.counterpart_a, package)
    feedback = feedback_approve(feedback=feedback, acting_user=d.counterpart_a)
    assert feedback.state == FeedbackState.APPROVED
    package.refresh_from_db()
    verdict = can_return(d.counterpart_a, package)
    assert not verdict and "已审定，不能再退回" in verdict.reason
    assert (feedback.approved_by, feedback.counterpart_reviewer) == (d.counterpart_a, "counterpart_a")
    assert feedback.counterpart_date is not None
    with pytest.raises(ValidationError):
        feedback_approve(feedback=feedback, acting_user=d.counterpart_a)
    assert AuditRecord.objects.filter(
        action="feedback.approve", from_state="draft", to_state="approved"
    ).exists()


def test_issue_notifies_the_unit_after_commit(unit_sent, django_capture_on_commit_callbacks, make_user):
    d = unit_sent
    p1_filler = make_user(d.p1, Role.FILLER)
    feedback = feedback_approve(feedback=ready(compose(d), d.counterpart_a), acting_user=d.counterpart_a)
    with pytest.raises(PermissionDenied):
        feedback_issue(feedback=feedback, acting_user=d.counterpart_b)
    with django_capture_on_commit_callbacks(execute=True):
        feedback = feedback_issue(feedback=feedback, acting_user=d.counterpart_a)
    assert feedback.state == FeedbackState.ISSUED and feedback.issued_at is not None
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert {"p1_leader", p1_filler.username} <= recipients
    assert not recipients & {"s1_filler", "town_filler"}
    assert "4 条问题" in Notification.objects.filter(recipient=d.p1_leader).get().message
    with pytest.raises(ValidationError):
        feedback_issue(feedback=feedback, acting_user=d.counterpart_a)


def test_issued_feedback_is_read_only(unit_sent):
    d = unit_sent
    feedback = feedback_issue(
        feedback=feedback_approve(feedback=ready(compose(d), d.counterpart_a), acting_user=d.counterpart_a),
        acting_user=d.counterpart_a,
    )
    item = feedback.items.first()
    attempts = [
        lambda: compose(d),
        lambda: feedback_update(
            feedback=feedback, values={"overall_opinion": "改"}, acting_user=d.counterpart_a
        ),
        lambda: feedback_item_remove(item=item, acting_user=d.counterpart_a),
        lambda: feedback_item_update(
            item=item,
            values={"project": None, "problem": "改", "requirement": "改", "due_date": date(2026, 12, 1)},
            acting_user=d.counterpart_a,
        ),
        lambda: feedback_item_add(
            feedback=feedback,
            values={"project": None, "problem": "新", "requirement": "新", "due_date": date(2026, 12, 1)},
            acting_user=d.counterpart_a,
        ),
        lambda: write_opinion(d, d.p1),
        lambda: opinions_send(cycle=d.cycle, unit=d.p1, acting_user=d.supervision_staff),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError):
            attempt()
    assert feedback.items.count() == 4


def test_who_reads_which_feedback(unit_sent, make_user):
    d = unit_sent
    feedback = compose(d)
    readers = {"counterpart_a", "supervision_staff", "bureau_leader"}
    for name in (
        "counterpart_a",
        "counterpart_b",
        "supervision_staff",
        "bureau_leader",
        "p1_leader",
        "s1_filler",
        "town_filler",
        "agency_staff",
        "sysadmin",
        "auditor",
        "nobody",
    ):
        assert (feedback in feedback_list(user=getattr(d, name))) == (name in readers), name
    feedback_issue(
        feedback=feedback_approve(feedback=ready(feedback, d.counterpart_a), acting_user=d.counterpart_a),
        acting_user=d.counterpart_a,
    )
    readers |= {"p1_leader"}
    for name in (
        "counterpart_b",
        "p1_leader",
        "s1_filler",
        "town_filler",
        "sc_filler",
        "agency_staff",
        "nobody",
    ):
        assert (feedback in feedback_list(user=getattr(d, name))) == (name in readers), name


# ---------------------------------------------------------------------------------------------------
# Exports


def issued(d) -> Feedback:
    """Issued, its first item answered by the unit and verified (the answer columns filled back)."""
    feedback = feedback_approve(feedback=ready(compose(d), d.counterpart_a), acting_user=d.counterpart_a)
    feedback = feedback_issue(feedback=feedback, acting_user=d.counterpart_a)
    first = rectification_items(feedback)[0]
    rectification_respond(
        item=first,
        response="已加快支付进度",
        completed_on=date(2026, 11, 20),
        no_evidence_reason="支付凭证已报送",
        acting_user=d.p1_leader,
    )
    rectification_verify(item=first, acting_user=d.counterpart_a, comment="核查属实")
    return feedback


def test_xlsx_looks_like_the_paper_form(unit_sent):
    d = unit_sent
    feedback = issued(d)
    wb = openpyxl.load_workbook(io.BytesIO(feedback_xlsx(feedback)))
    ws = wb["附件2"]
    assert ws["A1"].value == "雁江区项目预算绩效监控综合意见反馈表"
    assert ws["A1"].font.b and "A1:O1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws["A2"].value == "（2026年度）"
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    for expected in (
        "反馈对象（镇/一级预算单位）",
        "区教育局",
        "2026年1—8月",
        f"{timezone.localdate():%Y-%m-%d}报送，逾期 2 天",
        "监控发现的主要问题",
        "整改落实情况",
        "核查意见",
        P1_PROBLEM,
        "已加快支付进度",
        "核查属实",
        "监督与绩效管理股",
        "材料基本齐全。",
        "请按要求整改。",
        "雁江区财政局",
    ):
        assert any(expected in text for text in texts), expected
    assert any(text.startswith("1. ") and "指标值设置偏低" in text for text in texts)
    header_row = next(c.row for row in ws.iter_rows() for c in row if c.value == "序号")
    assert ws.print_title_rows == f"${header_row}:${header_row + 1}"
    first = header_row + 2
    assert ws.cell(first, 4).value == 100 and ws.cell(first, 4).number_format == "#,##0.00"
    assert ws.cell(first, 6).number_format == "0.0%"
    assert ws.cell(first, 7).value == "红色"
    assert ws.cell(first, 10).number_format == "yyyy-mm-dd"
    assert ws.cell(first, 8).border.left.style == "thin"
    assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1


def test_docx_is_an_a4_landscape_word_table(unit_sent):
    d = unit_sent
    document = Document(io.BytesIO(feedback_docx(issued(d))))
    section = document.sections[0]
    assert section.page_width > section.page_height
    assert round(section.page_width.mm) == 297
    title = document.paragraphs[0]
    assert title.text == "雁江区项目预算绩效监控综合意见反馈表"
    assert title.runs[0].font.name == "黑体"
    assert title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert document.paragraphs[1].text == "（2026年度）"
    assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"

    header, items, opinions = document.tables
    assert header.cell(0, 1).text == "区教育局"
    for row in items.rows[:2]:
        flag = row._tr.trPr.find(qn("w:tblHeader"))
        assert flag is not None and flag.get(qn("w:val")) == "true"
    data_row = items.rows[2]._tr.trPr
    assert data_row is None or data_row.find(qn("w:tblHeader")) is None
    assert [c.text for c in items.rows[1].cells][-4:] == ["整改落实情况", "完成时间", "佐证材料", "核查意见"]
    first = [c.text for c in items.rows[2].cells]
    assert first[:7] == ["1", d.project_p1.name, d.project_p1.code, "100.00", "0.00", "0.0%", "红色"]
    assert first[-4:] == ["已加快支付进度", "2026-11-20", "", "核查属实"]
    assert len(items.rows) == 2 + 4
    for table in document.tables:
        assert sum(cell.width for cell in table.rows[-1].cells) <= Cm(TEXT_WIDTH_CM + 0.01)
    assert opinions.rows[-1].cells[1].paragraphs[0].text.startswith("（盖章）")
    opinion_text = "\n".join(c.text for row in opinions.rows for c in row.cells)
    for expected in (
        "财政监督与绩效管理股意见",
        "指标值设置偏低",
        "材料基本齐全。",
        "请按要求整改。",
        "下达日期：2026年",
    ):
        assert expected in opinion_text
