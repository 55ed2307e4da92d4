"""In Chromium: a return naming a project, the sender seeing it marked, sending to the bureau with a
subordinate still pending (confirmed), and the late subordinate accepted as 补报."""

import pytest

from jixiao.conftest import screenshot
from jixiao.workflow.models import Submission, SubmissionState
from jixiao.workflow.services import submission_submit
from jixiao.workflow.tests.test_returns_and_supplements import ready_step_two
from jixiao.workflow.tests.test_review_findings import sent_step_one

pytestmark = pytest.mark.django_db(transaction=True)


def test_return_per_project_then_send_with_a_pending_subordinate(browser_page, district, make_user):
    page = browser_page
    project = district.project_s1
    sent_step_one(district)

    # The first-level leader returns S1's package naming one project and why; the buttons are only
    # those the package allows.
    page.login(district.p1_leader)
    page.goto(f"{page.base_url}/workflow/{district.cycle.pk}/units/{district.s1.pk}/")
    assert page.locator("#withdraw-package").count() == 0
    page.fill(f"#reason-{project.pk}", "培训人数的偏差原因未说明")
    page.click("#return-package")
    page.get_by_text("已退回补正。").wait_for()
    assert page.locator("#accept-package").count() == 0 and page.locator("#return-package").count() == 0

    # The sender sees the project marked on its package page, its project list and the 附件1 page.
    page.login(district.s1_filler)
    page.goto(f"{page.base_url}/workflow/{district.cycle.pk}/units/{district.s1.pk}/")
    page.locator(".returned-project .returned-mark").get_by_text("培训人数的偏差原因未说明").wait_for()
    page.locator("#return-notice").get_by_text(project.code).wait_for()
    screenshot(page, "returns-01-sender-sees-marked-projects")
    page.goto(f"{page.base_url}/projects/?unit={district.s1.pk}")
    page.locator(".returned-mark").get_by_text("培训人数的偏差原因未说明").wait_for()
    page.goto(f"{page.base_url}/cycles/{district.cycle.pk}/projects/{project.pk}/")
    page.locator("#returned-mark").get_by_text("培训人数的偏差原因未说明").wait_for()

    # The first-level unit sends to the bureau: its check lists both subordinates not accepted, and the
    # send asks for confirmation first.
    ready_step_two(district, make_user)
    page.login(district.p1_leader)
    page.goto(f"{page.base_url}/workflow/{district.cycle.pk}/units/{district.p1.pk}/")
    pending = page.locator("#pending-subordinates")
    pending.get_by_text("第一中学：已退回").wait_for()
    pending.get_by_text("第二中学：未报送").wait_for()
    assert not page.locator("#confirm-submit").is_visible()
    page.click("#submit-package")
    page.locator("#submit-confirm").get_by_text("2 个下属单位尚未审核通过，确认先行报送？").wait_for()
    screenshot(page, "returns-02-send-asks-for-confirmation")
    page.click("#confirm-submit")
    page.get_by_text("已报送。").wait_for()
    assert Submission.objects.get(organisation=district.p1).state == SubmissionState.SUBMITTED

    # S1 resends; its package can still be accepted, and arrives as 补报.
    s1 = Submission.objects.get(organisation=district.s1)
    submission_submit(submission=s1, acting_user=district.s1_leader)
    page.goto(f"{page.base_url}/workflow/{district.cycle.pk}/units/{district.s1.pk}/")
    page.click("#accept-package")
    page.get_by_text("已审核通过。").wait_for()
    page.goto(f"{page.base_url}/workflow/{district.cycle.pk}/units/{district.p1.pk}/")
    page.locator("#subordinates .tag-supplement").get_by_text("补报").wait_for()
    screenshot(page, "returns-03-late-package-is-a-supplement")
    assert Submission.objects.get(organisation=district.s1).supplement
