from django.shortcuts import get_object_or_404

from jixiao.jobs.models import Job


def jobs_of(user):
    """A person sees only the jobs they asked for."""
    return Job.objects.filter(owner=user)


def job_get(*, user, pk: int) -> Job:
    return get_object_or_404(jobs_of(user), pk=pk)
