"""Working days, line by line: the national calendar of 2026 (Spring Festival and its 调休 Saturdays), the
bureau's own days over it, and the Monday–Friday fallback for a year the calendar does not know yet."""

from datetime import date, timedelta

import pytest

from jixiao.workdays.rules import (
    add_working_days,
    is_covered,
    is_working_day,
    latest_start_for,
    working_days_between,
)

SPRING_FESTIVAL_2026 = [date(2026, 2, 15) + timedelta(days=n) for n in range(9)]  # 2-15 … 2-23


def test_an_ordinary_week():
    assert is_working_day(date(2026, 3, 2))  # Monday
    assert is_working_day(date(2026, 3, 6))  # Friday
    assert not is_working_day(date(2026, 3, 7))  # Saturday
    assert not is_working_day(date(2026, 3, 8))  # Sunday


@pytest.mark.parametrize("day", SPRING_FESTIVAL_2026)
def test_every_day_of_the_spring_festival_is_off(day):
    assert not is_working_day(day)


@pytest.mark.parametrize("saturday", [date(2026, 2, 14), date(2026, 2, 28)])
def test_the_tiaoxiu_saturdays_are_worked(saturday):
    assert saturday.weekday() == 5
    assert is_working_day(saturday)


def test_a_bureau_rest_day_is_off_and_a_bureau_working_day_is_worked():
    monday, sunday = date(2026, 3, 2), date(2026, 3, 8)
    assert not is_working_day(monday, rest={monday})
    assert is_working_day(sunday, work={sunday})
    assert is_working_day(monday, rest={sunday})  # another day's setting changes nothing


def test_ten_working_days_across_the_spring_festival():
    # From Friday 2-13: 2-14 (调休) is the 1st, 2-24…2-27 the 2nd–5th, 2-28 (调休) the 6th, 3-2…3-5 the rest.
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert add_working_days(date(2026, 2, 13), 6) == date(2026, 2, 28)
    assert add_working_days(date(2026, 2, 13), 10) == date(2026, 3, 5)


def test_a_bureau_rest_day_moves_the_deadline_one_working_day():
    assert add_working_days(date(2026, 2, 13), 10, rest={date(2026, 3, 4)}) == date(2026, 3, 6)


def test_zero_working_days_is_the_day_itself():
    assert add_working_days(date(2026, 2, 15), 0) == date(2026, 2, 15)


def test_days_between_count_after_the_start_up_to_the_end():
    assert working_days_between(date(2026, 2, 13), date(2026, 3, 5)) == 10
    assert working_days_between(date(2026, 3, 5), date(2026, 3, 5)) == 0
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1  # over a weekend
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 5)) == -2  # 3-6 and 3-9 late


def test_the_calendar_covers_2026_and_falls_back_to_weekdays_after_it():
    assert is_covered(date(2026, 12, 31))
    assert not is_covered(date(2027, 1, 4))
    assert is_working_day(date(2027, 1, 1))  # a Friday: the holiday is not known yet
    assert not is_working_day(date(2027, 1, 2))  # Saturday
    assert add_working_days(date(2026, 12, 31), 2) == date(2027, 1, 4)


@pytest.mark.parametrize("count", [1, 3, 10])
def test_latest_start_is_the_last_day_due_before_the_deadline(count):
    rest = {date(2026, 3, 4)}
    for offset in range(60):
        deadline = date(2026, 2, 1) + timedelta(days=offset)
        start = latest_start_for(deadline, count, rest=rest)
        assert add_working_days(start, count, rest=rest) < deadline
        assert add_working_days(start + timedelta(days=1), count, rest=rest) >= deadline
