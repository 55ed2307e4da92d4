"""Reminders of rectification items of every other source (by their own 整改时限) and of red-warning
dispositions (by their due date in working days): who is told, when, once a day, and when it stops."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from jixiao.dispositions.models import Choice
from jixiao.dispositions.tests.helpers import answer, make_red, today_is
from jixiao.notifications.models import Notification
from jixiao.organisations.models import Role
from jixiao.rectification.models import RectificationSource
from jixiao.rectification.services import item_open, rectification_respond, rectification_send_back
from jixiao.reminders.models import ReminderLog
from jixiao.reminders.services import working_day_offsets
from jixiao.testing import unit_leader
from jixiao.workdays.selectors import WorkCalendar

pytestmark = pytest.mark.django_db

OPENED = date(2026, 9, 1)
ITEM_DUE = date(2026, 9, 20)
RED_DAY = date(2026, 9, 1)  # a Tuesday: 10 working days later is 9-15
DISPOSITION_DUE = date(2026, 9, 15)
DUE = date(2026, 9, 16)  # a Wednesday


@pytest.mark.parametrize(
    ("today", "rest", "expected"),
    [
        (date(2026, 9, 4), (), None),  # Friday: 8 working days left
        (date(2026, 9, 5), (), None),  # Saturday: 7 left, but not a working day
        (date(2026, 9, 7), (), "7"),
        (date(2026, 9, 8), (), None),
        (date(2026, 9, 11), (), "3"),
        (date(2026, 9, 13), (), None),  # Sunday: still 3 left
        (date(2026, 9, 14), (), None),
        (date(2026, 9, 15), (), "1"),
        (DUE, (), None),
        (date(2026, 9, 17), (), "overdue"),
        (date(2026, 9, 19), (), "overdue"),
        (date(2026, 9, 11), (date(2026, 9, 14),), None),  # a bureau rest day: only 2 left
        (date(2026, 9, 10), (date(2026, 9, 14),), "3"),
    ],
)
def test_working_day_offsets(today, rest, expected):
    calendar = WorkCalendar(rest=frozenset(rest), work=frozenset())
    assert working_day_offsets(DUE, today, calendar) == expected


def run(day: str) -> str:
    out = StringIO()
    call_command("send_reminders", "--date", day, stdout=out)
    return out.getvalue()


def messages_of(user, text: str) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, message__contains=text)
        .order_by("id")
        .values_list("message", flat=True)
    )


@pytest.fixture
def items(district, monkeypatch):
    """A 监督检查 finding for the town, 区教育局's requirement and 第一中学's own finding (no cycle)."""
    opened = {}
    with today_is(monkeypatch, OPENED):
        for name, actor, kind, unit, cycle in (
            (
                "oversight",
                district.supervision_staff,
                RectificationSource.OVERSIGHT,
                district.town,
                district.cycle,
            ),
            ("parent", district.p1_leader, RectificationSource.PARENT, district.s1, district.cycle),
            ("self", district.s1_filler, RectificationSource.SELF, district.s1, None),
        ):
            opened[name] = item_open(
                actor=actor,
                kind=kind,
                organisation=unit,
                cycle=cycle,
                problem=f"{name}问题：资金支付凭证不全",
                requirement="补齐凭证",
                due_date=ITEM_DUE,
                source_label=f"{name}检查",
            )
    return opened


def test_every_other_source_is_reminded_by_its_own_due_date(district, items):
    out = run("2026-09-13")
    assert messages_of(district.town_filler, "整改事项") == [
        "提醒：东镇的整改事项“oversight问题：资金支付凭证不全”（监督检查发现：oversight检查）尚未报送整改落实情况"
        "（截止 2026-09-20，还剩 7 天）"
    ]
    s1_messages = messages_of(district.s1_leader, "整改事项")
    assert len(s1_messages) == 2 and "主管部门要求" in s1_messages[0] and "单位自查发现" in s1_messages[1]
    assert messages_of(district.s1_filler, "整改事项") == s1_messages
    assert Notification.objects.filter(
        recipient=district.town_filler, message__contains="整改事项"
    ).get().url == (f"/rectification/items/{items['oversight'].pk}/")
    assert not Notification.objects.filter(
        recipient=district.p1_leader, message__contains="整改事项"
    ).exists()
    assert "其他来源整改事项：5 条" in out


def test_item_reminders_come_once_a_day_and_every_day_while_overdue(district, items):
    for day in (
        "2026-09-14",
        "2026-09-17",
        "2026-09-17",
        "2026-09-19",
        "2026-09-21",
        "2026-09-21",
        "2026-09-22",
    ):
        run(day)
    assert [m.rsplit("，", 1)[-1] for m in messages_of(district.town_filler, "整改事项")] == [
        "还剩 3 天）",
        "还剩 1 天）",
        "已逾期 1 天）",
        "已逾期 2 天）",
    ]
    keys = set(
        ReminderLog.objects.filter(recipient=district.town_filler, key__startswith="item:").values_list(
            "key", flat=True
        )
    )
    item = f"item:{items['oversight'].pk}:2026-09-20"
    assert keys == {f"{item}-3", f"{item}-1", f"{item}-overdue"}


def test_an_answered_item_is_no_longer_reminded_until_it_is_sent_back(district, items, monkeypatch):
    with today_is(monkeypatch, date(2026, 9, 10)):
        for name in ("parent", "self"):
            rectification_respond(
                item=items[name],
                response="已补齐凭证",
                completed_on=date(2026, 9, 10),
                no_evidence_reason="凭证已装订成册",
                acting_user=district.s1_filler,
            )
    run("2026-09-13")
    assert messages_of(district.s1_leader, "整改事项") == []
    assert len(messages_of(district.town_filler, "整改事项")) == 1
    rectification_send_back(item=items["self"], comment="凭证仍不全", acting_user=district.s1_leader)
    run("2026-09-17")
    assert len(messages_of(district.s1_leader, "整改事项")) == 1
    assert "单位自查发现" in messages_of(district.s1_leader, "整改事项")[0]


def test_a_classified_units_own_items_are_not_reminded(district, monkeypatch):
    with today_is(monkeypatch, OPENED):
        item_open(
            actor=district.sc_filler,
            kind=RectificationSource.SELF,
            organisation=district.sc,
            problem="涉密问题",
            requirement="整改",
            due_date=ITEM_DUE,
        )
    run("2026-09-13")
    assert not Notification.objects.filter(recipient=district.sc_filler).exists()


@pytest.fixture
def red(district, make_project, make_user, monkeypatch):
    """第一中学 red on two projects, 东镇 red on one; 第二中学 red but answered in time."""
    second = make_project(district.s1, code="2026-S1-02")
    s2_filler = make_user(district.s2, Role.FILLER, username="s2_filler")
    with today_is(monkeypatch, RED_DAY):
        for project, user in (
            (district.project_s1, district.s1_filler),
            (second, district.s1_filler),
            (district.project_town, district.town_filler),
            (district.project_s2, s2_filler),
            (district.project_sc, district.sc_filler),
        ):
            make_red(district, project, user)
        answer(district, district.project_s2, s2_filler, Choice.CONTINUE)
    return s2_filler


def test_unanswered_red_projects_are_reminded_in_working_days_per_unit(district, red):
    out = run("2026-09-04")
    assert messages_of(district.s1_leader, "红色预警") == [
        "提醒：第一中学有 2 个红色预警项目尚未答复处置意见（截止 2026-09-15，还剩 7 个工作日）"
    ]
    assert messages_of(district.town_filler, "红色预警") == [
        "提醒：东镇有 1 个红色预警项目尚未答复处置意见（截止 2026-09-15，还剩 7 个工作日）"
    ]
    assert Notification.objects.filter(message__contains="红色预警").first().url == (
        f"/dispositions/cycles/{district.cycle.pk}/"
    )
    assert not Notification.objects.filter(recipient__in=[red, district.sc_filler]).exists()
    assert "红色预警处置：" in out


def test_disposition_reminders_follow_the_working_days_then_every_day_overdue(district, red):
    for day in ("2026-09-05", "2026-09-06", "2026-09-10", "2026-09-13", "2026-09-14", "2026-09-15"):
        run(day)
    for day in ("2026-09-16", "2026-09-16", "2026-09-17"):
        run(day)
    assert [m.rsplit("，", 1)[-1] for m in messages_of(district.town_filler, "红色预警")] == [
        "还剩 3 个工作日）",
        "还剩 1 个工作日）",
        "已逾期 1 个工作日）",
        "已逾期 2 个工作日）",
    ]


def test_answering_stops_the_reminders(district, red):
    run("2026-09-10")
    answer(district, district.project_town, district.town_filler, Choice.CANCEL)
    run("2026-09-16")
    assert len(messages_of(district.town_filler, "红色预警")) == 1
    assert len(messages_of(unit_leader(district.s1), "红色预警")) == 2
