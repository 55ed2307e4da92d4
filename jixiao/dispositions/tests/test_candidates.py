"""资金处理建议清单, case by case: why each project is listed (red; disposition overdue, late, 调剂, 取消;
rectification overdue past the cycle's 11-30), the filters, and who sees which units."""

from datetime import date, timedelta

import pytest

from jixiao.dispositions.models import Choice
from jixiao.dispositions.selectors import describe, funding_candidates, red_projects
from jixiao.dispositions.tests.helpers import answer, make_red, pay_on_schedule, save_report, today_is
from jixiao.organisations.models import Role
from jixiao.rectification.models import RectificationItem, RectificationSource
from jixiao.rectification.services import item_open, rectification_respond, rectification_verify
from jixiao.workdays.selectors import work_calendar

pytestmark = pytest.mark.django_db

RED_DAY = date(2026, 9, 1)  # a Tuesday: 10 working days later is 9-15
IN_TIME, PAST_DUE, AFTER_REPORT_DATE = date(2026, 9, 10), date(2026, 9, 16), date(2026, 12, 1)


def listed(user, cycle, today, **filters) -> dict[str, list[str]]:
    calendar = work_calendar()
    rows = funding_candidates(user=user, cycle=cycle, today=today, calendar=calendar, **filters)
    return {
        project.code: [
            label for _kind, label in describe(project, cycle=cycle, today=today, calendar=calendar).reasons
        ]
        for project in rows
    }


def self_found_item(filler, project, *, due: date, verified_by=None) -> RectificationItem:
    """A problem the unit found itself about `project`, opened a month before it is due; answered and
    verified by the unit's leader `verified_by` when given."""
    with pytest.MonkeyPatch.context() as monkeypatch, today_is(monkeypatch, due - timedelta(days=30)):
        item = item_open(
            actor=filler,
            kind=RectificationSource.SELF,
            organisation=project.owner,
            project=project,
            problem="支付进度滞后",
            requirement="加快支付",
            due_date=due,
        )
        if verified_by is not None:
            rectification_respond(
                item=item,
                response="已完成支付",
                completed_on=due - timedelta(days=30),
                acting_user=filler,
                no_evidence_reason="无",
            )
            rectification_verify(item=item, acting_user=verified_by)
    return item


@pytest.fixture
def fillers(district, make_user):
    users = {"s1": district.s1_filler, "town": district.town_filler}
    for unit in ("s2", "p2", "s3", "p1", "sc"):
        users[unit] = make_user(getattr(district, unit), Role.FILLER)
    return users


@pytest.fixture
def round_(district, fillers, monkeypatch):
    """s1 red, unanswered; s2 red, continues; town red, 调剂; p2 取消 then no longer red; s3 not red with
    an overdue rectification item; p1 not red; sc (classified) red."""
    p = district.projects
    with today_is(monkeypatch, RED_DAY):
        for unit in ("s1", "s2", "town", "p2", "sc"):
            make_red(district, p[unit], fillers[unit])
        for unit in ("s3", "p1"):
            pay_on_schedule(p[unit])
            save_report(district, p[unit], fillers[unit], likelihood="certain")
    with today_is(monkeypatch, date(2026, 9, 8)):
        answer(district, p["s2"], fillers["s2"], Choice.CONTINUE)
        answer(district, p["town"], fillers["town"], Choice.REALLOCATE)
        answer(district, p["p2"], fillers["p2"], Choice.CANCEL)
    pay_on_schedule(p["p2"])
    save_report(district, p["p2"], fillers["p2"], likelihood="certain", revision=1)
    self_found_item(fillers["s3"], p["s3"], due=date(2026, 11, 20))
    self_found_item(fillers["p1"], p["p1"], due=date(2026, 11, 20), verified_by=district.p1_leader)
    return p


def codes(district, *units):
    return {district.projects[u].code for u in units}


def test_every_reason_before_the_due_date(district, round_):
    assert listed(district.bureau_leader, district.cycle, IN_TIME) == {
        round_["town"].code: ["红色预警", "申请调剂"],
        round_["s1"].code: ["红色预警"],
        round_["s2"].code: ["红色预警"],
        round_["p2"].code: ["申请取消"],  # no longer red: the request keeps it listed
    }


def test_an_unanswered_red_project_is_overdue_after_its_working_days(district, round_):
    rows = listed(district.bureau_leader, district.cycle, PAST_DUE)
    assert rows[round_["s1"].code] == ["红色预警", "处置逾期未答复"]
    assert rows[round_["s2"].code] == ["红色预警"]  # answered in time


def test_on_the_due_date_itself_it_is_not_overdue_yet(district, round_):
    assert listed(district.bureau_leader, district.cycle, date(2026, 9, 15))[round_["s1"].code] == [
        "红色预警"
    ]


def test_a_late_answer_stays_overdue(district, round_, fillers, monkeypatch):
    with today_is(monkeypatch, PAST_DUE):
        answer(district, round_["s1"], fillers["s1"], Choice.CONTINUE)
    assert listed(district.bureau_leader, district.cycle, PAST_DUE)[round_["s1"].code] == [
        "红色预警",
        "处置逾期答复",
    ]


def test_rectification_overdue_counts_only_after_the_cycles_report_date(district, round_):
    assert round_["s3"].code not in listed(district.bureau_leader, district.cycle, date(2026, 11, 30))
    rows = listed(district.bureau_leader, district.cycle, AFTER_REPORT_DATE)
    assert rows[round_["s3"].code] == ["整改逾期未销号"]
    assert round_["p1"].code not in rows  # its item is verified


@pytest.mark.parametrize(
    ("reason", "units"),
    [
        ("red", ["s1", "s2", "town"]),
        ("overdue", ["s1"]),
        ("reallocate", ["town"]),
        ("cancel", ["p2"]),
        ("rectification", ["s3"]),
    ],
)
def test_the_reason_filter(district, round_, reason, units):
    rows = listed(district.bureau_leader, district.cycle, AFTER_REPORT_DATE, reason=reason)
    assert set(rows) == codes(district, *units)


def test_the_text_filter_finds_project_or_unit(district, round_):
    assert set(listed(district.bureau_leader, district.cycle, IN_TIME, text="东镇")) == codes(
        district, "town"
    )
    assert set(listed(district.bureau_leader, district.cycle, IN_TIME, text=round_["s1"].code)) == codes(
        district, "s1"
    )


@pytest.mark.parametrize(
    ("username", "units"),
    [
        ("bureau_leader", ["s1", "s2", "town", "p2", "s3"]),
        ("supervision_staff", ["s1", "s2", "town", "p2", "s3"]),
        ("counterpart_a", ["s1", "s2", "town"]),
        ("counterpart_b", ["p2", "s3"]),
    ],
)
def test_each_section_sees_its_units_and_nobody_sees_a_classified_one(district, round_, username, units):
    assert set(listed(district.users[username], district.cycle, AFTER_REPORT_DATE)) == codes(district, *units)


def test_the_units_red_list_is_its_own(district, round_, fillers):
    mine = red_projects(user=district.s1_filler, cycle=district.cycle)
    assert {p.code for p in mine} == codes(district, "s1")
    whole = red_projects(user=district.bureau_leader, cycle=district.cycle)
    assert {p.code for p in whole} == codes(district, "s1", "s2", "town", "p2")


def test_days_left_are_working_days(district, round_):
    project = red_projects(user=district.s1_filler, cycle=district.cycle).get()
    row = describe(project, cycle=district.cycle, today=date(2026, 9, 11), calendar=work_calendar())
    assert (row.due_date, row.days_left, row.overdue) == (date(2026, 9, 15), 2, False)  # 9-14 and 9-15
    row = describe(
        project, cycle=district.cycle, today=date(2026, 9, 15) + timedelta(days=1), calendar=work_calendar()
    )
    assert row.overdue
