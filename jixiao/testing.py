"""Scenario helpers for tests: states reached through the same service functions the pages call."""

# ---------------------------------------------------------------------------------------------------
# Rectification

from datetime import date, timedelta

from django.http import HttpResponse
from django.test import TestCase
from django.utils import timezone

from jixiao.monitoring.services import report_save
from jixiao.notifications.services import people_of
from jixiao.organisations.models import Organisation, Role, User
from jixiao.organisations.services import membership_grant
from jixiao.rectification.models import RectificationItem
from jixiao.review.models import Feedback
from jixiao.review.services import (
    feedback_approve,
    feedback_compose,
    feedback_issue,
    feedback_item_add,
    feedback_item_remove,
    feedback_update,
)
from jixiao.workflow.services import submission_for, submission_save_overall_report, submission_submit

RECTIFICATION_LEADER_PASSWORD = "Test#password2026"


def unit_leader(unit: Organisation) -> User:
    """The unit's 单位负责人, made one if it has none."""
    leaders = people_of(unit.pk, {Role.UNIT_LEADER})
    if leaders:
        return leaders[0]
    user = User.objects.create_user(
        username=f"leader_{unit.code.lower()}", password=RECTIFICATION_LEADER_PASSWORD, full_name=unit.name
    )
    membership_grant(user=user, organisation=unit, role=Role.UNIT_LEADER, acting_user=None)
    return user


def package_at_the_bureau(district, unit: Organisation) -> User:
    """A town's or first-level unit's package sent to the bureau (its own 附件1 filled and explained);
    returns the leader who sent it."""
    leader = unit_leader(unit)
    for project in unit.projects.filter(year=district.cycle.year):
        explained = {"deviation_funding": "资金拨付滞后", "corrective_measures": "加快拨付"}
        report_save(
            project=project,
            cycle=district.cycle,
            values=explained,
            entries={i.pk: explained for i in project.current_target.indicators.all()},
            expected_revision=0,
            acting_user=leader,
        )
    package = submission_for(organisation=unit, cycle=district.cycle)
    submission_save_overall_report(submission=package, text="整体报告", acting_user=leader)
    submission_submit(submission=package, acting_user=leader, confirmed=True)
    return leader


def feedback_approved(district, unit: Organisation, *, items: int = 2, due: date | None = None) -> Feedback:
    """附件2 of `unit` composed and approved (审定) through the review services, not issued yet, with
    exactly `items` problems (问题1…, 要求1…) due on `due` (30 days on by default)."""
    package_at_the_bureau(district, unit)
    counterpart = people_of(unit.counterpart_section_id, {Role.COUNTERPART_STAFF})[0]
    feedback = feedback_compose(cycle=district.cycle, unit=unit, acting_user=counterpart)
    for item in list(feedback.items.all()):
        feedback_item_remove(item=item, acting_user=counterpart)
    for position in range(1, items + 1):
        feedback_item_add(
            feedback=feedback,
            values={
                "project": None,
                "problem": f"问题{position}：资金支付进度滞后",
                "requirement": f"要求{position}：加快支付并说明原因",
                "due_date": due or timezone.localdate() + timedelta(days=30),
            },
            acting_user=counterpart,
        )
    feedback = feedback_update(
        feedback=feedback,
        values={"counterpart_opinion": "材料基本齐全。", "overall_opinion": "请按要求整改。"},
        acting_user=counterpart,
    )
    return feedback_approve(feedback=feedback, acting_user=counterpart)


def feedback_issued(district, unit: Organisation, *, items: int = 2, due: date | None = None) -> Feedback:
    """附件2 issued (下达) to `unit`; issuing opens one rectification item per problem."""
    feedback = feedback_approved(district, unit, items=items, due=due)
    counterpart = people_of(unit.counterpart_section_id, {Role.COUNTERPART_STAFF})[0]
    return feedback_issue(feedback=feedback, acting_user=counterpart)


def rectification_items(feedback: Feedback) -> list[RectificationItem]:
    """The rectification items a 附件2 opened, in its order."""
    return list(
        RectificationItem.objects.filter(feedback_item__feedback=feedback).order_by("feedback_item__position")
    )


def exported(client, url: str):
    """Ask for an export as its button does (a POST that starts a background job, run here once the request
    commits) and download the job's file: the file as a response, or the refusal of the POST (403, 404)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(url)
    if response.status_code != 302:
        return response
    job_page = response.url
    assert client.get(job_page).status_code == 200
    download = client.get(f"{job_page}download/")
    assert download.status_code == 200, download.status_code
    return HttpResponse(
        b"".join(download.streaming_content),
        content_type=download["Content-Type"],
        headers={"Content-Disposition": download["Content-Disposition"]},
    )
