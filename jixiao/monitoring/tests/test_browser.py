"""附件1 in a real browser: typing raises a warning live, saving keeps it, the page guards unsaved work."""

from datetime import date

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


def test_saved_dates_survive_the_next_save(browser_page, district):
    """Every date input carries yyyy-mm-dd, so a second save that changes only a text keeps the dates."""
    page = browser_page
    project = district.project_s1
    ids = {i.name: i.pk for i in project.current_target.indicators.all()}
    done = ids["完工时间"]
    page.on("dialog", lambda dialog: dialog.accept())
    page.login(district.s1_filler)
    page.goto(f"{page.base_url}/cycles/{district.cycle.pk}/projects/{project.pk}/")
    page.fill("#id_filled_on", "2026-09-05")
    page.fill(f"#id_i{done}-actual_date", "2026-08-20")
    page.fill(f"#id_i{done}-projected_date", "2026-11-30")
    page.fill("#id_goal_progress", "第一次保存")
    page.click("#save-report")
    page.get_by_text("已保存。").wait_for()

    with page.expect_response(lambda response: "/preview/" in response.url):  # the live preview re-renders
        page.fill("#id_goal_progress", "只改了这段文字")
    assert page.input_value(f"#id_i{done}-actual_date") == "2026-08-20"
    page.click("#save-report")
    page.get_by_text("已保存。").wait_for()

    assert page.input_value("#id_filled_on") == "2026-09-05"
    assert page.input_value(f"#id_i{done}-actual_date") == "2026-08-20"
    assert page.input_value(f"#id_i{done}-projected_date") == "2026-11-30"
    for selector in ("#id_filled_on", f"#id_i{done}-actual_date", f"#id_i{done}-projected_date"):
        assert page.get_attribute(selector, "type") == "date"
    report = AnalysisReport.objects.get(project=project, cycle=district.cycle)
    assert (report.revision, report.goal_progress) == (2, "只改了这段文字")
    assert report.filled_on == date(2026, 9, 5)
    entry = report.entries.get(indicator_id=done)
    assert (entry.actual_date, entry.projected_date) == (date(2026, 8, 20), date(2026, 11, 30))


def test_a_refused_value_is_marked_beside_its_field_and_the_page_opens_there(browser_page, district):
    page = browser_page
    project = district.project_s1
    rate = project.current_target.indicators.get(name="验收合格率")
    page.on("dialog", lambda dialog: dialog.accept())
    page.login(district.s1_filler)
    page.goto(f"{page.base_url}/cycles/{district.cycle.pk}/projects/{project.pk}/")
    page.fill("#id_contact_phone", "0832-1234567")
    page.fill(f"#id_i{rate.pk}-actual_number", "120%")
    page.click("#save-report")
    field = page.locator(f"#id_i{rate.pk}-actual_number")
    field.wait_for()
    assert page.evaluate("document.activeElement.id") == f"id_i{rate.pk}-actual_number"
    assert field.get_attribute("aria-invalid") == "true" and field.input_value() == "120%"
    cell = page.locator(f"#indicator-{rate.pk} td", has=field)
    assert "不能超过 100%" in cell.inner_text()
    box, height = field.bounding_box(), page.viewport_size["height"]
    assert box["y"] >= 0 and box["y"] + box["height"] <= height  # scrolled into view
    assert page.input_value("#id_contact_phone") == "0832-1234567"  # nothing typed is lost
    screenshot(page, "report-form-field-error")
    assert not AnalysisReport.objects.filter(project=project).exists()
