"""`manage.py bench_job`: an export run as the job its button starts, reported as one JSON line, leaving
neither its job nor its file behind."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from jixiao.jobs.models import Job

pytestmark = pytest.mark.django_db


def test_the_unit_zip_runs_as_its_job_and_reports_time_memory_and_size(district):
    out = io.StringIO()
    params = {"cycle": district.cycle.pk, "unit": district.p1.pk}
    call_command("bench_job", kind="monitoring.unit_zip", params=json.dumps(params), stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["files"] == 3  # P1's, S1's and S2's projects; the classified unit's is not among them
    assert result["seconds"] > 0 and result["peak_mb"] > 0 and result["size_mb"] > 0
    assert not Job.objects.exists()
    assert not any(Path(settings.MEDIA_ROOT).glob("jobs/**/*.zip"))
