"""附件1 in a real browser: typing raises a warning live, saving keeps it, the page guards unsaved work."""

import pytest

from jixiao.conftest import screenshot
from jixiao.monitoring.models import AnalysisReport

pytestmark = pytest.mark.django_db(transaction=True)


def test_fill_see_warning_save(browser_page, district):
    page = browser_page
    project = district.project_s1
    indicator = project.current_target.indicators.get(name="培训人数")
    page.login(district.s1_filler)
    page.goto(f"{page.base_url}/cycles/{district.cycle.pk}/projects/{project.pk}/")
    assert page.locator("h1").first.inner_text().endswith("项目预算绩效监控分析表")

    page.fill(f"#id_i{indicator.pk}-actual_number", "120")
    page.select_option(f"#id_i{indicator.pk}-likelihood", "impossible")
    row_warnings = page.locator(f"#row-warnings-{indicator.pk}")
    row_warnings.get_by_text("完全不可能").wait_for()
    assert "红色" in page.locator("#level-badge").inner_text()
    screenshot(page, "report-form-live-warning")

    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#save-report")
    page.get_by_text("已保存。").wait_for()
    report = AnalysisReport.objects.get(project=project, cycle=district.cycle)
    assert report.entries.get(indicator=indicator).likelihood == "impossible"
    assert report.level == "red"
    assert page.locator(f"#row-warnings-{indicator.pk}").get_by_text("完全不可能").count() == 1


def test_export_then_reimport_in_the_browser(browser_page, district, tmp_path):
    page = browser_page
    project = district.project_s1
    indicator = project.current_target.indicators.get(name="培训人数")
    page.login(district.s1_filler)
    page.goto(f"{page.base_url}/cycles/{district.cycle.pk}/projects/{project.pk}/")
    page.fill(f"#id_i{indicator.pk}-actual_number", "300")
    page.click("#save-report")
    page.get_by_text("已保存。").wait_for()

    with page.expect_download() as download_info:
        page.click("#export-report")
    workbook_path = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(workbook_path)
    assert workbook_path.suffix == ".xlsx"

    page.goto(f"{page.base_url}/cycles/{district.cycle.pk}/import/")
    page.set_input_files("input[type=file]", str(workbook_path))
    page.click("#start-import")
    page.get_by_text("已导入").wait_for()
    screenshot(page, "report-import-result")
    report = AnalysisReport.objects.get(project=project, cycle=district.cycle)
    assert report.revision == 2
    assert report.entries.get(indicator=indicator).actual_number == 300
