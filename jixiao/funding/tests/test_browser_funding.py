"""A funding hold in a real browser: the leader suspends a red project's payments from its page, ticking
its red warning as the basis; the unit then sees the hold on its project page and in its project list."""

import pytest

from jixiao.conftest import screenshot
from jixiao.funding.models import FundingState, FundingStatus
from jixiao.monitoring.services import report_save

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_hold_set_by_the_leader_is_seen_by_the_unit(browser_page, district):
    page = browser_page
    project = district.project_s1
    report_save(
        project=project,
        cycle=district.cycle,
        values={},
        entries={},
        expected_revision=0,
        acting_user=district.s1_filler,
    )

    page.login(district.bureau_leader)
    page.goto(f"{page.base_url}/projects/{project.pk}/")
    page.click("#funding-decide")
    page.check("#status-suspended")
    page.fill("#id_reason", "红色预警且未见纠偏措施，暂缓拨款至整改到位。")
    page.locator("input[name=basis]").first.check()
    screenshot(page, "funding-decide")
    page.click("#funding-form button[type=submit]")
    page.get_by_text("已决定暂缓拨款").wait_for()
    status = FundingStatus.objects.get(project=project)
    assert status.status == FundingState.SUSPENDED
    assert status.basis[0]["kind"] == "warning"

    page.login(district.s1_filler)
    page.goto(f"{page.base_url}/projects/{project.pk}/")
    assert "【暂缓拨款】" in page.locator("h1").inner_text()
    panel = page.locator("#funding")
    assert "红色预警且未见纠偏措施" in panel.inner_text()
    assert "红色预警" in panel.locator(".funding-basis").first.inner_text()
    screenshot(page, "funding-unit-project")

    page.goto(f"{page.base_url}/projects/")
    row = page.locator("#project-table tr", has_text=project.code)
    assert "【暂缓拨款】" in row.inner_text()
    screenshot(page, "funding-unit-list")
