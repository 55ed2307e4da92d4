"""Where a queued job runs (`settings.JOBS_RUNNER`).

- `embedded` (the default, `make demo`): a thread of the web process, so nothing else has to be started;
- `celery` (production): a Celery worker, through Redis;
- `immediate`: in the caller, once its transaction has committed (tests and commands).
"""

import threading

from django.conf import settings
from django.db import close_old_connections, connection

from jixiao.jobs.execution import job_run


def run_immediately(job_id: int) -> None:
    job_run(job_id=job_id)


def _run_and_close(job_id: int) -> None:
    try:
        job_run(job_id=job_id)
    finally:
        connection.close()


def run_in_thread(job_id: int) -> None:
    close_old_connections()
    threading.Thread(target=_run_and_close, args=(job_id,), name=f"job-{job_id}", daemon=True).start()


def run_on_celery(job_id: int) -> None:
    from jixiao.jobs.tasks import run_job

    run_job.delay(job_id)


RUNNERS = {"embedded": run_in_thread, "celery": run_on_celery, "immediate": run_immediately}


def dispatch(job_id: int) -> None:
    RUNNERS[settings.JOBS_RUNNER](job_id)
