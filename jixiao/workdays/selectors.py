"""The working-day calendar as stored: the national calendar and the bureau's own days, read once."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from jixiao.workdays import rules
from jixiao.workdays.models import BureauDay, DayKind


def bureau_day_list() -> QuerySet[BureauDay]:
    """The bureau's days; they concern no unit, so everyone who may open the page sees them all."""
    return BureauDay.objects.select_related("created_by").order_by("-day")


@dataclass(frozen=True)
class WorkCalendar:
    """`rules` bound to the bureau's days, so that a page computes every deadline from one read."""

    rest: frozenset[date]
    work: frozenset[date]

    def is_working_day(self, day: date) -> bool:
        return rules.is_working_day(day, rest=self.rest, work=self.work)

    def add_working_days(self, day: date, count: int) -> date:
        return rules.add_working_days(day, count, rest=self.rest, work=self.work)

    def working_days_between(self, start: date, end: date) -> int:
        return rules.working_days_between(start, end, rest=self.rest, work=self.work)

    def latest_start_for(self, deadline_before: date, count: int) -> date:
        return rules.latest_start_for(deadline_before, count, rest=self.rest, work=self.work)

    @staticmethod
    def is_covered(day: date) -> bool:
        return rules.is_covered(day)


def work_calendar() -> WorkCalendar:
    rows = list(BureauDay.objects.values_list("day", "kind"))
    return WorkCalendar(
        rest=frozenset(day for day, kind in rows if kind == DayKind.REST),
        work=frozenset(day for day, kind in rows if kind == DayKind.WORK),
    )
