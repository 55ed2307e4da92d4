"""The register in a browser: a first-level unit requires rectification of its school, the school finds the
item by filtering its register, answers it on the item page, and the first-level unit closes it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from jixiao.conftest import screenshot
from jixiao.rectification.models import RectificationItem, RectificationState

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_requirement_from_opening_to_closing(browser_page, district):
    page, d = browser_page, district
    due = timezone.localdate() + timedelta(days=10)

    page.login(d.p1_leader)
    page.goto(f"{page.base_url}/rectification/")
    page.click("#open-parent")
    page.select_option("#id_organisation", str(d.s1.pk))
    page.fill("#id_problem", "学校食堂经费未单独核算")
    page.fill("#id_requirement", "食堂经费单独建账，每月公示")
    page.fill("#id_due_date", due.isoformat())
    page.fill("#id_source_label", "2026年学校经费专项检查")
    page.get_by_role("button", name="登记").click()
    page.get_by_text("整改事项已登记，已通知整改单位。").wait_for()
    item = RectificationItem.objects.get()
    screenshot(page, "register-01-requirement-opened")

    page.login(d.s1_filler)
    page.goto(f"{page.base_url}/rectification/")
    page.select_option("#id_kind", "parent")
    page.locator("#register-filters").get_by_role("button", name="筛选").click()
    page.wait_for_url("**kind=parent**")
    screenshot(page, "register-02-the-schools-register")
    page.locator("#register").get_by_role("link", name="2026年学校经费专项检查").click()
    article = page.locator(f"#item-{item.pk}")
    article.locator(f"#item{item.pk}-response").fill("已单独建账并公示")
    article.locator(f"#item{item.pk}-no_evidence_reason").fill("公示材料张贴于校务公开栏")
    article.locator("input[type=date]").fill(timezone.localdate().isoformat())
    article.get_by_role("button", name="报送整改落实情况").click()
    page.locator(f"#item-{item.pk}").get_by_text("已报整改情况").first.wait_for()

    page.login(d.p1_leader)
    page.goto(f"{page.base_url}/rectification/items/{item.pk}/")
    page.locator(f"#item-{item.pk}").get_by_text("核查通过，销号").click()
    page.click(f"#confirm-verify-{item.pk}")
    page.locator(f"#item-{item.pk}").get_by_text("已核查销号").first.wait_for()
    screenshot(page, "register-03-requirement-closed")
    item.refresh_from_db()
    assert item.state == RectificationState.VERIFIED
