"""The data manager in a real browser: upload a projects file, see the one change, confirm, follow the load
in the background to its result, see it on the project page."""

import pytest

from jixiao.conftest import screenshot
from jixiao.loads.tests.conftest import csv_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def test_upload_preview_confirm_and_see_the_project(browser_page, district, data_manager, tmp_path):
    page = browser_page
    project = district.project_s1
    path = tmp_path / "项目库导出.csv"
    path.write_bytes(
        csv_bytes(
            [
                [
                    "预算年度",
                    "项目编码",
                    "项目名称",
                    "单位编码",
                    "项目类型",
                    "年初预算·财政拨款（元）",
                    "调整后预算·财政拨款（万元）",
                ],
                [2026, project.code, project.name, "S1", "部门预算专项", "1000000", "150"],
                [
                    2026,
                    district.project_s2.code,
                    district.project_s2.name,
                    "S2",
                    "部门预算专项",
                    "1000000",
                    "",
                ],
            ],
            "gbk",
        )
    )
    page.login(data_manager)
    page.click("nav >> text=数据加载")
    page.select_option("#id_kind", "projects")
    page.set_input_files("#id_file", str(path))
    page.click("#start-preview")
    page.locator("#load-counts").wait_for()
    assert "新增 0 条，变更 1 条，未变 1 条" in page.locator("#load-counts").inner_text()
    changed = page.locator("#load-changed tbody tr")
    assert changed.count() == 1
    assert "150.00万元（1,500,000.00元）" in changed.first.inner_text()
    screenshot(page, "load-preview")

    page.click("#confirm-button")
    page.locator("#job-progress[data-state=done]").wait_for()
    page.click("#job-progress >> text=查看加载结果")
    assert page.locator("#load-status").inner_text() == "已加载"
    assert "新增 0 条，变更 1 条" in page.locator("#load-counts").inner_text()
    page.goto(f"{page.base_url}/projects/{project.pk}/")
    assert "150.00" in page.locator("tr.total").inner_text()
    screenshot(page, "load-project-after")
