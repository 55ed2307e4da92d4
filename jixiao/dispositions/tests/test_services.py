"""The unit answers its red project's warning within the cycle's working days: who may answer, revise and
acknowledge (both directions), the transitions, audit and notices, and the due date counted from the day
the 附件1 first turned red."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jixiao.audit.models import AuditRecord
from jixiao.core.errors import ServiceError
from jixiao.dispositions.models import Choice, DispositionState, DispositionTransition, WarningDisposition
from jixiao.dispositions.services import disposition_acknowledge
from jixiao.dispositions.tests.helpers import answer, make_red, pay_on_schedule, save_report, today_is
from jixiao.monitoring.models import AnalysisReport, CycleStatus
from jixiao.monitoring.recompute import cycle_recompute_warnings
from jixiao.monitoring.services import cycle_set_disposition_days, cycle_update
from jixiao.notifications.models import Notification
from jixiao.workdays.models import DayKind
from jixiao.workdays.services import bureau_day_set

pytestmark = pytest.mark.django_db


def test_the_report_remembers_the_day_it_first_turned_red(district, monkeypatch):
    project = district.project_s1
    pay_on_schedule(project)
    with today_is(monkeypatch, date(2026, 2, 13)):
        report = save_report(district, project, district.s1_filler, likelihood="certain")
    assert report.level != "red" and AnalysisReport.objects.get(pk=report.pk).red_since is None
    with today_is(monkeypatch, date(2026, 2, 13)):
        make_red_again = save_report(
            district, project, district.s1_filler, likelihood="impossible", revision=1
        )
    assert AnalysisReport.objects.get(pk=make_red_again.pk).red_since == date(2026, 2, 13)
    with today_is(monkeypatch, date(2026, 3, 2)):
        save_report(district, project, district.s1_filler, likelihood="certain", revision=2)
        save_report(district, project, district.s1_filler, likelihood="impossible", revision=3)
    assert AnalysisReport.objects.get(pk=report.pk).red_since == date(2026, 2, 13)  # the first day stays


def test_the_batch_recompute_records_the_red_day_too(district, monkeypatch):
    report = make_red(district, district.project_s1, district.s1_filler)
    AnalysisReport.objects.filter(pk=report.pk).update(level="green", red_since=None)
    with today_is(monkeypatch, date(2026, 9, 1)):
        cycle_recompute_warnings(district.cycle)
    stored = AnalysisReport.objects.get(pk=report.pk)
    assert (stored.level, stored.red_since) == ("red", date(2026, 9, 1))


def test_the_due_date_counts_the_cycles_working_days_from_the_red_day(district, monkeypatch):
    project = district.project_s1
    with today_is(monkeypatch, date(2026, 2, 13)):
        make_red(district, project, district.s1_filler)
    bureau_day_set(
        day=date(2026, 3, 4), kind=DayKind.REST, note="区统一安排", acting_user=district.supervision_staff
    )
    with today_is(monkeypatch, date(2026, 2, 26)):
        disposition = answer(district, project, district.s1_filler, Choice.CONTINUE)
    # 10 working days after Friday 2-13 over the Spring Festival is 3-5; the bureau's 3-4 makes it 3-6.
    assert (disposition.red_since, disposition.working_days, disposition.due_date) == (
        date(2026, 2, 13),
        10,
        date(2026, 3, 6),
    )
    assert not disposition.answered_late


def test_an_answer_after_the_due_date_is_kept_as_late(district, monkeypatch):
    with today_is(monkeypatch, date(2026, 2, 13)):
        make_red(district, district.project_s1, district.s1_filler)
    with today_is(monkeypatch, date(2026, 3, 6)):
        disposition = answer(district, district.project_s1, district.s1_filler, Choice.CONTINUE)
    assert disposition.due_date == date(2026, 3, 5) and disposition.answered_late
    assert DispositionTransition.objects.get(subject=disposition).comment.endswith("（逾期答复）")


def test_the_cycles_working_days_are_set_by_supervision_and_used_for_new_dispositions(district, monkeypatch):
    with pytest.raises(PermissionDenied):
        cycle_set_disposition_days(cycle=district.cycle, days=5, acting_user=district.counterpart_a)
    with pytest.raises(ValidationError):
        cycle_set_disposition_days(cycle=district.cycle, days=0, acting_user=district.supervision_staff)
    cycle_set_disposition_days(cycle=district.cycle, days=5, acting_user=district.supervision_staff)
    district.cycle.refresh_from_db()
    assert district.cycle.disposition_working_days == 5
    assert AuditRecord.objects.filter(action="cycle.change", to_state="5").count() == 1
    with today_is(monkeypatch, date(2026, 3, 2)):
        make_red(district, district.project_s1, district.s1_filler)
        disposition = answer(district, district.project_s1, district.s1_filler, Choice.CONTINUE)
    assert disposition.due_date == date(2026, 3, 9)


@pytest.mark.parametrize("username", ["s1_filler", "s1_leader"])
def test_the_projects_own_unit_answers(district, username):
    make_red(district, district.project_s1, district.s1_filler)
    disposition = answer(district, district.project_s1, district.users[username], Choice.CANCEL)
    assert (disposition.choice, disposition.state, disposition.organisation) == (
        Choice.CANCEL,
        DispositionState.ANSWERED,
        district.s1,
    )
    row = DispositionTransition.objects.get(subject=disposition)
    assert (row.action, row.from_state, row.to_state, row.actor) == (
        "disposition.answer",
        "",
        "answered",
        district.users[username],
    )
    audit = AuditRecord.objects.get(action="disposition.answer")
    assert (audit.object_id, audit.organisation) == (str(disposition.pk), district.s1)


@pytest.mark.parametrize(
    "username", ["p1_leader", "town_filler", "counterpart_a", "supervision_staff", "bureau_leader"]
)
def test_nobody_else_answers_for_the_unit(district, username):
    make_red(district, district.project_s1, district.s1_filler)
    with pytest.raises(PermissionDenied):
        answer(district, district.project_s1, district.users[username], Choice.CANCEL)
    assert not WarningDisposition.objects.exists()


def test_the_counterpart_section_is_told(district, django_capture_on_commit_callbacks):
    make_red(district, district.project_s1, district.s1_filler)
    with django_capture_on_commit_callbacks(execute=True):
        answer(district, district.project_s1, district.s1_filler, Choice.REALLOCATE)
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["counterpart_a"]
    assert "申请调剂" in Notification.objects.get().message


def test_a_project_that_is_not_red_needs_no_answer(district, make_user):
    pay_on_schedule(district.project_s1)
    save_report(district, district.project_s1, district.s1_filler, likelihood="certain")
    with pytest.raises(ValidationError, match="没有红色预警"):
        answer(district, district.project_s1, district.s1_filler, Choice.CONTINUE)
    s2_filler = make_user(district.s2, "filler")
    with pytest.raises(ValidationError, match="没有红色预警"):  # no 附件1 yet
        answer(district, district.project_s2, s2_filler, Choice.CONTINUE)


@pytest.mark.parametrize(
    ("choice", "text", "field"),
    [
        (Choice.CONTINUE, {"measures": " "}, "measures"),
        (Choice.REALLOCATE, {"reason": ""}, "reason"),
        (Choice.CANCEL, {"measures": "措施不是理由"}, "reason"),
        ("other", {"reason": "理由"}, "choice"),
    ],
)
def test_each_choice_requires_its_text(district, choice, text, field):
    make_red(district, district.project_s1, district.s1_filler)
    with pytest.raises(ServiceError) as caught:
        answer(district, district.project_s1, district.s1_filler, choice, **text)
    assert field in caught.value.field_errors
    assert not WarningDisposition.objects.exists()


def test_the_unit_revises_until_the_bureau_acknowledges(district):
    make_red(district, district.project_s1, district.s1_filler)
    answer(district, district.project_s1, district.s1_filler, Choice.CONTINUE)
    disposition = answer(
        district, district.project_s1, district.s1_leader, Choice.CANCEL, reason="项目已无必要实施。"
    )
    assert (disposition.choice, disposition.measures, disposition.reason) == (
        Choice.CANCEL,
        "",
        "项目已无必要实施。",
    )
    with pytest.raises(PermissionDenied):
        disposition_acknowledge(disposition=disposition, acting_user=district.counterpart_b)
    with pytest.raises(PermissionDenied):
        disposition_acknowledge(disposition=disposition, acting_user=district.s1_leader)
    disposition_acknowledge(disposition=disposition, acting_user=district.counterpart_a, comment="已收悉")
    with pytest.raises(ValidationError, match="已受理"):
        answer(district, district.project_s1, district.s1_filler, Choice.CONTINUE)
    with pytest.raises(ValidationError, match="已受理"):
        disposition_acknowledge(disposition=disposition, acting_user=district.supervision_staff)
    actions = list(
        DispositionTransition.objects.filter(subject=disposition).values_list("action", "to_state")
    )
    assert actions == [
        ("disposition.answer", "answered"),
        ("disposition.revise", "answered"),
        ("disposition.acknowledge", "acknowledged"),
    ]
    assert AuditRecord.objects.filter(action__startswith="disposition.").count() == 3


@pytest.mark.parametrize("username", ["supervision_staff", "bureau_leader"])
def test_the_district_roles_acknowledge_any_units_answer(district, username):
    make_red(district, district.project_town, district.town_filler)
    disposition = answer(district, district.project_town, district.town_filler, Choice.CONTINUE)
    acknowledged = disposition_acknowledge(disposition=disposition, acting_user=district.users[username])
    assert acknowledged.state == DispositionState.ACKNOWLEDGED


def test_an_unchanged_answer_writes_nothing_new(district):
    make_red(district, district.project_s1, district.s1_filler)
    answer(district, district.project_s1, district.s1_filler, Choice.CONTINUE)
    answer(district, district.project_s1, district.s1_filler, Choice.CONTINUE)
    assert DispositionTransition.objects.count() == 1


def test_a_closed_cycle_takes_no_answer(district):
    make_red(district, district.project_s1, district.s1_filler)
    cycle_update(cycle=district.cycle, values={"status": CycleStatus.CLOSED}, acting_user=None)
    district.cycle.refresh_from_db()
    with pytest.raises(ValidationError, match="已结束"):
        answer(district, district.project_s1, district.s1_filler, Choice.CONTINUE)
