"""The package's exports as background jobs: asked for by POST, scoped, audited by the export service, and
batched — the same number of queries for 10 and 200 projects."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from jixiao.audit.models import AuditRecord
from jixiao.jobs.models import Job, JobState
from jixiao.organisations.models import Role
from jixiao.testing import exported
from jixiao.workflow.tests.test_services import fill_ready_report

pytestmark = pytest.mark.django_db


def export_url(name, district, unit):
    return reverse(f"workflow:{name}", args=[district.cycle.pk, unit.pk])


def test_the_aggregated_table_is_a_job_whose_queries_do_not_grow(client, district, make_user, make_project):
    d = district
    leader = make_user(d.p1, Role.UNIT_LEADER)
    client.force_login(leader)
    url = export_url("aggregated_table", d, d.p1)

    def export(count_from: int, count: int) -> int:
        for n in range(count_from, count_from + count):
            fill_ready_report(d, make_project(d.p1, code=f"2026-P1-X{n:04d}"), leader)
        with CaptureQueriesContext(connection) as queries:
            response = exported(client, url)
        rows = load_workbook(io.BytesIO(response.content)).active.max_row
        assert rows > count_from + count
        return len(queries)

    small = export(0, 10)
    assert export(10, 190) == small
    job = Job.objects.filter(kind="workflow.aggregated_table").first()
    assert job.state == JobState.DONE and job.result_name.endswith(".xlsx")
    assert AuditRecord.objects.filter(action="package.export", comment="汇总表").count() == 2


def test_the_overall_report_is_a_job_of_a_step_two_package(client, district, make_user):
    d = district
    client.force_login(make_user(d.p1, Role.UNIT_LEADER))
    response = exported(client, export_url("overall_report", d, d.p1))
    assert ".docx" in response["Content-Disposition"]
    assert AuditRecord.objects.filter(action="package.export", comment="整体报告").count() == 1
    client.force_login(
        make_user(d.s1, Role.UNIT_LEADER)
    )  # a second-level unit's package has no overall report
    assert client.post(export_url("overall_report", d, d.s1)).status_code == 404
    assert not Job.objects.filter(owner__memberships__organisation=d.s1).exists()


@pytest.mark.parametrize("name", ["aggregated_table", "overall_report"])
def test_exports_are_asked_for_by_post_and_scoped(client, district, name):
    d = district
    client.force_login(d.p1_leader)
    assert client.get(export_url(name, d, d.p1)).status_code == 405
    client.force_login(d.counterpart_b)  # another section's unit
    assert client.post(export_url(name, d, d.p1)).status_code == 404
    client.force_login(d.s1_filler)  # a subordinate does not see its first-level unit's package
    assert client.post(export_url(name, d, d.p1)).status_code == 404
    assert not Job.objects.exists()
