"""In Chromium: the unit opens its red project, answers 申请取消 in the panel the project page loads, and
the bureau leader finds the project on the 资金处理建议清单 with why it is there."""

import pytest

from jixiao.conftest import screenshot
from jixiao.dispositions.models import Choice, WarningDisposition
from jixiao.dispositions.tests.helpers import make_red

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_cancel_request_reaches_the_leaders_list(browser_page, district):
    page = browser_page
    project = district.project_s1
    make_red(district, project, district.s1_filler)

    page.login(district.s1_filler)
    page.goto(f"{page.base_url}/projects/{project.pk}/")
    panel = page.locator("#disposition-panel")
    panel.wait_for()
    assert "还剩 10 个工作日" in panel.inner_text()
    panel.get_by_label("申请取消").check()
    panel.get_by_label("申请理由").fill("上级政策调整，项目不再实施，申请取消并收回资金。")
    panel.get_by_role("button", name="报送处置意见").click()
    page.get_by_text("处置意见已报送对口服务股室").wait_for()
    screenshot(page, "disposition-answered")
    disposition = WarningDisposition.objects.get()
    assert (disposition.project, disposition.choice) == (project, Choice.CANCEL)

    page.login(district.bureau_leader)
    page.get_by_role("link", name="资金处理建议").click()
    row = page.locator("#candidates tbody tr", has_text=project.code)
    row.wait_for()
    assert "申请取消" in row.inner_text() and "红色预警" in row.inner_text()
    page.select_option("#id_reason", "cancel")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**reason=cancel**")
    assert page.locator("#candidates tbody tr").count() == 1
    screenshot(page, "funding-list")
