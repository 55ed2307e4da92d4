"""Boundaries found in review: what reached the bureau stays fixed, lateness cannot be erased, scopes hold."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory, override_settings

from jixiao.core.request_context import client_ip_of
from jixiao.monitoring.selectors import cycle_list
from jixiao.monitoring.services import cycle_open, report_save
from jixiao.organisations.models import Role
from jixiao.projects.selectors import project_visible
from jixiao.review.services import feedback_approve, feedback_compose, feedback_update
from jixiao.testing import EXPLANATION, fill_ready_report
from jixiao.workflow.services import (
    submission_accept,
    submission_extend,
    submission_for,
    submission_return,
    submission_save_explanation,
    submission_save_overall_report,
    submission_submit,
)

pytestmark = pytest.mark.django_db


def sent_step_one(district):
    fill_ready_report(district, district.project_s1, district.s1_filler)
    package = submission_for(organisation=district.s1, cycle=district.cycle)
    submission_save_explanation(submission=package, values=EXPLANATION, acting_user=district.s1_filler)
    return submission_submit(submission=package, acting_user=district.s1_leader)


def sent_step_two(district, make_user):
    leader = make_user(district.p1, Role.UNIT_LEADER)
    fill_ready_report(district, district.project_p1, leader)
    package = submission_for(organisation=district.p1, cycle=district.cycle)
    submission_save_overall_report(submission=package, text="整体报告", acting_user=leader)
    return submission_submit(submission=package, acting_user=leader, confirmed=True)


def test_a_subordinate_accepted_after_the_first_level_unit_has_sent_arrives_as_a_supplement(
    district, make_user
):
    step_one = sent_step_one(district)
    sent_step_two(district, make_user)
    accepted = submission_accept(submission=step_one, acting_user=district.p1_leader)
    assert accepted.state == "accepted"
    assert accepted.supplement


def test_extension_cannot_erase_lateness_once_sent(district):
    step_one = sent_step_one(district)
    with pytest.raises(ValidationError, match="逾期天数以报送时为准"):
        submission_extend(
            submission=step_one,
            due_date=date(2026, 12, 31),
            reason="补办",
            acting_user=district.counterpart_a,
        )


def test_package_cannot_be_returned_once_its_feedback_is_approved(district, make_user):
    step_two = sent_step_two(district, make_user)
    counterpart = district.counterpart_a
    feedback = feedback_compose(cycle=district.cycle, unit=district.p1, acting_user=counterpart)
    feedback = feedback_update(
        feedback=feedback,
        values={"counterpart_opinion": "材料基本齐全。", "overall_opinion": "请按要求整改。"},
        acting_user=counterpart,
    )
    feedback_approve(feedback=feedback, acting_user=counterpart)
    with pytest.raises(ValidationError, match="综合意见反馈表已审定"):
        submission_return(submission=step_two, comment="退回", acting_user=district.counterpart_a)


def test_agency_never_sees_a_classified_units_project(district):
    district.project_sc.agencies.add(district.agency)
    visible = set(project_visible(district.agency_staff))
    assert district.project_s3 in visible and district.project_sc not in visible


def test_self_initiated_cycle_is_seen_by_the_unit_and_those_below_it(district):
    own = cycle_open(
        year=2026, acting_user=None, kind="self_initiated", organisation=district.p1, period_end_month=6
    )
    assert own in cycle_list(user=district.s1_filler)
    assert own in cycle_list(user=district.p1_leader)
    assert own not in cycle_list(user=district.town_filler)
    below = cycle_open(
        year=2026, acting_user=None, kind="self_initiated", organisation=district.s1, period_end_month=6
    )
    assert below not in cycle_list(user=district.p1_leader)
    with pytest.raises(ValidationError, match="不属于开展这次自行监控的单位"):
        report_save(
            project=district.project_p1,
            cycle=below,
            values={},
            entries={},
            expected_revision=0,
            acting_user=district.p1_leader,
        )


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_client_is_the_hop_the_proxy_added():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip_of(request) == "203.0.113.7"


def test_without_proxies_forwarded_headers_are_ignored():
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.2", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert client_ip_of(request) == "198.51.100.2"
