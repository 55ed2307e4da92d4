"""In Chromium: 附件2 edited in one table with a searchable project field, past dates warned before 审定,
审定 / 下达 / 销号 confirmed, and evidence added after the answer until the bureau starts verifying."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jixiao.conftest import screenshot
from jixiao.organisations.models import Role
from jixiao.rectification.models import RectificationItem, RectificationState
from jixiao.review.models import Feedback, FeedbackState
from jixiao.review.services import feedback_compose
from jixiao.testing import fill_ready_report
from jixiao.workflow.services import submission_for, submission_save_overall_report, submission_submit

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def town_at_the_bureau(district, make_user):
    leader = make_user(district.town, Role.UNIT_LEADER, username="town_leader")
    fill_ready_report(district, district.project_town, leader)
    package = submission_for(organisation=district.town, cycle=district.cycle)
    submission_save_overall_report(submission=package, text="整体报告", acting_user=leader)
    submission_submit(submission=package, acting_user=leader)
    return leader


def test_feedback_table_confirmations_and_evidence(browser_page, district, make_user):
    page = browser_page
    leader = town_at_the_bureau(district, make_user)
    feedback = feedback_compose(cycle=district.cycle, unit=district.town, acting_user=district.counterpart_a)
    item = feedback.items.get(position=1)
    yesterday = timezone.localdate() - timedelta(days=1)

    # The counterpart section edits the list in one table: project picked by typing, a date in the past.
    page.login(district.counterpart_a)
    page.goto(f"{page.base_url}/review/feedback/{feedback.pk}/")
    assert page.locator("#items select").count() == 0
    assert page.locator("#approve-feedback").count() == 0  # the two opinions are not written yet
    project_field = page.locator(f"#id_item-{item.pk}-project")
    assert project_field.get_attribute("list") == "feedback-projects"
    project_field.fill("")
    page.fill(f"#id_item-{item.pk}-requirement", "请于整改时限前完成资金拨付")
    page.fill(f"#id_item-{item.pk}-due_date", yesterday.isoformat())
    page.click("#save-items")
    page.get_by_text("问题清单已保存。").wait_for()
    item.refresh_from_db()
    assert (item.project, item.due_date) == (None, yesterday)
    page.fill(f"#id_item-{item.pk}-project", f"{district.project_town.code} {district.project_town.name}")
    page.click("#save-items")
    page.get_by_text("问题清单已保存。").wait_for()
    item.refresh_from_db()
    assert item.project == district.project_town

    page.fill("#id_counterpart_opinion", "材料基本齐全")
    page.fill("#id_overall_opinion", "请逐项整改")
    page.locator("#opinions").get_by_role("button", name="保存意见").click()
    page.get_by_text("意见已保存。").wait_for()

    # 审定 opens a confirmation that warns of the past date; nothing happens until it is confirmed.
    page.click("#approve-feedback")
    page.locator("#past-due-warning").get_by_text(f"第 1 条：{yesterday:%Y-%m-%d}").wait_for()
    screenshot(page, "feedback-01-approve-warns-of-past-dates")
    assert Feedback.objects.get(pk=feedback.pk).state == FeedbackState.DRAFT
    page.click("#confirm-approve")
    page.get_by_text("综合意见反馈表已审定，可以下达。").wait_for()
    page.click("#issue-feedback")
    page.click("#confirm-issue")
    page.locator("#go-rectification").wait_for()
    item = RectificationItem.objects.get(feedback_item=item)

    # The unit answers with no file: it is asked why; it answers, then adds a file after answering.
    page.login(leader)
    page.goto(f"{page.base_url}/rectification/feedback/{feedback.pk}/")
    article = page.locator(f"#item-{item.pk}")
    article.locator(f"#item{item.pk}-response").fill("已完成资金拨付")
    article.locator("input[type=date]").fill(timezone.localdate().isoformat())
    article.get_by_role("button", name="报送整改落实情况").click()
    page.locator(f"#item-{item.pk}").get_by_text("未上传佐证材料，请说明原因").wait_for()
    page.locator(f"#item{item.pk}-no_evidence_reason").fill("拨付凭证将随后上传")
    page.locator(f"#item-{item.pk}").get_by_role("button", name="报送整改落实情况").click()
    page.locator(f"#item-{item.pk}").get_by_text("已报送整改落实情况").first.wait_for()
    page.locator(f"#item{item.pk}-files").set_input_files(
        {"name": "拨付凭证.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.locator(f"#item-{item.pk}").get_by_role("button", name="上传", exact=True).click()
    page.locator(f"#item-{item.pk}").get_by_role("link", name="拨付凭证.pdf").wait_for()
    screenshot(page, "feedback-02-evidence-after-the-answer")

    # The bureau starts verifying: the unit can no longer change the evidence; 销号 is confirmed.
    page.login(district.counterpart_a)
    page.goto(f"{page.base_url}/rectification/feedback/{feedback.pk}/")
    page.click(f"#start-verification-{item.pk}")
    page.locator(f"#item-{item.pk}").get_by_text("已开始核查").first.wait_for()
    page.login(leader)
    page.goto(f"{page.base_url}/rectification/feedback/{feedback.pk}/")
    page.locator(f"#item-{item.pk}").get_by_text("区财政局已开始核查，佐证材料不能再修改").wait_for()
    assert page.locator(f"#item{item.pk}-files").count() == 0
    page.login(district.counterpart_a)
    page.goto(f"{page.base_url}/rectification/feedback/{feedback.pk}/")
    page.locator(f"#item-{item.pk}").get_by_text("核查通过，销号").click()
    page.click(f"#confirm-verify-{item.pk}")
    page.locator(f"#item-{item.pk}").get_by_text("已核查销号").first.wait_for()
    item.refresh_from_db()
    assert item.state == RectificationState.VERIFIED
