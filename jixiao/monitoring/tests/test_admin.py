"""The sysadmin's cycle screens: Chinese, starting from the regulation's dates, saving through the services."""

from datetime import date

import pytest
from django.urls import reverse

from jixiao.audit.models import AuditRecord
from jixiao.jobs.models import Job, JobState
from jixiao.monitoring.models import MonitoringCycle, default_due_dates

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url_name", ["admin:monitoring_monitoringcycle_changelist", "admin:monitoring_monitoringcycle_add"]
)
def test_admin_pages_open_in_chinese(admin_client, url_name):
    response = admin_client.get(reverse(url_name))
    assert response.status_code == 200
    assert "系统管理" in response.content.decode()


def test_new_cycle_form_starts_from_the_regulation_dates(admin_client):
    content = admin_client.get(
        reverse("admin:monitoring_monitoringcycle_add") + "?year=2027"
    ).content.decode()
    assert "2027-09-10" in content and "2027-12-31" in content


def test_changing_a_threshold_queues_the_recompute_once_and_links_it(
    admin_client, district, django_capture_on_commit_callbacks
):
    cycle = district.cycle
    url = reverse("admin:monitoring_monitoringcycle_change", args=[cycle.pk])
    data = _cycle_form(cycle, exec_lag_yellow_pp="5")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data, follow=True)
        admin_client.post(url, data)  # the button pressed twice
    job = Job.objects.get()
    assert (job.kind, job.state, job.attempts) == ("monitoring.recompute", JobState.DONE, 1)
    page = response.content.decode()
    assert "正在后台重新计算" in page and f'href="{reverse("jobs:detail", args=[job.pk])}"' in page
    cycle.refresh_from_db()
    assert cycle.exec_lag_yellow_pp == 5


def _cycle_form(cycle: MonitoringCycle, **changes) -> dict:
    data = {
        field.name: getattr(cycle, field.name)
        for field in MonitoringCycle._meta.concrete_fields
        if field.editable and field.name not in {"id", "organisation"}
    }
    data.update(changes)
    return {key: ("" if value is None else value) for key, value in data.items()}


def test_a_new_cycle_from_the_admin_is_opened_by_the_service_with_one_audit_record(admin_client, district):
    dates = {**default_due_dates(2027), "due_unit_to_bureau": date(2027, 9, 16)}
    data = _cycle_form(district.cycle, year=2027, name="2027年监控", **dates)
    response = admin_client.post(reverse("admin:monitoring_monitoringcycle_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    cycle = MonitoringCycle.objects.get(year=2027)
    assert str(cycle.due_unit_to_bureau) == "2027-09-16"
    records = AuditRecord.objects.filter(object_type="monitoring.monitoringcycle", object_id=str(cycle.pk))
    assert [(r.action, r.actor) for r in records] == [("cycle.open", district.sysadmin)]


def test_a_cycle_change_from_the_admin_writes_one_audit_record(admin_client, district):
    response = admin_client.post(
        reverse("admin:monitoring_monitoringcycle_change", args=[district.cycle.pk]),
        _cycle_form(district.cycle, name="改名的周期"),
    )
    assert response.status_code == 302
    records = AuditRecord.objects.filter(action="cycle.change", object_id=str(district.cycle.pk))
    assert [r.changes for r in records] == [{"name": "改名的周期"}]
