"""Background jobs: progress, one run under a double click, failure said in Chinese, retry, scope; and the
embedded runner and a Celery worker running the same job."""

import threading
import time

import pytest
from django.db import transaction
from django.urls import reverse

from jixiao.core.errors import ServiceError
from jixiao.jobs.execution import FAILURE_TEXT, job_run
from jixiao.jobs.models import Job, JobState
from jixiao.jobs.registry import job_kind
from jixiao.jobs.selectors import job_get
from jixiao.jobs.services import job_retry, job_start
from jixiao.notifications.models import Notification

ATTEMPTS: dict[str, int] = {}
SEEN: list[tuple] = []


def _anyone(user, params):
    if params.get("refuse"):
        raise ServiceError("不能导出。")


@job_kind("tests.count", describe=lambda params: f"数到 {params['to']}", check=_anyone)
def count_to(run):
    to = run.params["to"]
    with run.result_file("数字.txt", "text/plain") as target:
        for number in range(1, to + 1):
            target.write(f"{number}\n".encode())
            run.progress(number, to, step=f"第 {number} 个")


@job_kind("tests.flaky", describe=lambda params: "第一次失败", check=_anyone)
def flaky(run):
    key = run.params["key"]
    ATTEMPTS[key] = ATTEMPTS.get(key, 0) + 1
    if ATTEMPTS[key] == 1:
        raise RuntimeError("disk on fire")
    with run.result_file("ok.txt", "text/plain") as target:
        target.write(b"ok")


@job_kind("tests.refused", describe=lambda params: "被拒绝", check=_anyone)
def refused(run):
    raise ServiceError("本单位没有可导出的项目。")


@job_kind(
    "tests.in_one_transaction",
    describe=lambda params: "整体写入",
    check=_anyone,
    result_page=lambda params: ("查看写入结果", "/somewhere/"),
)
def in_one_transaction(run):
    with transaction.atomic():
        run.progress(1, 4, step="第一批")
        seen = job_get(user=run.user, pk=run.job.pk)
        SEEN.append((seen.state, seen.done, seen.total, seen.step))


def test_a_job_inside_its_own_transaction_shows_its_progress_and_its_result_page(
    client, district, django_capture_on_commit_callbacks
):
    user = district.p1_leader
    SEEN.clear()
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="tests.in_one_transaction", params={}, acting_user=user)
    assert SEEN == [(JobState.RUNNING, 1, 4, "第一批")]
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.result_page) == (
        JobState.DONE,
        4,
        4,
        ("查看写入结果", "/somewhere/"),
    )
    notice = Notification.objects.get(recipient=user)
    assert (notice.message, notice.url) == ("「整体写入」已完成。", "/somewhere/")
    client.force_login(user)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert 'href="/somewhere/">查看写入结果</a>' in page and "下载" not in page
    listed = client.get(reverse("jobs:list")).content.decode()
    assert 'href="/somewhere/">查看结果</a>' in listed
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_a_job_runs_after_commit_reports_progress_and_is_downloaded(
    client, district, django_capture_on_commit_callbacks
):
    user = district.p1_leader
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="tests.count", params={"to": 5}, acting_user=user)
    job.refresh_from_db()
    assert (job.state, job.done, job.total, job.percent, job.attempts) == (JobState.DONE, 5, 5, 100, 1)
    assert job.label == "数到 5"
    assert Notification.objects.filter(recipient=user, message__contains="数到 5").exists()
    client.force_login(user)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "已完成" in page and "下载 数字.txt" in page and "hx-trigger" not in page
    response = client.get(reverse("jobs:download", args=[job.pk]))
    assert b"".join(response.streaming_content) == b"1\n2\n3\n4\n5\n"
    assert "filename*=utf-8''%E6%95%B0%E5%AD%97.txt" in response["Content-Disposition"]


def test_a_queued_job_polls_its_progress(client, district):
    job = job_start(kind="tests.count", params={"to": 3}, acting_user=district.p1_leader)
    client.force_login(district.p1_leader)
    block = client.get(reverse("jobs:progress", args=[job.pk])).content.decode()
    assert "排队中" in block and 'hx-trigger="every 1s"' in block
    assert client.get(reverse("jobs:download", args=[job.pk])).status_code == 404


def test_a_double_click_is_one_job_that_runs_once(district, django_capture_on_commit_callbacks):
    user = district.p1_leader
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = job_start(kind="tests.count", params={"to": 2}, acting_user=user)
        second = job_start(kind="tests.count", params={"to": 2}, acting_user=user)
    assert first.pk == second.pk and Job.objects.count() == 1
    for callback in callbacks:
        callback()
    job_run(job_id=first.pk)  # a second delivery of the same job finds it claimed
    first.refresh_from_db()
    assert first.state == JobState.DONE and first.attempts == 1
    other = job_start(kind="tests.count", params={"to": 3}, acting_user=user)
    assert other.pk != first.pk


def test_a_refused_check_queues_nothing(district):
    with pytest.raises(ServiceError):
        job_start(kind="tests.count", params={"to": 1, "refuse": True}, acting_user=district.p1_leader)
    assert not Job.objects.exists()


def test_a_service_error_is_the_failure_message(district, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="tests.refused", params={}, acting_user=district.p1_leader)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error == "本单位没有可导出的项目。"
    assert not job.result


def test_a_crash_says_so_in_chinese_and_a_retry_runs_again(
    client, district, django_capture_on_commit_callbacks
):
    user = district.p1_leader
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="tests.flaky", params={"key": "retry"}, acting_user=user)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error == FAILURE_TEXT.format(pk=job.pk)
    assert "disk" not in job.error
    client.force_login(user)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "系统错误" in page and "重试" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("jobs:retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.error, job.attempts) == (JobState.DONE, "", 2)


def test_only_a_failed_job_is_retried(district, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="tests.count", params={"to": 1}, acting_user=district.p1_leader)
    job.refresh_from_db()
    with pytest.raises(ServiceError, match="只有失败的任务可以重试"):
        job_retry(job=job, acting_user=district.p1_leader)


@pytest.mark.parametrize("name", ["detail", "progress", "download"])
def test_another_persons_job_is_404(client, district, name, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind="tests.count", params={"to": 1}, acting_user=district.p1_leader)
    client.force_login(district.s1_filler)
    assert client.get(reverse(f"jobs:{name}", args=[job.pk])).status_code == 404
    assert client.post(reverse("jobs:retry", args=[job.pk])).status_code == 404


def test_the_job_list_shows_only_ones_own_jobs(client, district, django_assert_num_queries):
    for to in range(1, 4):
        job_start(kind="tests.count", params={"to": to}, acting_user=district.p1_leader)
    job_start(kind="tests.count", params={"to": 9}, acting_user=district.s1_filler)
    client.force_login(district.p1_leader)
    page = client.get(reverse("jobs:list")).content.decode()
    assert page.count("数到") == 3 and "数到 9" not in page


def _wait_for(job: Job, seconds: float = 20) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if not job.is_active:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job still {job.state}")


@pytest.mark.django_db(transaction=True)
def test_the_embedded_runner_runs_the_job_in_a_thread(settings):
    from jixiao.conftest import build_district

    settings.JOBS_RUNNER = "embedded"
    user = build_district().p1_leader
    job = job_start(kind="tests.count", params={"to": 4}, acting_user=user)
    job = _wait_for(job)
    assert (job.state, job.done, job.attempts) == (JobState.DONE, 4, 1)
    assert not [t for t in threading.enumerate() if t.name == f"job-{job.pk}"]


@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_runs_the_same_job(settings):
    """A real worker consumes the task from the broker (Redis when CELERY_BROKER_URL names it, as in
    production; Celery's in-memory transport otherwise) and runs the same `job_run`."""
    from celery.contrib.testing.worker import start_worker

    from jixiao.celery import app
    from jixiao.conftest import build_district

    settings.JOBS_RUNNER = "celery"
    app.conf.broker_url = settings.CELERY_BROKER_URL
    user = build_district().p1_leader
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        job = job_start(kind="tests.count", params={"to": 3}, acting_user=user)
        job = _wait_for(job)
    assert (job.state, job.done, job.attempts) == (JobState.DONE, 3, 1)
