"""Working days: the national calendar (`chinese_calendar`: holidays and 调休 Saturdays) with the bureau's
own days on top. Pure functions, tested line by line.

`chinese_calendar` knows the State Council's calendar only for the years it ships with; outside them a
day counts as a working day when it is Monday to Friday (`is_covered` tells pages to say so).
"""

from collections.abc import Collection
from datetime import date, timedelta

import chinese_calendar

NO_DAYS: frozenset[date] = frozenset()


def is_covered(day: date) -> bool:
    """The national calendar is known for this day's year."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def _nationally_working(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def is_working_day(day: date, *, rest: Collection[date] = NO_DAYS, work: Collection[date] = NO_DAYS) -> bool:
    """A bureau rest day (`rest`) is never worked, a bureau working day (`work`) always is; otherwise the
    national calendar decides."""
    if day in rest:
        return False
    if day in work:
        return True
    return _nationally_working(day)


def add_working_days(
    day: date, count: int, *, rest: Collection[date] = NO_DAYS, work: Collection[date] = NO_DAYS
) -> date:
    """The `count`-th working day after `day` (`day` itself is not counted; 0 gives `day`)."""
    current = day
    remaining = count
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current, rest=rest, work=work):
            remaining -= 1
    return current


def working_days_between(
    start: date, end: date, *, rest: Collection[date] = NO_DAYS, work: Collection[date] = NO_DAYS
) -> int:
    """Working days after `start` up to and including `end`; negative (the days of (end, start]) when `end`
    is earlier. From today to a due date this is the days left; 0 when the due date is today."""
    if end < start:
        return -working_days_between(end, start, rest=rest, work=work)
    return sum(
        is_working_day(start + timedelta(days=offset), rest=rest, work=work)
        for offset in range(1, (end - start).days + 1)
    )


def latest_start_for(
    deadline_before: date, count: int, *, rest: Collection[date] = NO_DAYS, work: Collection[date] = NO_DAYS
) -> date:
    """The latest start day whose `count`-th working day falls before `deadline_before`.

    `add_working_days` never decreases as the start moves later, so "started on or before this day" is the
    same as "due before `deadline_before`" — a date a query can compare against.
    """
    if count <= 0:
        return deadline_before - timedelta(days=1)
    # The due date of a start day d is after d; walk back from the last working day before the deadline.
    last_due = deadline_before - timedelta(days=1)
    while not is_working_day(last_due, rest=rest, work=work):
        last_due -= timedelta(days=1)
    start = last_due - timedelta(days=1)
    while add_working_days(start, count, rest=rest, work=work) > last_due:
        start -= timedelta(days=1)
    return start
