"""Asking for background jobs and retrying them.

A job is asked for in a request (`job_start`), claimed once by whichever runner picks it up (a thread of the
web process by default, a Celery worker in production: `runners.py`), reports its progress as it goes and
leaves its result on disk for its owner (`execution.py`).
"""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from jixiao.core.errors import ServiceError
from jixiao.jobs.models import ACTIVE_STATES, Job, JobState
from jixiao.jobs.registry import KINDS
from jixiao.jobs.runners import dispatch


def params_key_of(params: dict) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def job_start(*, kind: str, params: dict, acting_user) -> Job:
    """Queue a job for the person, or give back the same one already queued or running (a double click)."""
    job_kind = KINDS[kind]
    job_kind.check(acting_user, params)
    key = params_key_of(params)
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind, label=job_kind.describe(params), params=params, params_key=key, owner=acting_user
            )
    except IntegrityError:
        return Job.objects.get(owner=acting_user, kind=kind, params_key=key, state__in=ACTIVE_STATES)
    transaction.on_commit(lambda: dispatch(job.pk))
    return job


def job_is_stale(job: Job) -> bool:
    """Running for longer than any job may take: the process that ran it has gone."""
    limit = timedelta(seconds=settings.JOBS_STALE_SECONDS)
    return (
        job.state == JobState.RUNNING
        and job.started_at is not None
        and timezone.now() - job.started_at > limit
    )


def can_retry(user, job: Job) -> bool:
    return job.owner_id == user.pk and (job.state == JobState.FAILED or job_is_stale(job))


def job_retry(*, job: Job, acting_user) -> Job:
    """Run a failed (or abandoned) job again with the same parameters."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if not can_retry(acting_user, job):
            raise ServiceError("只有失败的任务可以重试。")
        KINDS[job.kind].check(acting_user, job.params)
        job.state = JobState.QUEUED
        job.error = ""
        job.done = job.total = 0
        job.step = ""
        try:
            with transaction.atomic():
                job.save(update_fields=["state", "error", "done", "total", "step"])
        except IntegrityError:
            raise ServiceError("同样的任务已在进行中，请稍候。") from None
    transaction.on_commit(lambda: dispatch(job.pk))
    return job
