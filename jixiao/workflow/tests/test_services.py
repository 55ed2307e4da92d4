"""Every transition of a package: allowed actor and state, refused actor, refused state, lateness, double
clicks, the audit row, the lock on the sender's reports, and the notification after commit."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jixiao.audit.models import AuditRecord
from jixiao.loads.services import load_file
from jixiao.loads.tests.conftest import csv_bytes
from jixiao.monitoring.models import AnalysisReport
from jixiao.monitoring.services import report_save
from jixiao.monitoring.tests.test_rollup import PROJECTS_HEADER
from jixiao.notifications.models import Notification
from jixiao.organisations.models import Role
from jixiao.testing import EXPLANATION, fill_ready_report
from jixiao.workflow.models import Step, SubmissionState
from jixiao.workflow.policy import can_sign, can_withdraw
from jixiao.workflow.selectors import package_fingerprint, submission_problems
from jixiao.workflow.services import (
    receiver_of,
    submission_accept,
    submission_extend,
    submission_for,
    submission_return,
    submission_save_explanation,
    submission_sign,
    submission_submit,
    submission_withdraw,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def s1_leader_package(district):
    """S1's step-1 package with its report and written explanation ready."""
    fill_ready_report(district, district.project_s1, district.s1_filler)
    package = submission_for(organisation=district.s1, cycle=district.cycle)
    return submission_save_explanation(submission=package, values=EXPLANATION, acting_user=district.s1_filler)


def test_steps_and_receivers(district):
    assert submission_for(organisation=district.s1, cycle=district.cycle).step == Step.UNIT_TO_PRIMARY
    assert receiver_of(district.s1) == district.p1
    assert receiver_of(district.p1) == district.bureau
    assert receiver_of(district.town) == district.bureau
    assert submission_for(organisation=district.s1, cycle=district.cycle).due_date.isoformat() == "2026-09-10"


def test_classified_unit_sends_nothing(district):
    with pytest.raises(ValidationError):
        submission_for(organisation=district.sc, cycle=district.cycle)


def test_submit_lists_every_missing_piece_at_once(district):
    package = submission_for(organisation=district.s1, cycle=district.cycle)
    with pytest.raises(ValidationError) as refused:
        submission_submit(submission=package, acting_user=district.s1_leader)
    messages = refused.value.messages
    assert any("尚未填报监控分析表" in m for m in messages)
    assert sum("书面说明材料缺少" in m for m in messages) == 7


def test_filler_prepares_but_only_the_leader_sends(district, s1_leader_package):
    with pytest.raises(PermissionDenied):
        submission_submit(submission=s1_leader_package, acting_user=district.s1_filler)
    for outsider in ("p1_leader", "s2_filler", "counterpart_a"):
        user = district.users.get(outsider)
        if user is not None:
            with pytest.raises(PermissionDenied):
                submission_submit(submission=s1_leader_package, acting_user=user)
    assert s1_leader_package.state == SubmissionState.DRAFT


def test_submit_locks_reports_audits_and_notifies_after_commit(
    district, s1_leader_package, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sent = submission_submit(submission=s1_leader_package, acting_user=district.s1_leader)
    assert callbacks
    assert sent.state == SubmissionState.SUBMITTED and sent.submitted_at is not None
    assert AnalysisReport.objects.get(project=district.project_s1).locked
    record = AuditRecord.objects.get(action="submission.submit")
    assert (record.from_state, record.to_state, record.actor_id) == (
        "draft",
        "submitted",
        district.s1_leader.pk,
    )
    assert Notification.objects.filter(recipient=district.p1_leader).exists()
    with pytest.raises(ValidationError):
        report_save(
            project=district.project_s1,
            cycle=district.cycle,
            values={"goal_progress": "报送后修改"},
            entries={},
            expected_revision=1,
            acting_user=district.s1_filler,
        )


def test_double_submit_gives_one_transition(district, s1_leader_package):
    submission_submit(submission=s1_leader_package, acting_user=district.s1_leader)
    with pytest.raises(ValidationError):
        submission_submit(submission=s1_leader_package, acting_user=district.s1_leader)
    assert AuditRecord.objects.filter(action="submission.submit").count() == 1


def due_on(district, package, day):
    """The package's due date moved to `day` by the bureau (延期), as the sender would find it."""
    return submission_extend(
        submission=package, due_date=day, reason="经批准调整截止日期", acting_user=district.supervision_staff
    )


def test_late_submission_counts_whole_days(district, s1_leader_package):
    package = due_on(district, s1_leader_package, timezone.localdate() - timedelta(days=3))
    sent = submission_submit(submission=package, acting_user=district.s1_leader)
    assert sent.late_days == 3
    assert "逾期 3 天" in AuditRecord.objects.get(action="submission.submit").comment


def test_on_time_submission_is_not_late(district, s1_leader_package):
    package = due_on(district, s1_leader_package, timezone.localdate())
    assert submission_submit(submission=package, acting_user=district.s1_leader).late_days == 0


def test_withdraw_until_the_receiver_signs_for_it(district, s1_leader_package):
    sent = submission_submit(submission=s1_leader_package, acting_user=district.s1_leader)
    back = submission_withdraw(submission=sent, acting_user=district.s1_leader)
    assert back.state == SubmissionState.DRAFT
    assert not AnalysisReport.objects.get(project=district.project_s1).locked
    sent = submission_submit(submission=back, acting_user=district.s1_leader)
    submission_sign(submission=sent, acting_user=district.p1_leader)
    with pytest.raises(ValidationError):
        submission_withdraw(submission=sent, acting_user=district.s1_leader)


def test_the_sender_cannot_sign_for_its_own_package(district, s1_leader_package):
    sent = submission_submit(submission=s1_leader_package, acting_user=district.s1_leader)
    with pytest.raises(PermissionDenied):
        submission_sign(submission=sent, acting_user=district.s1_leader)
    assert not sent.receipts.exists()
    assert submission_withdraw(submission=sent, acting_user=district.s1_leader).opened_at is None


def test_step_two_is_signed_for_by_both_bureau_sections_once_per_sending(district, make_user):
    """一式两份: the counterpart section and the supervision section each sign; the first ends withdrawal."""
    town_leader = make_user(district.town, Role.UNIT_LEADER)
    fill_ready_report(district, district.project_town, district.town_filler)
    package = submission_for(organisation=district.town, cycle=district.cycle)
    sent = submission_submit(submission=package, acting_user=town_leader)
    with pytest.raises(PermissionDenied):
        submission_sign(submission=sent, acting_user=district.counterpart_b)

    signed = submission_sign(submission=sent, acting_user=district.counterpart_a)
    assert not can_withdraw(town_leader, signed)
    assert can_sign(district.supervision_staff, signed)
    submission_sign(submission=signed, acting_user=district.supervision_staff)
    with pytest.raises(ValidationError, match="已签收"):
        submission_sign(submission=signed, acting_user=district.counterpart_a)

    receipts = {(r.organisation, r.signed_by) for r in signed.receipts.all()}
    assert receipts == {
        (district.section_a, district.counterpart_a),
        (district.supervision, district.supervision_staff),
    }
    steps = signed.transitions.filter(action="submission.sign")
    assert [s.organisation for s in steps] == [district.section_a, district.supervision]


def test_return_needs_a_reason_and_unlocks_the_reports(district, s1_leader_package):
    sent = submission_submit(submission=s1_leader_package, acting_user=district.s1_leader)
    with pytest.raises(ValidationError):
        submission_return(submission=sent, comment="  ", acting_user=district.p1_leader)
    returned = submission_return(submission=sent, comment="请补充偏差分析", acting_user=district.p1_leader)
    assert returned.state == SubmissionState.RETURNED
    assert not AnalysisReport.objects.get(project=district.project_s1).locked
    assert AuditRecord.objects.get(action="submission.return").comment == "请补充偏差分析"
    assert (
        submission_submit(submission=returned, acting_user=district.s1_leader).state
        == SubmissionState.SUBMITTED
    )


@pytest.mark.parametrize("username", ["s1_leader", "s1_filler", "counterpart_a", "bureau_leader"])
def test_only_the_receiving_leader_decides(district, s1_leader_package, username):
    sent = submission_submit(submission=s1_leader_package, acting_user=district.s1_leader)
    with pytest.raises(PermissionDenied):
        submission_accept(submission=sent, acting_user=district.users[username])


def test_accept_once(district, s1_leader_package):
    sent = submission_submit(submission=s1_leader_package, acting_user=district.s1_leader)
    accepted = submission_accept(submission=sent, acting_user=district.p1_leader)
    assert accepted.state == SubmissionState.ACCEPTED
    assert AnalysisReport.objects.get(project=district.project_s1).locked
    with pytest.raises(ValidationError):
        submission_accept(submission=sent, acting_user=district.p1_leader)
    with pytest.raises(ValidationError):
        submission_return(submission=sent, comment="晚了", acting_user=district.p1_leader)
    assert AuditRecord.objects.filter(action="submission.accept").count() == 1


def test_explanation_is_read_only_once_sent(district, s1_leader_package):
    submission_submit(submission=s1_leader_package, acting_user=district.s1_leader)
    with pytest.raises(ValidationError):
        submission_save_explanation(
            submission=s1_leader_package, values={"narrative_rules": "改"}, acting_user=district.s1_filler
        )


def test_step_two_is_reviewed_by_the_counterpart_section(district, make_user):
    town_leader = make_user(district.town, Role.UNIT_LEADER)
    fill_ready_report(district, district.project_town, district.town_filler)
    package = submission_for(organisation=district.town, cycle=district.cycle)
    sent = submission_submit(submission=package, acting_user=town_leader)
    assert sent.receiver == district.bureau
    with pytest.raises(PermissionDenied):
        submission_accept(submission=sent, acting_user=district.counterpart_b)
    assert (
        submission_accept(submission=sent, acting_user=district.counterpart_a).state
        == SubmissionState.ACCEPTED
    )


def test_budget_figures_are_untouched_by_the_flow(district, s1_leader_package):
    before = district.project_s1.initial_fiscal
    submission_submit(submission=s1_leader_package, acting_user=district.s1_leader)
    district.project_s1.refresh_from_db()
    assert district.project_s1.initial_fiscal == before == Decimal("1000000.00")


def test_self_initiated_cycle_runs_inside_the_unit(district):
    from jixiao.monitoring.services import cycle_open

    own = cycle_open(
        year=2026, acting_user=None, kind="self_initiated", organisation=district.p1, period_end_month=6
    )
    package = submission_for(organisation=district.s1, cycle=own)
    assert package.step == Step.UNIT_TO_PRIMARY and package.receiver == district.p1
    with pytest.raises(ValidationError):
        submission_for(organisation=district.p1, cycle=own)  # the unit that opened it sends to nobody
    with pytest.raises(ValidationError):
        submission_for(organisation=district.s3, cycle=own)  # other units are not part of it


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_give_one_transition(district, s1_leader_package):
    """Two clicks at once: the row lock lets one through; the other then sees the new state and is refused."""
    import threading

    from django.db import connection

    results = []

    def click():
        try:
            package = submission_for(organisation=district.s1, cycle=district.cycle)
            submission_submit(submission=package, acting_user=district.s1_leader)
            results.append("ok")
        except ValidationError:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["ok", "refused"]
    assert AuditRecord.objects.filter(action="submission.submit").count() == 1


def test_submit_checks_the_data_as_it_stands_after_the_page_kept_its_readiness(district, s1_leader_package):
    """The page worked the readiness out (nothing missing); a load then brings the unit a project with no
    附件1: the submit reads a new state of the unit's data and refuses."""
    d = district
    kept = package_fingerprint(unit=d.s1, cycle=d.cycle)
    assert submission_problems(s1_leader_package, fingerprint=kept) == []
    row = [2026, "2026-S1-09", "新增实训设备", "S1", "部门预算专项", "否", "300000"]
    load_file(kind="projects", filename="projects.csv", data=csv_bytes([PROJECTS_HEADER, row]))
    assert package_fingerprint(unit=d.s1, cycle=d.cycle) != kept
    with pytest.raises(ValidationError) as refused:
        submission_submit(submission=s1_leader_package, acting_user=d.s1_leader)
    assert any("新增实训设备" in m and "尚未填报监控分析表" in m for m in refused.value.messages)
    s1_leader_package.refresh_from_db()
    assert s1_leader_package.state == SubmissionState.DRAFT
