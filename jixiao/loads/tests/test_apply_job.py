"""A confirmed load runs as a background job: queued on the confirmation, once under a double click or a
second person, with its progress, a failure said in Chinese and a retry that loads the file."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from jixiao.conftest import create_user
from jixiao.core.errors import ServiceError
from jixiao.jobs.execution import FAILURE_TEXT
from jixiao.jobs.models import Job, JobState
from jixiao.jobs.services import job_retry
from jixiao.loads import services
from jixiao.loads.models import LoadKind, LoadRun, LoadStatus
from jixiao.loads.services import load_apply, load_confirm, load_file, load_preview
from jixiao.loads.tests.conftest import csv_bytes
from jixiao.notifications.models import Notification
from jixiao.organisations.models import Role
from jixiao.projects.models import Project

pytestmark = pytest.mark.django_db

HEADER = ["预算年度", "项目编码", "项目名称", "单位编码", "项目类型", "年初预算·财政拨款（元）"]


def rows(fiscal="500000"):
    return csv_bytes([HEADER, [2026, "2026-S1-09", "校舍维修", "S1", "部门预算专项", fiscal]])


@pytest.fixture
def run(data_manager) -> LoadRun:
    return load_preview(kind="projects", filename="projects.csv", data=rows(), acting_user=data_manager)


def test_the_confirmation_queues_the_load_and_the_job_loads_it(
    run, data_manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = load_confirm(run=run, checksum=run.checksum, acting_user=data_manager)
    assert (job.kind, job.state, job.label) == (
        "loads.apply",
        JobState.QUEUED,
        "加载项目与预算：projects.csv",
    )
    assert not Project.objects.filter(code="2026-S1-09").exists()
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.attempts) == (JobState.DONE, 2, 2, 1)
    run.refresh_from_db()
    assert run.status == LoadStatus.APPLIED and run.counts["created"] == 1
    assert Project.objects.get(code="2026-S1-09").initial_fiscal == 500000
    notice = Notification.objects.get(recipient=data_manager)
    assert notice.url == reverse("loads:detail", args=[run.pk]) and "已完成" in notice.message


def test_a_double_click_is_one_load(client, run, data_manager, django_capture_on_commit_callbacks):
    client.force_login(data_manager)
    url = reverse("loads:confirm", args=[run.pk])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = client.post(url, {"checksum": run.checksum})
        second = client.post(url, {"checksum": run.checksum})
    job = Job.objects.get()
    assert first.url == second.url == reverse("jobs:detail", args=[job.pk])
    page = client.get(reverse("loads:detail", args=[run.pk])).content.decode()
    assert "正在后台加载" in page and "confirm-button" not in page
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 1)
    assert Project.objects.filter(code="2026-S1-09").count() == 1


def test_a_second_data_manager_cannot_confirm_a_load_under_way(
    district, run, data_manager, django_capture_on_commit_callbacks
):
    colleague = create_user(district.bureau, Role.DATA_MANAGER, username="colleague")
    with django_capture_on_commit_callbacks(execute=False):
        load_confirm(run=run, checksum=run.checksum, acting_user=data_manager)
        with pytest.raises(ServiceError, match=f"正由{data_manager}加载"):
            load_confirm(run=run, checksum=run.checksum, acting_user=colleague)
    assert Job.objects.count() == 1


def test_the_confirmation_checks_the_person_and_the_checksum(district, run):
    with pytest.raises(ValidationError, match="不一致"):
        load_confirm(run=run, checksum="0" * 64, acting_user=run.created_by)
    with pytest.raises(PermissionDenied, match="数据管理岗"):
        load_confirm(run=run, checksum=run.checksum, acting_user=district.p1_leader)
    assert not Job.objects.exists()


def test_the_apply_reports_its_steps(run, data_manager):
    told = []
    load_apply(
        run=run,
        checksum=run.checksum,
        acting_user=data_manager,
        progress=lambda *args, **kwargs: told.append((*args, kwargs)),
    )
    assert told == [(0, 2, {"step": "核对预览的文件"}), (1, 2, {"step": "写入数据并重新计算预警"})]


def test_a_load_overtaken_since_its_preview_fails_in_chinese(
    run, data_manager, django_capture_on_commit_callbacks
):
    load_file(kind="projects", filename="other.csv", data=rows(fiscal="9"))
    with django_capture_on_commit_callbacks(execute=True):
        job = load_confirm(run=run, checksum=run.checksum, acting_user=data_manager)
    job.refresh_from_db()
    assert job.state == JobState.FAILED
    assert job.error == "预览之后系统中的数据已有变化，本次未加载。请重新上传预览后再确认。"
    assert LoadRun.objects.get(pk=run.pk).status == LoadStatus.PREVIEWED


def test_a_crashed_load_writes_nothing_and_its_retry_loads_the_file(
    run, data_manager, monkeypatch, django_capture_on_commit_callbacks
):
    real = services.APPLIERS[LoadKind.PROJECTS]
    calls = []

    def fails_once(plan, *, run, acting_user):
        calls.append(run.pk)
        if len(calls) == 1:
            raise RuntimeError("connection reset")
        return real(plan, run=run, acting_user=acting_user)

    monkeypatch.setitem(services.APPLIERS, LoadKind.PROJECTS, fails_once)
    with django_capture_on_commit_callbacks(execute=True):
        job = load_confirm(run=run, checksum=run.checksum, acting_user=data_manager)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error == FAILURE_TEXT.format(pk=job.pk)
    assert LoadRun.objects.get(pk=run.pk).status == LoadStatus.PREVIEWED
    assert not Project.objects.filter(code="2026-S1-09").exists()
    with django_capture_on_commit_callbacks(execute=True):
        job_retry(job=job, acting_user=data_manager)
    job.refresh_from_db()
    assert (job.state, job.attempts) == (JobState.DONE, 2)
    assert LoadRun.objects.get(pk=run.pk).status == LoadStatus.APPLIED
    assert Project.objects.filter(code="2026-S1-09").count() == 1
