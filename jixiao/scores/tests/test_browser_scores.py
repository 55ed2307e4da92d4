"""In Chromium: the supervision section changes the scheme through the menu and the table shows the new
weight; a bureau leader downloads the table; a second-level unit's filler reaches only its own breakdown."""

import openpyxl
import pytest

from jixiao.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_scheme_table_export_and_own_breakdown(browser_page, district, tmp_path):
    page = browser_page
    page.login(district.supervision_staff)
    page.get_by_role("link", name="监控评分").click()
    page.click("#edit-scheme")
    page.fill("#id_weight_quality", "30")
    page.click("#save-scheme")
    page.get_by_text("现为 110 分").first.wait_for()
    page.fill("#id_weight_warnings", "10")
    page.click("#save-scheme")
    page.get_by_text("评分规则已保存").wait_for()
    assert "报送质量 30 分" in page.locator("#score-scheme").inner_text()
    assert page.locator("#scores tbody tr").count() == 6
    screenshot(page, "scores-table")

    page.login(district.bureau_leader)
    page.goto(f"{page.base_url}/scores/")
    assert page.locator("#edit-scheme").count() == 0
    with page.expect_download() as download:
        page.click("#export-scores")
    assert download.value.suggested_filename == "监控评分-2026.xlsx"
    saved = tmp_path / "scores.xlsx"
    download.value.save_as(saved)
    sheet = openpyxl.load_workbook(saved).active
    assert sheet.cell(row=4, column=5).value == "报送质量（30分）"

    page.login(district.s1_filler)
    page.get_by_role("link", name="监控评分").click()
    page.locator("#breakdown").wait_for()
    assert district.s1.name in page.locator("h1").inner_text()
    assert page.locator("#breakdown tbody tr").count() == 5
    screenshot(page, "scores-unit")
    response = page.goto(f"{page.base_url}/scores/cycles/{district.cycle.pk}/units/{district.s2.pk}/")
    assert response.status == 404
