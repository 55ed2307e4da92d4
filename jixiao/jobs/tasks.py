"""The Celery task that runs a job in a worker (production); the embedded runner runs the same `job_run`."""

from celery import shared_task

from jixiao.jobs.execution import job_run


@shared_task(name="jixiao.jobs.run_job", acks_late=True, ignore_result=True)
def run_job(job_id: int) -> None:
    job_run(job_id=job_id)
