"""附件2 as drafted and edited: problem texts that name their indicator, 整改时限 that are not already past,
one table saved at once, buttons that appear only when their action is allowed, and a form without items
that still exports."""

import io
from datetime import date, timedelta

import openpyxl
import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from docx import Document

from jixiao.monitoring.models import AnalysisReport
from jixiao.review.documents import feedback_docx, feedback_xlsx
from jixiao.review.models import FeedbackState
from jixiao.review.policy import can_approve, can_issue
from jixiao.review.services import (
    add_working_days,
    default_due_date,
    feedback_approve,
    feedback_compose,
    feedback_item_add,
    feedback_items_save,
    feedback_update,
)
from jixiao.testing import bureau_package_sent, report_filed

pytestmark = pytest.mark.django_db


@pytest.fixture
def town_draft(district):
    """The town's 附件2 drafted from a yellow 附件1 whose two indicators both warn “有可能”."""
    d = district
    indicators = list(d.project_town.current_target.indicators.order_by("pk")[:2])
    report_filed(d, d.project_town, entries={i.pk: {"likelihood": "possible"} for i in indicators})
    bureau_package_sent(d, d.town)
    d.indicators = indicators
    d.feedback = feedback_compose(cycle=d.cycle, unit=d.town, acting_user=d.counterpart_a)
    return d


def rows_of(feedback, **changes):
    """The save_items form as the page posts it, every row as stored unless changed."""
    data = {"action": "save_items"}
    for item in feedback.items.all():
        data |= {
            f"item-{item.pk}-project": f"{item.project.code} {item.project.name}" if item.project else "",
            f"item-{item.pk}-problem": item.problem,
            f"item-{item.pk}-requirement": item.requirement,
            f"item-{item.pk}-due_date": item.due_date.isoformat(),
        }
    return data | changes


def test_each_indicator_warning_names_its_indicator_once(town_draft):
    d = town_draft
    first, second = (indicator.name for indicator in d.indicators)
    problem = d.feedback.items.get(position=1).problem
    assert problem == f"黄色预警：{first}：完成目标可能性为“有可能”；{second}：完成目标可能性为“有可能”"


def test_due_dates_default_past_the_drafting_day():
    friday = date(2026, 12, 4)
    assert add_working_days(friday, 1) == date(2026, 12, 7)
    assert add_working_days(friday, 6) == date(2026, 12, 14)

    class Cycle:
        due_rectification_report = date(2026, 11, 30)

    with override_settings(RECTIFICATION_WORKING_DAYS=5):
        assert default_due_date(Cycle, friday) == date(2026, 12, 11)
        assert default_due_date(Cycle, date(2026, 10, 1)) == date(2026, 11, 30)


def test_composed_items_are_not_overdue_when_drafted(town_draft):
    assert all(item.due_date > timezone.localdate() for item in town_draft.feedback.items.all())


def test_the_whole_list_is_saved_at_once_or_not_at_all(client, town_draft):
    d = town_draft
    url = reverse("review:feedback", args=[d.feedback.pk])
    first = d.feedback.items.get(position=1)
    client.force_login(d.counterpart_a)
    before = list(d.feedback.items.values_list("problem", flat=True))
    response = client.post(
        url,
        rows_of(
            d.feedback,
            **{f"item-{first.pk}-problem": "改写", f"item-{first.pk}-project": "2026-NOPE-01 不存在"},
        ),
    )
    assert response.status_code == 200
    assert "第 1 条：项目：没有找到“2026-NOPE-01 不存在”" in response.content.decode()
    assert list(d.feedback.items.values_list("problem", flat=True)) == before

    response = client.post(
        url, rows_of(d.feedback, **{f"item-{first.pk}-problem": "改写", f"item-{first.pk}-project": ""})
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.problem, first.project) == ("改写", None)


def test_removing_rows_in_the_same_save_renumbers_the_rest(town_draft):
    d = town_draft
    feedback = d.feedback
    extra = feedback_item_add(
        feedback=feedback,
        values={
            "project": None,
            "problem": "台账不全",
            "requirement": "完善台账",
            "due_date": date(2026, 12, 31),
        },
        acting_user=d.counterpart_a,
    )
    first = feedback.items.get(position=1)
    feedback_items_save(
        feedback=feedback,
        rows={
            extra: {"project": None, "problem": "台账不全", "requirement": "完善", "due_date": extra.due_date}
        },
        removed=[first],
        acting_user=d.counterpart_a,
    )
    assert list(feedback.items.values_list("position", "requirement")) == [(1, "完善")]


def test_the_project_field_is_one_shared_list_not_a_select_per_item(client, town_draft):
    d = town_draft
    client.force_login(d.counterpart_a)
    page = client.get(reverse("review:feedback", args=[d.feedback.pk])).content.decode()
    assert page.count("<datalist") == 1 and 'list="feedback-projects"' in page
    assert "<select" not in page
    assert f"如 {d.project_town.code} {d.project_town.name}" in page


def test_approve_and_issue_buttons_follow_their_predicates_and_warn_of_past_dates(client, town_draft):
    d = town_draft
    url = reverse("review:feedback", args=[d.feedback.pk])
    client.force_login(d.counterpart_a)
    page = client.get(url).content.decode()
    assert not can_approve(d.counterpart_a, d.feedback)
    assert 'id="approve-feedback"' not in page and "请填写对口服务股室审核意见" in page

    feedback = feedback_update(
        feedback=d.feedback,
        values={"counterpart_opinion": "材料基本齐全。", "overall_opinion": "请按要求整改。"},
        acting_user=d.counterpart_a,
    )
    item = feedback.items.get(position=1)
    yesterday = timezone.localdate() - timedelta(days=1)
    feedback_items_save(
        feedback=feedback,
        rows={
            item: {
                "project": item.project,
                "problem": item.problem,
                "requirement": "r",
                "due_date": yesterday,
            }
        },
        acting_user=d.counterpart_a,
    )
    page = client.get(url).content.decode()
    assert 'id="approve-feedback"' in page and 'id="past-due-warning"' in page
    assert f"第 1 条：{yesterday:%Y-%m-%d}" in page
    assert not can_issue(d.counterpart_a, feedback)

    feedback = feedback_approve(feedback=feedback, acting_user=d.counterpart_a)
    assert feedback.state == FeedbackState.APPROVED and can_issue(d.counterpart_a, feedback)
    page = client.get(url).content.decode()
    assert 'id="issue-feedback"' in page and 'id="past-due-warning"' in page
    client.force_login(d.supervision_staff)
    assert 'id="issue-feedback"' not in client.get(url).content.decode()


def test_the_manual_pick_placeholder_is_a_real_project_code(client, town_draft):
    d = town_draft
    client.force_login(d.supervision_staff)
    page = client.get(reverse("review:supervision", args=[d.cycle.pk])).content.decode()
    assert f'placeholder="如 {d.project_town.code}"' in page and "2026-P1-01" not in page


def test_exports_of_a_feedback_without_items(district):
    d = district
    bureau_package_sent(d, d.town)
    feedback = feedback_compose(cycle=d.cycle, unit=d.town, acting_user=d.counterpart_a)
    assert feedback.items.count() == 0
    ws = openpyxl.load_workbook(io.BytesIO(feedback_xlsx(feedback)))["附件2"]
    assert any(c.value == "本次监控未发现需要整改的问题。" for row in ws.iter_rows() for c in row)
    document = Document(io.BytesIO(feedback_docx(feedback)))
    assert "本次监控未发现需要整改的问题。" in document.tables[1].rows[2].cells[0].text
    assert AnalysisReport.objects.count() == 1
