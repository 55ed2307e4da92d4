"""In Chromium: the supervision section plans an on-site check, records a finding and opens a
rectification item from it; the unit answers the item and the section verifies it, which the check's page
then shows. A unit that is not checked gets 404 on the check's address."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jixiao.conftest import screenshot
from jixiao.oversight.models import OversightAction, OversightState
from jixiao.rectification.models import RectificationItem, RectificationSource, RectificationState

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_finding_opens_a_rectification_item_answered_and_verified(browser_page, district):
    page, d = browser_page, district
    today = timezone.localdate()
    page.login(d.supervision_staff)
    page.get_by_role("link", name="监督检查").click()
    page.click("#plan-action")
    page.select_option("#id_kind", "onsite")
    page.fill("#id_project_code", d.project_s1.code)
    page.fill("#id_subject", "核查 1—6 月专项资金支付凭证")
    page.fill("#id_planned_start", today.isoformat())
    page.fill("#id_planned_end", (today + timedelta(days=3)).isoformat())
    page.select_option("#id_staff", [str(d.supervision_staff.pk)])
    page.click("#save-plan")
    page.get_by_text("已安排").first.wait_for()
    action = OversightAction.objects.get()
    assert page.url.endswith(f"/oversight/{action.pk}/")

    page.click("#start-action")
    page.get_by_text("已开始实施。").wait_for()
    page.fill("#id_finding-text", "3 笔劳务费支出无签收凭证")
    page.select_option("#id_finding-severity", "major")
    page.click("#finding-action")
    page.get_by_text("已记录发现的问题。").wait_for()
    finding = action.findings.get()
    page.locator(f"#finding-{finding.pk}").get_by_text("开具整改事项").click()
    page.fill(f"#id_rectify-{finding.pk}-requirement", "补齐签收凭证，建立劳务费发放台账")
    page.fill(f"#id_rectify-{finding.pk}-due_date", (today + timedelta(days=30)).isoformat())
    page.click(f"#rectify-{finding.pk}")
    page.get_by_text("已开具整改事项，已通知第一中学。").wait_for()
    page.click("#findings-action")
    page.get_by_text("已结束检查，发现的问题已记录。").wait_for()
    screenshot(page, "oversight-01-finding-opened-an-item")
    item = RectificationItem.objects.get()
    assert (item.kind, item.organisation, item.state) == (
        RectificationSource.OVERSIGHT,
        d.s1,
        RectificationState.OPEN,
    )

    page.login(d.s1_filler)
    page.goto(f"{page.base_url}/oversight/{action.pk}/")
    page.locator(f"#finding-{finding.pk}").get_by_role("link", name=item.source_label).click()
    article = page.locator(f"#item-{item.pk}")
    article.locator(f"#item{item.pk}-response").fill("已补齐签收凭证并建立台账")
    article.locator(f"#item{item.pk}-no_evidence_reason").fill("凭证原件存单位财务室")
    article.locator("input[type=date]").fill(today.isoformat())
    article.get_by_role("button", name="报送整改落实情况").click()
    page.locator(f"#item-{item.pk}").get_by_text("已报整改情况").first.wait_for()

    page.login(d.supervision_staff)
    page.goto(f"{page.base_url}/rectification/items/{item.pk}/")
    page.locator(f"#item-{item.pk}").get_by_text("核查通过，销号").click()
    page.click(f"#confirm-verify-{item.pk}")
    page.locator(f"#item-{item.pk}").get_by_text("已核查销号").first.wait_for()
    page.goto(f"{page.base_url}/oversight/{action.pk}/")
    page.locator(f"#finding-{finding.pk}").get_by_text("已核查销号").wait_for()
    page.fill("#id_close-conclusion", "发现问题已整改销号")
    page.click("#close-action")
    page.get_by_text("已办结。").wait_for()
    screenshot(page, "oversight-02-closed-after-verification")
    action.refresh_from_db()
    item.refresh_from_db()
    assert (action.state, item.state) == (OversightState.CLOSED, RectificationState.VERIFIED)

    page.login(d.town_filler)
    assert page.goto(f"{page.base_url}/oversight/{action.pk}/").status == 404
