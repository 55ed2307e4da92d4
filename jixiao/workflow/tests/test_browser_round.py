"""One round in Chromium across roles, with a screenshot of each step under var/screenshots/."""

import pytest

from jixiao.conftest import screenshot
from jixiao.monitoring.models import AnalysisReport
from jixiao.organisations.models import Role
from jixiao.review.models import Feedback, KeyItem, Opinion
from jixiao.testing import EXPLANATION, rectification_items
from jixiao.workflow.models import Submission, SubmissionState

pytestmark = pytest.mark.django_db(transaction=True)


def fill_report(page, district, project, *, explain: bool):
    """Fill every indicator as a second-level filler would, explaining the warnings when asked."""
    page.goto(f"{page.base_url}/cycles/{district.cycle.pk}/projects/{project.pk}/")
    for indicator in project.current_target.indicators.all():
        prefix = f"#id_i{indicator.pk}"
        if indicator.value_type == "date":
            page.fill(f"{prefix}-projected_date", "2026-11-30")
        else:
            page.fill(f"{prefix}-actual_number", "340" if indicator.name == "培训人数" else "100")
            page.fill(f"{prefix}-projected_number", "500" if indicator.name == "培训人数" else "100")
        page.select_option(f"{prefix}-likelihood", "certain")
        if explain:
            page.evaluate(f"document.querySelectorAll('{prefix}-deviation_funding, {prefix}-corrective_measures')"
                          ".forEach(function (el) {{ el.closest('details').open = true; }})")  # fmt: skip
            page.fill(f"{prefix}-deviation_funding", "上级资金下达较晚")
            page.fill(f"{prefix}-corrective_measures", "加快资金拨付进度")
    if explain:
        page.evaluate("document.getElementById('funds-analysis').open = true")
        page.fill("#id_deviation_funding", "资金尚未拨付")
        page.fill("#id_corrective_measures", "督促尽快拨付")
    page.click("#save-report")
    page.get_by_text("已保存。").wait_for()


def send_package(page):
    """报送 is irreversible: the button opens a confirmation, whose own button sends."""
    page.click("#submit-package")
    page.click("#confirm-submit")
    page.get_by_text("已报送。").wait_for()


def test_a_whole_round_across_roles(browser_page, district, make_user):
    page = browser_page
    page.on("dialog", lambda dialog: dialog.accept())
    project = district.project_s1

    # 1. A second-level filler fills 附件1 (leaving one warning unexplained) and the written explanation.
    page.login(district.s1_filler)
    fill_report(page, district, project, explain=False)
    page.goto(f"{page.base_url}/workflow/{district.cycle.pk}/units/{district.s1.pk}/")
    for name, text in EXPLANATION.items():
        page.fill(f"#id_{name}", text)
    page.click("#save-explanation")
    page.get_by_text("书面说明材料已保存。").wait_for()
    screenshot(page, "round-01-secondary-filler-prepares")

    # 2. Its leader sees what is missing, then (after the filler explains it) submits.
    page.login(district.s1_leader)
    page.goto(f"{page.base_url}/workflow/{district.cycle.pk}/units/{district.s1.pk}/")
    assert page.locator("#readiness .problems li").count() > 0
    assert page.locator("#submit-package").count() == 0
    page.login(district.s1_filler)
    fill_report(page, district, project, explain=True)
    page.login(district.s1_leader)
    page.goto(f"{page.base_url}/workflow/{district.cycle.pk}/units/{district.s1.pk}/")
    send_package(page)
    screenshot(page, "round-02-secondary-leader-submits")

    # 3. The first-level leader returns it; the unit fixes and resubmits; the leader accepts.
    page.login(district.p1_leader)
    page.goto(f"{page.base_url}/workflow/")
    page.get_by_role("link", name="审核", exact=True).first.click()
    page.fill("#id_comment", "请补充第一中学项目的阶段性产出说明")
    page.click("#return-package")
    page.get_by_text("已退回补正。").wait_for()
    screenshot(page, "round-03-primary-returns")
    assert not AnalysisReport.objects.get(project=project).locked

    page.login(district.s1_leader)
    page.goto(f"{page.base_url}/workflow/{district.cycle.pk}/units/{district.s1.pk}/")
    page.get_by_text("退回意见：请补充第一中学项目的阶段性产出说明").wait_for()
    page.fill("#id_narrative_outputs", "培训已完成340人，下半年再培训160人。")
    page.click("#save-explanation")
    page.get_by_text("书面说明材料已保存。").wait_for()
    send_package(page)

    page.login(district.p1_leader)
    page.goto(f"{page.base_url}/workflow/{district.cycle.pk}/units/{district.s1.pk}/")
    page.click("#sign-package")
    page.get_by_text("已签收。").wait_for()
    assert Submission.objects.get(organisation=district.s1).opened_at is not None
    page.click("#accept-package")
    page.get_by_text("已审核通过。").wait_for()
    screenshot(page, "round-04-primary-accepts")
    assert Submission.objects.get(organisation=district.s1).state == SubmissionState.ACCEPTED

    # 4. The first-level unit fills its own 附件1, writes its overall report and submits to the bureau.
    p1_filler = make_user(district.p1, Role.FILLER, username="p1_filler")
    page.login(p1_filler)
    fill_report(page, district, district.project_p1, explain=True)
    page.goto(f"{page.base_url}/workflow/{district.cycle.pk}/units/{district.p1.pk}/")
    assert "一、基本情况" in page.input_value("#id_overall_report")
    page.click("#save-overall-report")
    page.get_by_text("整体绩效运行监控分析报告已保存。").wait_for()
    page.login(district.p1_leader)
    page.goto(f"{page.base_url}/workflow/{district.cycle.pk}/units/{district.p1.pk}/")
    send_package(page)
    screenshot(page, "round-05-primary-submits-to-bureau")

    # 5. The counterpart section sees it arrive, with a notification.
    page.login(district.counterpart_a)
    assert page.locator("#notifications-link .badge").count() == 1
    page.goto(f"{page.base_url}/workflow/")
    page.get_by_role("link", name="审核", exact=True).first.wait_for()
    screenshot(page, "round-06-counterpart-receives")
    assert Submission.objects.get(organisation=district.p1).state == SubmissionState.SUBMITTED
    page.goto(f"{page.base_url}/workflow/{district.cycle.pk}/units/{district.p1.pk}/")
    page.click("#sign-package")
    page.get_by_text("已签收。").wait_for()
    assert Submission.objects.get(organisation=district.p1).receipts.get().organisation == district.section_a

    # 6. Supervision picks a key item and writes an opinion on the first-level unit, sent to its section.
    page.login(district.supervision_staff)
    page.goto(f"{page.base_url}/review/{district.cycle.pk}/supervision/")
    page.get_by_role("button", name="列为重点审核").first.click()
    page.get_by_text("人工选取").wait_for()
    assert KeyItem.objects.count() == 1
    page.goto(f"{page.base_url}/review/{district.cycle.pk}/supervision/units/{district.p1.pk}/")
    page.select_option("#id_project", str(district.project_p1.pk))
    page.fill("#id_problem", "项目预算执行严重滞后，资金未支出")
    page.fill("#id_requirement", "请制定支付计划，9月底前完成首笔支付")
    page.get_by_role("button", name="保存意见").click()
    page.click("#send-opinions")
    page.locator("#opinions").get_by_text("项目预算执行严重滞后").wait_for()
    screenshot(page, "round-07-supervision-opinion")
    assert Opinion.objects.get().sent_at is not None

    # 7. The counterpart section composes 附件2 from the warnings and the opinion, approves and issues it.
    page.login(district.counterpart_a)
    page.goto(f"{page.base_url}/review/{district.cycle.pk}/counterpart/")
    page.get_by_role("button", name="生成综合意见反馈表").click()
    page.locator("#items").wait_for()
    page.fill("#id_counterpart_opinion", "材料基本齐全，部分项目执行滞后")
    page.fill("#id_overall_opinion", "请按问题清单逐项整改，11月30日前报送整改落实情况")
    page.locator("#opinions").get_by_role("button", name="保存意见").click()
    page.click("#approve-feedback")
    page.click("#confirm-approve")
    page.click("#issue-feedback")
    page.click("#confirm-issue")
    page.locator("#go-rectification").wait_for()
    screenshot(page, "round-08-counterpart-issues-feedback")
    feedback = Feedback.objects.get(organisation=district.p1)
    assert feedback.state == "issued" and feedback.items.count() >= 2

    # 8. The unit answers every item with what it did and when.
    page.login(district.p1_leader)
    page.goto(f"{page.base_url}/rectification/feedback/{feedback.pk}/")
    items = rectification_items(feedback)
    for item in items:
        article = page.locator(f"#item-{item.pk}")
        article.locator(f"#item{item.pk}-response").fill("已制定支付计划并完成首笔支付，培训已补充安排")
        article.locator(f"#item{item.pk}-no_evidence_reason").fill(
            "支付凭证已在国库集中支付系统中，可直接查询"
        )
        article.locator("input[type=date]").fill("2026-11-20")
        article.get_by_role("button", name="报送整改落实情况").click()
        page.locator(f"#item-{item.pk}").get_by_text("已报整改情况").first.wait_for()
    screenshot(page, "round-09-unit-answers")

    # 9. The bureau verifies each answer; the round shows closed.
    page.login(district.counterpart_a)
    page.goto(f"{page.base_url}/rectification/feedback/{feedback.pk}/")
    for item in items:
        page.locator(f"#item-{item.pk}").get_by_text("核查通过，销号").click()
        page.click(f"#confirm-verify-{item.pk}")
        page.locator(f"#item-{item.pk}").get_by_text("已核查销号").first.wait_for()
    page.login(district.bureau_leader)
    page.get_by_text("已下达的整改问题已全部核查销号，本轮整改闭环。").wait_for()
    screenshot(page, "round-10-round-closed")
