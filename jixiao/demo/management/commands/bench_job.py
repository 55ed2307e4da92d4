"""`manage.py bench_job`: one export as the background job its button starts, timed, for `manage.py bench`.

Runs in a process of its own (the bench starts one per export) so that the peak memory it prints is the
job's. The job is asked for by a bench account of the supervision section through `job_start`, run at once
(the `immediate` runner) and its file and row removed afterwards.
"""

import json
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from jixiao.core.memory import peak_rss_mb
from jixiao.jobs.execution import job_run
from jixiao.jobs.models import ACTIVE_STATES, Job, JobState
from jixiao.jobs.services import job_start
from jixiao.monitoring.jobs import unit_zip_params
from jixiao.monitoring.models import MonitoringCycle
from jixiao.organisations.models import Membership, Organisation, OrganisationKind, Role, User
from jixiao.organisations.services import membership_grant
from jixiao.review.jobs import feedback_export_params
from jixiao.review.models import Feedback
from jixiao.workflow.jobs import package_export_params
from jixiao.workflow.services import submission_for

USERNAME = "bench-jobs-supervisor"


def bench_account() -> User:
    user, _ = User.objects.get_or_create(username=USERNAME, defaults={"full_name": "基准任务"})
    section = Organisation.objects.filter(kind=OrganisationKind.SUPERVISION_SECTION).first()
    if not Membership.objects.filter(user=user, organisation=section, role=Role.SUPERVISION_STAFF).exists():
        membership_grant(user=user, organisation=section, role=Role.SUPERVISION_STAFF, acting_user=None)
    return user


def job_params(kind: str, params: dict) -> dict:
    """The parameters the job's button would give, from the ids."""
    cycle = MonitoringCycle.objects.get(pk=params["cycle"])
    if kind == "monitoring.unit_zip":
        return unit_zip_params(unit=Organisation.objects.get(pk=params["unit"]), cycle=cycle)
    if kind.startswith("workflow."):
        unit = Organisation.objects.get(pk=params["unit"])
        return package_export_params(submission_for(organisation=unit, cycle=cycle))
    if kind == "review.feedback_export":
        return feedback_export_params(Feedback.objects.get(pk=params["feedback"]), params["kind"])
    raise CommandError(f"未知的任务类型：{kind}")


class Command(BaseCommand):
    help = "基准：运行一个导出任务并输出用时、峰值内存与文件大小（JSON）。"

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True)
        parser.add_argument("--params", required=True, help="JSON：cycle 与 unit 或 feedback、kind")

    def handle(self, *args, kind, params, **options):
        user = bench_account()
        # A bench stopped during an export leaves its job running; this account's jobs are the bench's own.
        Job.objects.filter(owner=user, state__in=ACTIVE_STATES).delete()
        job_parameters = job_params(kind, json.loads(params))
        started = time.perf_counter()
        with override_settings(JOBS_RUNNER="immediate"):
            job = job_start(kind=kind, params=job_parameters, acting_user=user)
            job_run(job_id=job.pk)  # already run once committed; inside a caller's transaction, run here
        seconds = time.perf_counter() - started
        job.refresh_from_db()
        if job.state != JobState.DONE:
            raise CommandError(f"任务未完成（{job.get_state_display()}）：{job.error}")
        path = Path(settings.MEDIA_ROOT) / job.result.name
        size_mb = path.stat().st_size / 2**20
        path.unlink()
        files = job.total
        Job.objects.filter(pk=job.pk).delete()
        self.stdout.write(
            json.dumps(
                {
                    "seconds": round(seconds, 2),
                    "peak_mb": round(peak_rss_mb(), 1),
                    "size_mb": size_mb,
                    "files": files,
                }
            )
        )
