"""The cockpit in a real browser: every dashboard draws its charts without a console error, a scatter point
opens its project, a table exports to .xlsx that opens, a chart downloads as PNG, and the drill-down goes
district → section → unit → subordinate unit."""

import docx
import openpyxl
import pytest

from jixiao.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

CHART_COUNT = 6


def watch_console(page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(f"{message.text} {message.location}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def wait_for_charts(page) -> None:
    page.wait_for_function(
        f"document.querySelectorAll('[data-chart-url][data-ready=\"1\"]').length === {CHART_COUNT}"
    )


SCATTER_POINT = """() => {
  const canvas = document.querySelector('#chart-scatter .chart-canvas');
  const chart = echarts.getInstanceByDom(canvas);
  const series = chart.getOption().series;
  for (let i = 0; i < series.length; i++) {
    if (series[i].data.length) {
      const point = series[i].data[0];
      const [x, y] = chart.convertToPixel({seriesIndex: i}, point.value);
      const box = canvas.getBoundingClientRect();
      return {x: box.left + x, y: box.top + y, url: point.url};
    }
  }
  return null;
}"""


def test_the_leaders_cockpit_draws_drills_down_and_exports(browser_page, round_, tmp_path):
    page = browser_page
    errors = watch_console(page)
    page.login(round_.bureau_leader)
    wait_for_charts(page)
    assert page.locator("h1").inner_text() == "监控驾驶舱 · 全区概况"
    assert page.locator("#rates").inner_text().count("%") == 4
    screenshot(page, "cockpit-district")

    levels = page.locator("#chart-levels")
    levels.get_by_role("button", name="表格").click()
    assert "预算股A" in levels.locator(".chart-table").inner_text()
    with page.expect_download() as png:
        page.locator("#chart-execution").get_by_role("button", name="下载图片").click()
    picture = tmp_path / "chart.png"
    png.value.save_as(picture)
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    with page.expect_download() as xlsx:
        page.click('[data-export="rows"]')
    workbook = tmp_path / "rows.xlsx"
    xlsx.value.save_as(workbook)
    sheet = openpyxl.load_workbook(workbook).active
    assert sheet["A1"].value.endswith("全区概况·监控情况汇总")
    assert {sheet.cell(row=r, column=1).value for r in range(4, sheet.max_row + 1)} == {"预算股A", "经建股B"}

    page.locator("#chart-scatter").scroll_into_view_if_needed()
    point = page.evaluate(SCATTER_POINT)
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(f"{page.base_url}{point['url']}")
    screenshot(page, "cockpit-scatter-project")

    page.goto(f"{page.base_url}/")
    page.locator("#drill a.drill", has_text="预算股A").click()
    wait_for_charts(page)
    page.locator("#drill a.drill", has_text="区教育局").click()
    wait_for_charts(page)
    assert "区教育局（本级）" in page.locator("#drill").inner_text()
    screenshot(page, "cockpit-unit")
    page.locator("#drill a.drill", has_text="第一中学").click()
    wait_for_charts(page)
    assert page.locator(".cockpit-crumbs").inner_text() == "全区 › 预算股A › 区教育局 › 第一中学"
    page.locator("#drill a.projects-link").first.click()
    page.locator("#project-table").get_by_text("2026-S1-02").wait_for()
    assert errors == []


@pytest.mark.parametrize(
    ("username", "title", "screenshot_name"),
    [
        ("counterpart_a", "监控驾驶舱 · 预算股A对口单位", "cockpit-section"),
        ("supervision_staff", "监控驾驶舱 · 全区概况", "cockpit-supervision"),
    ],
)
def test_each_sections_cockpit_draws_without_errors(browser_page, round_, username, title, screenshot_name):
    page = browser_page
    errors = watch_console(page)
    page.login(round_.users[username])
    wait_for_charts(page)
    assert page.locator("h1").inner_text() == title
    screenshot(page, screenshot_name)
    assert errors == []


def test_a_units_cockpit_shows_itself_and_its_subordinates(browser_page, round_):
    page = browser_page
    errors = watch_console(page)
    page.login(round_.p1_leader)
    page.goto(f"{page.base_url}/cockpit/")
    wait_for_charts(page)
    assert page.locator("h1").inner_text() == "监控驾驶舱 · 区教育局"
    drill = page.locator("#drill").inner_text()
    assert "第一中学" in drill and "保密中心" not in drill
    screenshot(page, "cockpit-unit-leader")
    assert errors == []


def test_the_district_report_is_drafted_with_the_pages_charts(browser_page, round_, tmp_path):
    page = browser_page
    errors = watch_console(page)
    page.login(round_.supervision_staff)
    page.click("text=全区监控情况报告")
    wait_for_charts(page)
    page.get_by_role("button", name="根据当前数据起草新版本").click()
    page.get_by_text("已起草第 1 版。").wait_for()
    screenshot(page, "cockpit-district-report")
    with page.expect_download() as download:
        page.locator("a.report-download").first.click()
    path = tmp_path / "report.docx"
    download.value.save_as(path)
    document = docx.Document(str(path))
    assert document.paragraphs[0].text.endswith("年预算绩效运行监控情况报告")
    assert len(document.inline_shapes) == CHART_COUNT
    assert errors == []
