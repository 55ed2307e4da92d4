"""A unit leader in a real browser: the unit's 附件1 zip is made in the background with a progress bar and
downloaded from the job's page."""

import zipfile

import pytest

from jixiao.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_unit_zip_in_the_background_then_download(browser_page, district, settings):
    settings.JOBS_RUNNER = "embedded"
    page = browser_page
    page.login(district.p1_leader)
    page.goto(f"{page.base_url}/organisations/{district.p1.pk}/")
    page.click("text=导出全部附件1")
    page.locator("#job-progress[data-state=done]").wait_for()
    assert "100%" in page.locator("#job-progress").inner_text()
    screenshot(page, "job-unit-zip-done")
    with page.expect_download() as info:
        page.click("#job-progress >> text=下载")
    path = info.value.path()
    assert info.value.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(path) as archive:
        codes = {name.split("_")[0] for name in archive.namelist()}
    assert codes == {district.project_p1.code, district.project_s1.code, district.project_s2.code}
    page.goto(f"{page.base_url}/notifications/")
    assert "已完成，可以下载" in page.content()
