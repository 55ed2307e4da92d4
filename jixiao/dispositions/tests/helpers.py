"""Building red projects and dispositions through the services, on a chosen day."""

from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from django.utils import timezone

from jixiao.dispositions.models import Choice
from jixiao.dispositions.services import disposition_answer
from jixiao.monitoring.models import AnalysisReport
from jixiao.monitoring.services import report_save
from jixiao.projects.models import ProjectMonth

TEXT = {Choice.CONTINUE: {"measures": "加快支付，九月底前完成采购。"}}


@contextmanager
def today_is(monkeypatch, day: date):
    """`timezone.localdate()` answers `day` (a date given to it explicitly is still converted)."""
    real = timezone.localdate

    def fake(value=None, timezone=None):
        return day if value is None else real(value, timezone)

    with monkeypatch.context() as patch:
        patch.setattr("django.utils.timezone.localdate", fake)
        yield


def pay_on_schedule(project) -> None:
    """Payments in step with time progress (the treasury load's row), so that only indicators can turn
    the project red."""
    ProjectMonth.objects.create(project=project, month=6, paid_fiscal=Decimal("700000.00"))


def save_report(district, project, user, *, likelihood: str, revision: int = 0) -> AnalysisReport:
    """附件1 of `project` whose 培训人数 is judged `likelihood`: impossible → red; a project paid on
    schedule and judged `certain` is not red."""
    ids = {i.name: i.pk for i in project.current_target.indicators.all()}
    return report_save(
        project=project,
        cycle=district.cycle,
        values={},
        entries={ids["培训人数"]: {"likelihood": likelihood}},
        expected_revision=revision,
        acting_user=user,
    )


def make_red(district, project, user) -> AnalysisReport:
    return save_report(district, project, user, likelihood="impossible")


def answer(district, project, user, choice, **text):
    values = text or TEXT.get(choice, {"reason": "项目实施条件发生变化，申请调整资金用途。"})
    return disposition_answer(
        project=project, cycle=district.cycle, choice=choice, acting_user=user, **values
    )
