from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jixiao.core.errors import ServiceError
from jixiao.jobs.models import JobState
from jixiao.jobs.selectors import job_get, jobs_of, with_live_progress
from jixiao.jobs.services import can_retry, job_retry


def job_list(request):
    page = Paginator(jobs_of(request.user), 20).get_page(request.GET.get("page"))
    with_live_progress(page.object_list)
    return render(request, "jobs/job_list.html", {"page": page})


def _context(request, job):
    return {"job": job, "can_retry": can_retry(request.user, job)}


def job_detail(request, pk: int):
    job = job_get(user=request.user, pk=pk)
    return render(request, "jobs/job_detail.html", _context(request, job))


def job_progress(request, pk: int):
    """The progress block alone, polled by the page while the job runs."""
    job = job_get(user=request.user, pk=pk)
    return render(request, "jobs/_progress.html", _context(request, job))


def job_download(request, pk: int):
    job = job_get(user=request.user, pk=pk)
    if job.state != JobState.DONE or not job.result:
        raise Http404
    path = Path(settings.MEDIA_ROOT) / job.result.name
    if not path.is_file():
        raise Http404
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=job.result_name, content_type=job.result_type
    )


@require_POST
def job_retry_view(request, pk: int):
    job = job_get(user=request.user, pk=pk)
    try:
        job_retry(job=job, acting_user=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("jobs:detail", pk=job.pk)
