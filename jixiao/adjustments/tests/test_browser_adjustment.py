"""In Chromium: a goal adjustment from the unit's request (from its 附件1) through both sections'
approvals, after which the 附件1 form shows the new target."""

import pytest

from jixiao.adjustments.models import AdjustmentState, GoalAdjustment
from jixiao.adjustments.tests.conftest import fill_report, indicator
from jixiao.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_request_both_approvals_and_the_report_shows_the_new_target(browser_page, district):
    page = browser_page
    project = district.project_s1
    fill_report(district, project, district.s1_filler)
    count = indicator(project, "培训人数")
    report_url = f"{page.base_url}/cycles/{district.cycle.pk}/projects/{project.pk}/"

    # The unit asks from the 附件1's 实施条件与目标调整需求, reporting an emergency.
    page.login(district.s1_filler)
    page.goto(report_url)
    page.click("#request-adjustment")
    page.get_by_text("申请调整绩效目标：").wait_for()
    page.get_by_label("突发事件").check()
    page.fill("#id_cause_description", "汛期校舍受损，暑期培训停办一个月。")
    page.fill("#id_response_plan", "改为线上培训，压缩班次。")
    page.fill(f"#id_target_{count.pk}", "400人")  # without its sign it reads as text
    page.click("button[name=submit]")
    page.get_by_text("“培训人数”是数值指标").wait_for()
    screenshot(page, "adjustment-00-form-refused")
    page.fill(f"#id_target_{count.pk}", "≥400")  # the unit is kept from the current target
    page.click("button[name=submit]")
    page.get_by_text("已报送区财政局审批。").wait_for()
    screenshot(page, "adjustment-01-request-sent")
    adjustment = GoalAdjustment.objects.get()
    assert adjustment.urgent and adjustment.state == AdjustmentState.SUBMITTED

    # The counterpart section finds it first in its list (urgent) and approves.
    page.login(district.counterpart_a)
    page.goto(f"{page.base_url}/adjustments/")
    page.locator("#pending").get_by_text("紧急").wait_for()
    page.locator("#pending").get_by_role("link", name=f"#{adjustment.pk}").click()
    page.locator("#adjusted-indicators").get_by_text("≥400人").wait_for()
    page.click("#approve-adjustment")
    page.get_by_text("已同意，等待另一股室审批。").wait_for()

    # The supervision section approves second: the new version is made.
    page.login(district.supervision_staff)
    page.goto(f"{page.base_url}/adjustments/{adjustment.pk}/")
    page.fill("#id_comment", "同意按应对方案调整。")
    page.click("#approve-adjustment")
    page.get_by_text("绩效目标调整已批准，现行为第 2 版。").wait_for()
    page.locator("#history").get_by_text("同意按应对方案调整。").wait_for()
    screenshot(page, "adjustment-02-approved")

    # The unit's 附件1 now stands against the new target, and the project shows the history.
    page.login(district.s1_filler)
    page.goto(report_url)
    page.get_by_text("≥400人").first.wait_for()
    assert page.get_by_text("≥500人").count() == 0
    screenshot(page, "adjustment-03-report-shows-new-target")
    page.goto(f"{page.base_url}/projects/{project.pk}/")
    page.locator("#target-history").get_by_text("培训人数：≥500人 → ≥400人").wait_for()
    screenshot(page, "adjustment-04-project-target-history")
