"""Returns that name projects, sending with subordinates still pending (补报), and the one predicate per
action that both the page and the service use."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.organisations.models import Role
from jixiao.testing import fill_ready_report
from jixiao.workflow.models import ReturnedProject, SubmissionState
from jixiao.workflow.policy import can_accept, can_return, can_submit, can_withdraw
from jixiao.workflow.selectors import returned_project_reasons
from jixiao.workflow.services import (
    submission_accept,
    submission_for,
    submission_return,
    submission_save_overall_report,
    submission_sign,
    submission_submit,
    submission_withdraw,
)
from jixiao.workflow.tests.test_review_findings import sent_step_one

pytestmark = pytest.mark.django_db


def ready_step_two(district, make_user):
    leader = make_user(district.p1, Role.UNIT_LEADER)
    fill_ready_report(district, district.project_p1, leader)
    package = submission_for(organisation=district.p1, cycle=district.cycle)
    submission_save_overall_report(submission=package, text="整体报告", acting_user=leader)
    return package, leader


def test_a_return_stores_each_named_project_with_its_reason(district):
    package = sent_step_one(district)
    returned = submission_return(
        submission=package,
        comment="",
        projects={district.project_s1: "培训人数的偏差原因未说明"},
        acting_user=district.p1_leader,
    )
    assert returned.state == SubmissionState.RETURNED
    row = ReturnedProject.objects.get()
    assert (row.project, row.reason, row.submission_return.submission) == (
        district.project_s1,
        "培训人数的偏差原因未说明",
        returned,
    )
    marks = returned_project_reasons(
        cycle=district.cycle, projects=[district.project_s1, district.project_s2]
    )
    assert list(marks) == [district.project_s1.pk]


def test_the_marks_go_once_the_package_is_sent_again(district):
    package = sent_step_one(district)
    submission_return(
        submission=package,
        comment="",
        projects={district.project_s1: "补充说明"},
        acting_user=district.p1_leader,
    )
    submission_submit(submission=package, acting_user=district.s1_leader)
    assert returned_project_reasons(cycle=district.cycle, projects=[district.project_s1]) == {}


def test_a_named_project_needs_a_reason_and_must_be_the_packages_own(district):
    package = sent_step_one(district)
    with pytest.raises(ValidationError, match="需要补正的内容"):
        submission_return(
            submission=package,
            comment="",
            projects={district.project_s1: " "},
            acting_user=district.p1_leader,
        )
    with pytest.raises(ValidationError, match="不在第一中学的报送材料中"):
        submission_return(
            submission=package,
            comment="",
            projects={district.project_s2: "x"},
            acting_user=district.p1_leader,
        )
    with pytest.raises(ValidationError, match="请写明需要补正的内容"):
        submission_return(submission=package, comment="", acting_user=district.p1_leader)
    assert not ReturnedProject.objects.exists()
    assert submission_for(organisation=district.s1, cycle=district.cycle).state == SubmissionState.SUBMITTED


def test_sending_with_subordinates_not_accepted_asks_for_confirmation(district, make_user):
    sent_step_one(district)
    package, leader = ready_step_two(district, make_user)
    with pytest.raises(ValidationError) as refused:
        submission_submit(submission=package, acting_user=leader)
    message = refused.value.messages[0]
    assert "第一中学（已报送）" in message and "第二中学（未报送）" in message
    assert submission_for(organisation=district.p1, cycle=district.cycle).state == SubmissionState.DRAFT
    sent = submission_submit(submission=package, acting_user=leader, confirmed=True)
    assert sent.state == SubmissionState.SUBMITTED


def test_a_late_subordinate_can_still_be_returned_or_withdrawn_after_its_parent_sent(district, make_user):
    package, leader = ready_step_two(district, make_user)
    submission_submit(submission=package, acting_user=leader, confirmed=True)
    late = sent_step_one(district)
    assert late.supplement
    submission_withdraw(submission=late, acting_user=district.s1_leader)
    late = submission_submit(submission=late, acting_user=district.s1_leader)
    returned = submission_return(submission=late, comment="补充材料", acting_user=district.p1_leader)
    assert returned.state == SubmissionState.RETURNED
    again = submission_submit(submission=returned, acting_user=district.s1_leader)
    assert submission_accept(submission=again, acting_user=district.p1_leader).supplement


def test_predicates_refuse_what_the_services_refuse(district):
    package = sent_step_one(district)
    assert not can_submit(district.s1_leader, package)
    assert can_withdraw(district.s1_leader, package)
    assert can_accept(district.p1_leader, package) and can_return(district.p1_leader, package)
    assert can_accept(district.s1_leader, package).forbidden
    with pytest.raises(PermissionDenied):
        submission_accept(submission=package, acting_user=district.s1_leader)

    opened = submission_sign(submission=package, acting_user=district.p1_leader)
    verdict = can_withdraw(district.s1_leader, opened)
    assert not verdict and "签收" in verdict.reason
    with pytest.raises(ValidationError, match="签收"):
        submission_withdraw(submission=opened, acting_user=district.s1_leader)

    accepted = submission_accept(submission=opened, acting_user=district.p1_leader)
    assert not can_accept(district.p1_leader, accepted) and not can_return(district.p1_leader, accepted)
    with pytest.raises(ValidationError, match="不能审核"):
        submission_return(submission=accepted, comment="迟到的退回", acting_user=district.p1_leader)


def test_the_sender_sees_the_returned_projects_on_its_pages(client, district):
    package = sent_step_one(district)
    client.force_login(district.p1_leader)
    url = f"/workflow/{district.cycle.pk}/units/{district.s1.pk}/"
    client.post(
        url, {"action": "return", "comment": "", f"reason-{district.project_s1.pk}": "补充培训人数偏差原因"}
    )
    assert submission_for(organisation=district.s1, cycle=package.cycle).state == SubmissionState.RETURNED

    client.force_login(district.s1_filler)
    for page in (
        url,
        f"/projects/?unit={district.s1.pk}",
        f"/cycles/{district.cycle.pk}/projects/{district.project_s1.pk}/",
    ):
        assert "补充培训人数偏差原因" in client.get(page).content.decode(), page
    other = f"/cycles/{district.cycle.pk}/projects/{district.project_s2.pk}/"
    client.force_login(district.p1_leader)
    assert "补充培训人数偏差原因" not in client.get(other).content.decode()


def test_the_page_shows_only_the_buttons_whose_action_is_allowed(client, district):
    package = sent_step_one(district)
    url = f"/workflow/{district.cycle.pk}/units/{district.s1.pk}/"
    client.force_login(district.p1_leader)
    page = client.get(url).content.decode()
    assert 'id="accept-package"' in page and 'id="return-package"' in page
    client.force_login(district.s1_leader)
    assert 'id="withdraw-package"' in client.get(url).content.decode()  # reading it ended nothing
    client.force_login(district.p1_leader)
    client.post(url, {"action": "sign"})  # signing for it ends the sender's withdrawal
    client.force_login(district.s1_leader)
    page = client.get(url).content.decode()
    assert 'id="withdraw-package"' not in page and "不能撤回" in page
    submission_accept(submission=package, acting_user=district.p1_leader)
    client.force_login(district.p1_leader)
    page = client.get(url).content.decode()
    assert 'id="accept-package"' not in page and 'id="return-package"' not in page


def test_a_supplement_is_shown_as_such_to_the_first_level_unit_and_the_bureau(client, district, make_user):
    package, leader = ready_step_two(district, make_user)
    submission_submit(submission=package, acting_user=leader, confirmed=True)
    submission_accept(submission=sent_step_one(district), acting_user=district.p1_leader)
    client.force_login(district.p1_leader)
    assert "补报" in client.get("/workflow/").content.decode()
    assert "补报" in client.get(f"/workflow/{district.cycle.pk}/units/{district.p1.pk}/").content.decode()
    client.force_login(district.supervision_staff)
    page = client.get(f"/review/{district.cycle.pk}/supervision/units/{district.p1.pk}/").content.decode()
    assert 'id="supplements"' in page and "第一中学" in page
    client.force_login(district.counterpart_a)
    assert "补报 1 个单位" in client.get(f"/review/{district.cycle.pk}/counterpart/").content.decode()
