"""The sysadmin's screens: Chinese, and every save goes through the services (paths, rules, audit)."""

import pytest
from django.urls import reverse

from jixiao.audit.models import AuditRecord
from jixiao.monitoring.models import MonitoringCycle
from jixiao.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, district):
    district.sysadmin.is_staff = district.sysadmin.is_superuser = True
    district.sysadmin.save()
    client.force_login(district.sysadmin)
    return client


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:index",
        "admin:organisations_organisation_changelist",
        "admin:organisations_organisation_add",
        "admin:organisations_user_changelist",
        "admin:monitoring_monitoringcycle_changelist",
        "admin:monitoring_monitoringcycle_add",
    ],
)
def test_admin_pages_open_in_chinese(admin_client, url_name):
    response = admin_client.get(reverse(url_name))
    assert response.status_code == 200
    assert "系统管理" in response.content.decode()


def test_adding_a_unit_sets_its_path_and_audits(admin_client, district):
    response = admin_client.post(
        reverse("admin:organisations_organisation_add"),
        {
            "code": "S9",
            "name": "第九中学",
            "kind": "secondary_unit",
            "parent": district.p1.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = Organisation.objects.get(code="S9")
    assert unit.path == f"{district.p1.path}{unit.pk}/"
    assert AuditRecord.objects.filter(action="organisation.create", object_id=str(unit.pk)).exists()


def test_a_cycle_in_the_tree_is_refused_with_a_message(admin_client, district):
    response = admin_client.post(
        reverse("admin:organisations_organisation_change", args=[district.p1.pk]),
        {
            "code": "P1",
            "name": "区教育局",
            "kind": "secondary_unit",
            "parent": district.s1.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    district.p1.refresh_from_db()
    assert district.p1.parent_id is None


def test_new_cycle_form_starts_from_the_regulation_dates(admin_client):
    content = admin_client.get(
        reverse("admin:monitoring_monitoringcycle_add") + "?year=2027"
    ).content.decode()
    assert "2027-09-10" in content and "2027-12-31" in content


def test_changing_a_threshold_recomputes_the_cycle(admin_client, district):
    cycle = district.cycle
    data = {
        field.name: getattr(cycle, field.name)
        for field in MonitoringCycle._meta.concrete_fields
        if field.editable and field.name not in {"id", "organisation"}
    }
    data["exec_lag_yellow_pp"] = "5"
    data = {key: ("" if value is None else value) for key, value in data.items()}
    response = admin_client.post(
        reverse("admin:monitoring_monitoringcycle_change", args=[cycle.pk]), data, follow=True
    )
    assert "已重新计算" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.exec_lag_yellow_pp == 5


def test_business_users_cannot_use_the_admin(client, district):
    client.force_login(district.bureau_leader)
    assert client.get(reverse("admin:index")).status_code == 302
