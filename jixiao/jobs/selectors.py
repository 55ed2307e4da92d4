from django.core.cache import cache
from django.shortcuts import get_object_or_404

from jixiao.jobs.models import ACTIVE_STATES, Job, JobState, progress_key


def jobs_of(user):
    """A person sees only the jobs they asked for."""
    return Job.objects.filter(owner=user)


def job_get(*, user, pk: int) -> Job:
    job = get_object_or_404(jobs_of(user), pk=pk)
    with_live_progress([job])
    return job


def with_live_progress(jobs) -> None:
    """Bring running jobs up to the progress their bodies reported through the cache (`JobRun.progress`)."""
    running = {progress_key(job.pk): job for job in jobs if job.state == JobState.RUNNING}
    for key, (done, total, step) in cache.get_many(list(running)).items():
        running[key].done, running[key].total, running[key].step = done, total, step


def job_active_for(*, kind: str, params_key: str) -> Job | None:
    """The job of this kind and parameters queued or running, whoever asked for it: one person's second
    tab finds their own job, another person learns that the work is already under way."""
    return (
        Job.objects.filter(kind=kind, params_key=params_key, state__in=ACTIVE_STATES)
        .select_related("owner")
        .first()
    )
