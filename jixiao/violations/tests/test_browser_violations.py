"""In Chromium: the supervision section registers a case through the menu and moves it to 移送司法机关;
a counterpart section has no menu entry and gets 404 on the case's address."""

import pytest
from django.utils import timezone

from jixiao.conftest import screenshot
from jixiao.violations.models import CaseState, ViolationCase

pytestmark = pytest.mark.django_db(transaction=True)


def test_register_and_refer_a_case(browser_page, district):
    page = browser_page
    page.login(district.supervision_staff)
    page.get_by_role("link", name="违法违规问题").click()
    page.click("#register-violation")
    page.select_option("#id_organisation", str(district.s1.pk))
    page.fill("#id_project_code", district.project_s1.code)
    page.fill("#id_title", "挤占挪用专项资金")
    page.fill("#id_facts", "将专项资金 12 万元用于日常公用经费。")
    page.select_option("#id_law", "fiscal_penalty")
    page.fill("#id_article", "第十四条")
    page.fill("#id_amount", "12")
    page.click("#save-case")
    page.get_by_text("已登记").first.wait_for()
    case = ViolationCase.objects.get()
    assert page.url.endswith(f"/violations/{case.pk}/")

    page.fill("#id_investigate-comment", "调取会计凭证")
    page.click("#investigate-case")
    page.get_by_text("已开始调查核实。").wait_for()
    page.fill("#id_refer-referred_to", "区公安局经侦大队")
    page.fill("#id_refer-referred_on", timezone.localdate().isoformat())
    page.fill("#id_refer-comment", "涉嫌骗取财政资金，依法移送")
    page.click("#refer-case")
    page.get_by_text("已移送司法机关。").wait_for()
    assert page.locator("#case-actions").count() == 0
    assert page.locator("#case-history li").count() == 3
    screenshot(page, "violation-referred")
    case.refresh_from_db()
    assert (case.state, case.referred_to) == (CaseState.REFERRED, "区公安局经侦大队")

    page.login(district.counterpart_a)
    assert page.get_by_role("link", name="违法违规问题").count() == 0
    response = page.goto(f"{page.base_url}/violations/{case.pk}/")
    assert response.status == 404
