"""The batch recompute of a cycle gives exactly what saving each report gives, and follows thresholds."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from jixiao.audit.models import AuditRecord
from jixiao.jobs.execution import FAILURE_TEXT
from jixiao.jobs.models import Job, JobState
from jixiao.jobs.services import job_retry
from jixiao.monitoring import recompute
from jixiao.monitoring.models import AnalysisReport, ReportWarning
from jixiao.monitoring.recompute import cycle_recompute_warnings
from jixiao.monitoring.services import cycle_update, report_save
from jixiao.notifications.models import Notification
from jixiao.projects.models import ProjectMonth

pytestmark = pytest.mark.django_db


def stored(report_ids):
    rows = ReportWarning.objects.filter(report_id__in=report_ids).values_list(
        "report_id", "indicator_id", "code", "level", "message"
    )
    return sorted(rows, key=lambda row: (row[0], row[1] or 0, row[2]))


def fill(district, project, user, paid, actual):
    ProjectMonth.objects.create(project=project, month=6, paid_fiscal=Decimal(paid))
    ids = {i.name: i.pk for i in project.current_target.indicators.all()}
    return report_save(
        project=project,
        cycle=district.cycle,
        values={"projected_fiscal": Decimal("800000.00")},
        entries={ids["培训人数"]: {"actual_number": Decimal(actual), "likelihood": "possible"}},
        expected_revision=0,
        acting_user=user,
    )


@pytest.fixture
def reports(district, make_user):
    cases = [("s1", "100000.00", "50"), ("s2", "600000.00", "330"), ("p2", "0.00", "700")]
    result = []
    for unit, paid, actual in cases:
        project = district.projects[unit]
        result.append(fill(district, project, make_user(project.owner, "filler"), paid, actual))
    return result


@pytest.mark.parametrize(("flush_every", "fetch_size"), [(1, 1), (2, 3), (1000, 10_000)])
def test_batch_equals_saving_each_report(district, reports, monkeypatch, flush_every, fetch_size):
    monkeypatch.setattr(recompute, "FLUSH_EVERY", flush_every)
    monkeypatch.setattr(recompute, "FETCH_SIZE", fetch_size)
    ids = [r.pk for r in reports]
    expected_warnings = stored(ids)
    expected_levels = dict(AnalysisReport.objects.filter(pk__in=ids).values_list("pk", "level"))
    ReportWarning.objects.filter(report=reports[0]).delete()
    ReportWarning.objects.filter(report=reports[1]).update(message="旧的预警")
    AnalysisReport.objects.update(level="green")
    stats = cycle_recompute_warnings(district.cycle)
    assert stats.reports == 3
    assert stats.changed == 2  # the third report's warnings were already right
    assert stats.warnings == len(expected_warnings)
    assert stored(ids) == expected_warnings
    assert dict(AnalysisReport.objects.filter(pk__in=ids).values_list("pk", "level")) == expected_levels


def test_nothing_is_written_when_nothing_changed(district, reports):
    before = stored([r.pk for r in reports])
    assert cycle_recompute_warnings(district.cycle).changed == 0
    assert stored([r.pk for r in reports]) == before


def test_changed_threshold_changes_the_outcome(district, reports):
    s2_report = reports[1]  # paid 600,000 of 1,000,000 at 66.7%: 6.7pp behind, no EXEC_LAG
    assert not ReportWarning.objects.filter(report=s2_report, code="EXEC_LAG").exists()
    district.cycle.exec_lag_yellow_pp = Decimal("5")
    district.cycle.save()
    cycle_recompute_warnings(district.cycle)
    assert ReportWarning.objects.get(report=s2_report, code="EXEC_LAG").level == "yellow"


def test_recompute_of_an_empty_cycle_does_nothing(district):
    assert cycle_recompute_warnings(district.cycle).reports == 0


def test_a_threshold_change_queues_the_recompute_as_the_persons_job(
    district, reports, django_capture_on_commit_callbacks
):
    s2_report = reports[1]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        update = cycle_update(
            cycle=district.cycle, values={"exec_lag_yellow_pp": Decimal("5")}, acting_user=district.sysadmin
        )
    job = update.recompute
    assert update.changed == ["exec_lag_yellow_pp"]
    assert (job.kind, job.owner, job.state) == ("monitoring.recompute", district.sysadmin, JobState.QUEUED)
    assert job.label == f"重新计算预警：{district.cycle.name}"
    assert not ReportWarning.objects.filter(report=s2_report, code="EXEC_LAG").exists()
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:  # the job's dispatch, and what the readers above queued
            callback()
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.attempts) == (JobState.DONE, 3, 3, 1)
    assert ReportWarning.objects.get(report=s2_report, code="EXEC_LAG").level == "yellow"
    record = AuditRecord.objects.filter(action="cycle.change").get()
    assert record.changes == {"exec_lag_yellow_pp": "5"}
    settings_page = reverse("admin:monitoring_monitoringcycle_change", args=[district.cycle.pk])
    assert job.result_page == ("返回监控周期设置", settings_page)
    assert Notification.objects.get(recipient=district.sysadmin).url == settings_page


def test_a_change_by_no_person_recomputes_right_after_commit(
    district, reports, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        update = cycle_update(
            cycle=district.cycle, values={"exec_lag_yellow_pp": Decimal("5")}, acting_user=None
        )
    assert update.recompute is None and not Job.objects.exists()
    assert ReportWarning.objects.get(report=reports[1], code="EXEC_LAG").level == "yellow"


def test_each_threshold_change_gets_its_own_recompute(district, reports, django_capture_on_commit_callbacks):
    """A change made while the first recompute runs is not folded into it: it has read the older values."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = cycle_update(
            cycle=district.cycle, values={"exec_lag_yellow_pp": Decimal("5")}, acting_user=district.sysadmin
        )
        second = cycle_update(
            cycle=district.cycle, values={"exec_lag_yellow_pp": Decimal("8")}, acting_user=district.sysadmin
        )
    assert first.recompute.pk != second.recompute.pk
    for callback in callbacks:
        callback()
    assert not ReportWarning.objects.filter(report=reports[1], code="EXEC_LAG").exists()


def test_a_failed_recompute_says_so_in_chinese_changes_nothing_and_is_retried(
    district, reports, monkeypatch, django_capture_on_commit_callbacks
):
    real_rebuild = recompute.cycle_rollup_rebuild
    calls = []

    def rebuild_fails_once(*, cycle):
        calls.append(cycle.pk)
        if len(calls) == 1:
            raise RuntimeError("disk full")
        real_rebuild(cycle=cycle)

    monkeypatch.setattr(recompute, "cycle_rollup_rebuild", rebuild_fails_once)
    with django_capture_on_commit_callbacks(execute=True):
        job = cycle_update(
            cycle=district.cycle, values={"exec_lag_yellow_pp": Decimal("5")}, acting_user=district.sysadmin
        ).recompute
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error == FAILURE_TEXT.format(pk=job.pk)
    assert not ReportWarning.objects.filter(report=reports[1], code="EXEC_LAG").exists()
    with django_capture_on_commit_callbacks(execute=True):
        job_retry(job=job, acting_user=district.sysadmin)
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 2)
    assert ReportWarning.objects.get(report=reports[1], code="EXEC_LAG").level == "yellow"


def test_progress_is_told_per_batch(district, reports, monkeypatch):
    monkeypatch.setattr(recompute, "PROGRESS_EVERY", 2)
    told = []
    cycle_recompute_warnings(district.cycle, progress=lambda *args, **kwargs: told.append((*args, kwargs)))
    assert told == [
        (0, 3, {"step": "重新计算预警"}),
        (2, 3, {}),
        (3, 3, {"step": "重算汇总数"}),
    ]


def test_the_recompute_reads_the_thresholds_as_stored(district, reports):
    district.cycle.exec_lag_yellow_pp = Decimal("5")  # not saved
    cycle_recompute_warnings(district.cycle)
    assert not ReportWarning.objects.filter(report=reports[1], code="EXEC_LAG").exists()


def recomputes(callbacks) -> list:
    """The direct recomputes among the callbacks queued for after the commit (readers above queue theirs)."""
    return [c for c in callbacks if getattr(c, "func", None) is cycle_recompute_warnings]


def test_cycle_update_without_a_threshold_change_queues_no_recompute(
    district, reports, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        cycle_update(cycle=district.cycle, values={"name": "改名的周期"}, acting_user=district.sysadmin)
        cycle_update(
            cycle=district.cycle, values={"exec_lag_red_pp": district.cycle.exec_lag_red_pp}, acting_user=None
        )
    assert recomputes(callbacks) == []
    assert not Job.objects.filter(kind="monitoring.recompute").exists()
    assert AuditRecord.objects.filter(action="cycle.change").count() == 1


def test_only_the_sysadmin_changes_a_cycle(district):
    with pytest.raises(PermissionDenied):
        cycle_update(cycle=district.cycle, values={"name": "改名"}, acting_user=district.supervision_staff)
    district.cycle.refresh_from_db()
    assert district.cycle.name != "改名"
    assert not AuditRecord.objects.filter(action="cycle.change").exists()
