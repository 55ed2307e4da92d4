"""Running a claimed job: its body, its progress, its result file, its end (done or failed, said in Chinese)."""

import logging
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from jixiao.core.errors import error_parts
from jixiao.jobs.models import Job, JobState, progress_key, result_path
from jixiao.jobs.registry import KINDS
from jixiao.notifications.services import notify

logger = logging.getLogger(__name__)

# How often a running job writes its progress, at most.
PROGRESS_INTERVAL_SECONDS = 0.5
FAILURE_TEXT = "任务执行时发生系统错误，已记录。请点击“重试”；如再次失败，请联系系统管理员（任务编号 {pk}）。"


class JobRun:
    """What a job's body gets: its parameters and owner, a progress reporter and its result file."""

    def __init__(self, job: Job):
        self.job = job
        self.params = job.params
        self.user = job.owner
        self._reported = 0.0
        self._cached = False
        self._result: Path | None = None

    def progress(self, done: int, total: int | None = None, step: str = "") -> None:
        now = time.monotonic()
        if total is not None:
            self.job.total = total
        self.job.done = done
        if step:
            self.job.step = step
        if now - self._reported >= PROGRESS_INTERVAL_SECONDS or done == self.job.total:
            self._reported = now
            if connection.in_atomic_block:
                # A body working in one transaction (a load, a recompute) would show its progress only
                # once it ends: the cache carries it meanwhile (`selectors.with_live_progress`).
                figures = (done, self.job.total, self.job.step)
                cache.set(progress_key(self.job.pk), figures, settings.JOBS_STALE_SECONDS)
                self._cached = True
            else:
                Job.objects.filter(pk=self.job.pk).update(done=done, total=self.job.total, step=self.job.step)
                if self._cached:
                    cache.delete(progress_key(self.job.pk))
                    self._cached = False

    @contextmanager
    def result_file(self, filename: str, content_type: str):
        """A file on disk to stream the result into; it becomes the job's download."""
        suffix = Path(filename).suffix.lower()
        relative = result_path(self.job, f"result{suffix}")
        path = Path(settings.MEDIA_ROOT) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        self._result = path
        with open(path, "wb") as target:
            yield target
        self.job.result.name = relative
        self.job.result_name = filename
        self.job.result_type = content_type

    def discard(self) -> None:
        if self._result is not None:
            self._result.unlink(missing_ok=True)


def job_run(*, job_id: int) -> None:
    """Claim the job and run it, once: a second delivery of the same job finds it claimed and stops."""
    claimed = Job.objects.filter(pk=job_id, state=JobState.QUEUED).update(
        state=JobState.RUNNING, started_at=timezone.now(), finished_at=None
    )
    if not claimed:
        return
    job = Job.objects.select_related("owner").get(pk=job_id)
    Job.objects.filter(pk=job_id).update(attempts=job.attempts + 1)
    run = JobRun(job)
    try:
        KINDS[job.kind].run(run)
    except ValidationError as error:
        run.discard()
        _finish(job, JobState.FAILED, error=error_parts(error)[0])
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        run.discard()
        _finish(job, JobState.FAILED, error=FAILURE_TEXT.format(pk=job.pk))
    else:
        _finish(job, JobState.DONE)


def _finish(job: Job, state: str, *, error: str = "") -> None:
    job.state = state
    job.error = error
    job.finished_at = timezone.now()
    if state == JobState.DONE:
        job.done = job.total
    cache.delete(progress_key(job.pk))
    with transaction.atomic():
        job.save(
            update_fields=[
                "state",
                "error",
                "finished_at",
                "done",
                "total",
                "step",
                "result",
                "result_name",
                "result_type",
            ]
        )
        url = reverse("jobs:detail", args=[job.pk])
        if state == JobState.FAILED:
            message = f"「{job.label}」失败：{error}"
        elif job.result:
            message = f"「{job.label}」已完成，可以下载。"
        else:
            message = f"「{job.label}」已完成。"
            url = job.result_page[1] if job.result_page else url
        notify([job.owner], message[:300], url)
