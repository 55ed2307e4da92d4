"""The system administrator in a real browser: from the admin area, upload a sheet of three people,
confirm, download their one-time passwords; one of them signs in and must first change the password."""

import pytest
from openpyxl import load_workbook

from jixiao.conftest import screenshot
from jixiao.loads.tests.conftest import xlsx_bytes
from jixiao.organisations.models import User

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "Jixiao#Strong2026"


def test_load_three_people_download_passwords_and_force_the_change(browser_page, district, tmp_path):
    page = browser_page
    path = tmp_path / "人员名单.xlsx"
    path.write_bytes(
        xlsx_bytes(
            [
                ["单位编码", "姓名", "用户名", "角色", "手机", "邮箱"],
                ["S1", "张伟", "zhang.wei", "填报人", "13800000001", "zw@example.cn"],
                ["S1", "李娜", "li.na", "单位负责人", "13800000002", ""],
                ["T", "王强", "wang.qiang", "填报人", "", ""],
            ]
        )
    )
    district.sysadmin.is_staff = district.sysadmin.is_superuser = True  # as the demo's administrator
    district.sysadmin.save()
    page.login(district.sysadmin)
    page.goto(f"{page.base_url}/admin/")
    page.click("#account-load-link")
    page.set_input_files("#id_file", str(path))
    page.click("#start-preview")
    page.locator("#load-counts").wait_for()
    assert "新增 3 个账号" in page.locator("#load-counts").inner_text()
    assert page.locator("#load-created tbody tr").count() == 3
    screenshot(page, "accounts-preview")

    page.click("#confirm-button")
    page.locator("#one-time-passwords").wait_for()
    screenshot(page, "accounts-passwords")
    with page.expect_download() as info:
        page.click("#download-passwords")
    saved = tmp_path / "passwords.xlsx"
    info.value.save_as(saved)
    rows = list(load_workbook(saved).worksheets[0].iter_rows(min_row=2, max_row=4, values_only=True))
    passwords = {row[0]: row[3] for row in rows}
    assert set(passwords) == {"zhang.wei", "li.na", "wang.qiang"}

    page.context.clear_cookies()
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", "li.na")
    page.fill("#id_password", passwords["li.na"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{page.base_url}/accounts/password/")
    assert "一次性密码" in page.locator("#must-change-password").inner_text()
    page.goto(f"{page.base_url}/projects/")
    page.wait_for_url(f"{page.base_url}/accounts/password/")
    page.fill("#id_old_password", passwords["li.na"])
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    screenshot(page, "accounts-forced-change")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{page.base_url}/")
    assert "密码已修改" in page.locator(".messages").inner_text()
    assert not User.objects.get(username="li.na").must_change_password
