"""Reminders of the calendar: the offsets line by line, who is reminded of what at each step, once a day
however often the command runs, the package's extended due date, classified units left out, and emails."""

import smtplib
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.utils import timezone

from jixiao.monitoring.models import CycleStatus
from jixiao.notifications.models import Notification
from jixiao.notifications.services import people_of
from jixiao.organisations.models import Role
from jixiao.rectification.models import RectificationState
from jixiao.rectification.services import rectification_respond, rectification_send_back, rectification_verify
from jixiao.reminders.models import ReminderLog
from jixiao.reminders.services import reminder_offsets
from jixiao.review.models import Feedback
from jixiao.review.services import feedback_issue, opinion_create, opinions_send
from jixiao.testing import (
    bureau_package_sent,
    feedback_approved,
    feedback_issued,
    package_accepted,
    package_returned,
    package_submitted,
    rectification_items,
    unit_leader,
)
from jixiao.workflow.services import submission_extend, submission_for

pytestmark = pytest.mark.django_db

DUE = date(2026, 9, 10)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (DUE - timedelta(days=30), None),
        (DUE - timedelta(days=8), None),
        (DUE - timedelta(days=7), "7"),
        (DUE - timedelta(days=6), None),
        (DUE - timedelta(days=5), None),
        (DUE - timedelta(days=4), None),
        (DUE - timedelta(days=3), "3"),
        (DUE - timedelta(days=2), None),
        (DUE - timedelta(days=1), "1"),
        (DUE, None),
        (DUE + timedelta(days=1), "overdue"),
        (DUE + timedelta(days=2), "overdue"),
        (DUE + timedelta(days=100), "overdue"),
    ],
)
def test_reminder_offsets(today, expected):
    assert reminder_offsets(DUE, today) == expected


@pytest.fixture(autouse=True)
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def people(district):
    """Everyone in the district has an email address except the town's filler."""
    for user in district.users.values():
        user.email = "" if user.username == "town_filler" else f"{user.username}@example.cn"
        user.save(update_fields=["email"])
    return district


def run(day: str) -> str:
    out = StringIO()
    call_command("send_reminders", "--date", day, stdout=out)
    return out.getvalue()


def messages_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("message", flat=True))


def recipients() -> set[str]:
    return set(Notification.objects.values_list("recipient__username", flat=True))


def answer(item):
    return rectification_respond(
        item=item,
        response="已整改",
        completed_on=timezone.localdate(),
        no_evidence_reason="制度修订，无纸质材料",
        acting_user=unit_leader(item.organisation),
    )


def issue(district, unit, states=(RectificationState.OPEN,)) -> Feedback:
    """附件2 issued to the unit through the services, its items brought to `states` by the unit and its
    counterpart section."""
    feedback = feedback_issued(district, unit, items=len(states))
    counterpart = people_of(unit.counterpart_section_id, {Role.COUNTERPART_STAFF})[0]
    for item, state in zip(rectification_items(feedback), states, strict=True):
        if state == RectificationState.OPEN:
            continue
        answer(item)
        if state == RectificationState.SENT_BACK:
            rectification_send_back(item=item, comment="凭证不全", acting_user=counterpart)
        elif state == RectificationState.VERIFIED:
            rectification_verify(item=item, acting_user=counterpart)
    return feedback


# ---------------------------------------------------------------------------------------------------
# Steps 1 and 2: packages


def test_second_level_units_are_reminded_seven_days_before(people):
    out = run("2026-09-03")
    assert recipients() == {"s1_filler", "s1_leader"}
    assert messages_of(people.s1_filler) == [
        "提醒：第一中学的监控材料尚未报送区教育局（截止 2026-09-10，还剩 7 天）"
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["s1_filler@example.cn", "s1_leader@example.cn"]
    assert "发送提醒 2 条" in out and "第1步 二级预算单位报送一级预算单位：2 条" in out


def test_running_twice_on_the_same_day_sends_each_reminder_once(people):
    first = run("2026-09-03")
    notifications, emails, logs = Notification.objects.count(), len(mail.outbox), ReminderLog.objects.count()
    second = run("2026-09-03")
    assert (Notification.objects.count(), len(mail.outbox), ReminderLog.objects.count()) == (
        notifications,
        emails,
        logs,
    )
    assert notifications == logs == 2
    assert "发送提醒 2 条" in first
    assert "发送提醒 0 条" in second and "跳过 2 条" in second


def test_days_between_the_offsets_send_nothing(people):
    for day in ("2026-08-01", "2026-09-02", "2026-09-04", "2026-09-06", "2026-09-08", "2026-09-10"):
        run(day)
    assert not Notification.objects.filter(recipient=people.s1_filler).exists()


def test_three_and_one_day_before_then_every_day_while_overdue(people):
    for day in ("2026-09-07", "2026-09-09", "2026-09-11", "2026-09-11", "2026-09-12"):
        run(day)
    assert messages_of(people.s1_leader) == [
        "提醒：第一中学的监控材料尚未报送区教育局（截止 2026-09-10，还剩 3 天）",
        "提醒：第一中学的监控材料尚未报送区教育局（截止 2026-09-10，还剩 1 天）",
        "提醒：第一中学的监控材料尚未报送区教育局（截止 2026-09-10，已逾期 1 天）",
        "提醒：第一中学的监控材料尚未报送区教育局（截止 2026-09-10，已逾期 2 天）",
    ]
    keys = set(ReminderLog.objects.filter(recipient=people.s1_leader).values_list("key", flat=True))
    s1 = f"step1:{people.cycle.pk}:{people.s1.pk}:2026-09-10"
    assert keys == {f"{s1}-3", f"{s1}-1", f"{s1}-overdue"}


def test_sent_packages_are_not_reminded_and_returned_ones_are(people, make_user):
    s2_leader = make_user(people.s2, Role.UNIT_LEADER, username="s2_leader")
    package_submitted(people, people.s1, late_days=None)
    package_returned(package_submitted(people, people.s2, late_days=None), "请补充书面说明")
    run("2026-09-09")
    assert recipients() == {"s2_leader"}
    assert messages_of(s2_leader) == [
        "提醒：第二中学被退回补正的监控材料尚未重新报送区教育局（截止 2026-09-10，还剩 1 天）"
    ]
    package_accepted(people, people.s3, late_days=None)
    run("2026-09-11")
    assert recipients() == {"s2_leader"}


def test_an_extension_on_the_package_moves_the_reminders(people, make_user):
    s2_leader = make_user(people.s2, Role.UNIT_LEADER, username="s2_leader")
    submission_extend(
        submission=submission_for(organisation=people.s2, cycle=people.cycle),
        due_date=date(2026, 9, 20),
        reason="人员变动，经批准延期",
        acting_user=people.counterpart_a,
    )
    run("2026-09-03")
    assert recipients() == {"s1_filler", "s1_leader"}
    run("2026-09-13")
    assert messages_of(s2_leader) == [
        "提醒：第二中学的监控材料尚未报送区教育局（截止 2026-09-20，还剩 7 天）"
    ]
    assert "已逾期 3 天" in messages_of(people.s1_filler)[-1]


def test_classified_units_are_never_reminded(people):
    for day in ("2026-09-03", "2026-09-09", "2026-09-11", "2026-09-12", "2026-12-01"):
        run(day)
    assert not Notification.objects.filter(recipient=people.sc_filler).exists()
    assert not ReminderLog.objects.filter(key__contains=f":{people.sc.pk}:").exists()


def test_towns_and_first_level_units_are_reminded_of_step_two(people):
    run("2026-09-12")
    assert messages_of(people.town_filler) == [
        "提醒：东镇的监控材料尚未报送区财政局（截止 2026-09-15，还剩 3 天）"
    ]
    assert messages_of(people.p1_leader) == [
        "提醒：区教育局的监控材料尚未报送区财政局（截止 2026-09-15，还剩 3 天）"
    ]
    assert "town_filler@example.cn" not in {m.to[0] for m in mail.outbox}, "no address, no email"
    assert "p1_leader@example.cn" in {m.to[0] for m in mail.outbox}


# ---------------------------------------------------------------------------------------------------
# Steps 3 and 4: the bureau


def test_supervision_is_reminded_until_its_opinions_are_sent(people):
    run("2026-09-23")
    assert messages_of(people.supervision_staff) == [
        "提醒：2026年1—8月预算绩效运行监控的重点审核意见尚未全部反馈对口服务股室（截止 2026-09-30，还剩 7 天）"
    ]
    assert (
        Notification.objects.get(recipient=people.supervision_staff).url
        == f"/review/{people.cycle.pk}/supervision/"
    )
    bureau_package_sent(people, people.town, late_days=None)
    opinion_create(
        cycle=people.cycle,
        unit=people.town,
        project=None,
        problem="指标值偏低",
        requirement="重新测算指标值",
        acting_user=people.supervision_staff,
    )
    run("2026-09-27")
    assert len(messages_of(people.supervision_staff)) == 2, "written but not sent"
    opinions_send(cycle=people.cycle, unit=people.town, acting_user=people.supervision_staff)
    run("2026-09-29")
    run("2026-10-01")
    assert len(messages_of(people.supervision_staff)) == 2


def test_each_section_is_reminded_of_its_units_feedback_not_issued(people):
    run("2026-10-13")
    assert messages_of(people.counterpart_a) == [
        "提醒：预算股A对口的 2 个单位的综合意见反馈表（附件2）尚未下达（截止 2026-10-20，还剩 7 天）"
    ]
    assert messages_of(people.counterpart_b) == [
        "提醒：经建股B对口的 1 个单位的综合意见反馈表（附件2）尚未下达（截止 2026-10-20，还剩 7 天）"
    ]
    assert Notification.objects.filter(url=f"/review/{people.cycle.pk}/counterpart/").count() == 2
    feedback_issued(people, people.town)
    approved = feedback_approved(people, people.p1)
    run("2026-10-17")
    assert "1 个单位" in messages_of(people.counterpart_a)[-1]
    feedback_issue(feedback=approved, acting_user=people.counterpart_a)
    run("2026-10-19")
    assert len(messages_of(people.counterpart_a)) == 2


# ---------------------------------------------------------------------------------------------------
# Steps 5 and 6: rectification


def test_units_are_reminded_of_items_not_answered(people):
    feedback = issue(
        people,
        people.town,
        (RectificationState.OPEN, RectificationState.SENT_BACK, RectificationState.RESPONDED),
    )
    run("2026-11-29")
    assert messages_of(people.town_filler) == [
        "提醒：东镇尚有 2 项整改事项未报送整改落实情况（截止 2026-11-30，还剩 1 天）"
    ]
    assert (
        f"/rectification/feedback/{feedback.pk}/"
        in Notification.objects.get(recipient=people.town_filler).url
    )
    town_people = [people.town_filler, unit_leader(people.town)]
    assert not ReminderLog.objects.filter(key__startswith="step5").exclude(recipient__in=town_people).exists()
    for item in rectification_items(feedback):
        if item.state != RectificationState.RESPONDED:
            answer(item)
    run("2026-12-01")
    assert len(messages_of(people.town_filler)) == 1


def test_by_the_completion_date_units_and_verifiers_are_reminded(people):
    issue(people, people.town, (RectificationState.OPEN,))
    issue(people, people.p1, (RectificationState.RESPONDED, RectificationState.RESPONDED))
    issue(people, people.p2, (RectificationState.VERIFIED,))
    run("2026-12-28")
    assert (
        "提醒：东镇尚有 1 项整改事项未完成整改，原则上应在当年内完成（第十三条）（截止 2026-12-31，还剩 3 天）"
        in messages_of(people.town_filler)
    )
    assert messages_of(people.counterpart_a) == [
        "提醒：预算股A对口单位尚有 2 项整改落实情况待核查销号（截止 2026-12-31，还剩 3 天）"
    ]
    assert not Notification.objects.filter(
        recipient__in=[people.p1_leader, people.counterpart_b], message__contains="整改"
    ).exists()


# ---------------------------------------------------------------------------------------------------
# Email, closed cycles, the command


def test_each_reminder_is_also_an_email(people):
    run("2026-09-03")
    email = next(m for m in mail.outbox if m.to == ["s1_leader@example.cn"])
    assert email.subject == "【雁江区预算绩效运行监控】监控材料报送提醒"
    assert "第一中学的监控材料尚未报送区教育局" in email.body and "s1_leader，您好" in email.body
    assert "&" not in email.body


def test_a_failing_address_does_not_stop_the_others_or_the_notifications(people, monkeypatch):
    deliver = EmailBackend.send_messages

    def refuse_one(self, messages):
        if messages[0].to == ["s1_filler@example.cn"]:
            raise smtplib.SMTPRecipientsRefused({"s1_filler@example.cn": (550, b"no such user")})
        return deliver(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_one)
    out = run("2026-09-03")
    assert [m.to for m in mail.outbox] == [["s1_leader@example.cn"]]
    assert recipients() == {"s1_filler", "s1_leader"}
    assert "邮件 1 封，邮件发送失败 1 封" in out


def test_a_closed_cycle_sends_nothing(people):
    people.cycle.status = CycleStatus.CLOSED
    people.cycle.save()
    assert "发送提醒 0 条" in run("2026-09-03")
    assert not Notification.objects.exists() and not mail.outbox


def test_inactive_people_are_not_reminded(people):
    people.s1_leader.is_active = False
    people.s1_leader.save()
    run("2026-09-03")
    assert recipients() == {"s1_filler"}


def test_a_bad_date_is_refused_in_chinese(people):
    with pytest.raises(CommandError, match="格式不对"):
        run("2026/09/03")
