"""Every role's pages render for that role, and the pages refuse (404/403) what the role may not see."""

from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.conftest import PEOPLE
from jixiao.projects.models import ProjectMonth

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("username", PEOPLE)
def test_home_renders_for_every_role(client, district, username):
    response = login(client, district.users[username]).get(reverse("home"))
    assert response.status_code == 200
    assert "工作台" in response.content.decode()


@pytest.mark.parametrize(
    ("username", "expected_text"),
    [
        ("s1_filler", "第一中学"),
        ("p1_leader", "第二中学"),
        ("counterpart_a", "东镇"),
        ("bureau_leader", "全区概况"),
        ("agency_staff", "农技站"),
        ("sysadmin", "管理机构"),
        ("auditor", "审计日志"),
        ("nobody", "尚未分配岗位"),
    ],
)
def test_home_shows_the_work_of_the_role(client, district, username, expected_text):
    content = login(client, district.users[username]).get(reverse("home")).content.decode()
    assert expected_text in content


def test_home_shows_open_cycle_deadlines_with_days_left(client, district):
    content = login(client, district.s1_filler).get(reverse("home")).content.decode()
    assert "二级预算单位报送一级预算单位" in content
    assert "2026-09-10" in content


def test_parent_home_does_not_show_classified_subordinate(client, district):
    content = login(client, district.p1_leader).get(reverse("home")).content.decode()
    assert "第一中学" in content
    assert "保密中心" not in content


@pytest.mark.parametrize(
    ("username", "visible", "invisible"),
    [
        ("s1_filler", ["s1"], ["p1", "s2", "s3", "sc", "town"]),
        ("p1_leader", ["p1", "s1", "s2"], ["sc", "p2", "s3", "town"]),
        ("counterpart_a", ["town", "p1", "s1", "s2"], ["sc", "p2", "s3"]),
        ("counterpart_b", ["p2", "s3"], ["p1", "s1", "town", "sc"]),
        ("bureau_leader", ["town", "p1", "p2", "s1", "s2", "s3"], ["sc"]),
        ("supervision_staff", ["town", "p1", "p2", "s1", "s2", "s3"], ["sc"]),
        ("sc_filler", ["sc"], ["p1", "s1"]),
        ("agency_staff", ["s3"], ["p2", "s1", "town"]),
        ("sysadmin", [], ["s1", "town"]),
        ("auditor", [], ["s1", "town"]),
    ],
)
def test_project_pages_follow_visibility(client, district, username, visible, invisible):
    login(client, district.users[username])
    listing = client.get(reverse("projects:project_list")).content.decode()
    for unit in visible:
        project = district.projects[unit]
        assert project.code in listing
        assert client.get(reverse("projects:project_detail", args=[project.pk])).status_code == 200
    for unit in invisible:
        project = district.projects[unit]
        assert project.code not in listing
        assert client.get(reverse("projects:project_detail", args=[project.pk])).status_code == 404


@pytest.mark.parametrize(
    ("username", "visible", "invisible"),
    [
        ("s1_filler", ["s1"], ["p1", "s2"]),
        ("p1_leader", ["p1", "s1", "s2"], ["sc", "p2"]),
        ("counterpart_b", ["p2", "s3"], ["p1", "town"]),
        ("bureau_leader", ["town", "s3"], ["sc"]),
    ],
)
def test_unit_pages_follow_visibility(client, district, username, visible, invisible):
    login(client, district.users[username])
    for unit in visible:
        assert (
            client.get(reverse("organisations:unit_detail", args=[getattr(district, unit).pk])).status_code
            == 200
        )
    for unit in invisible:
        assert (
            client.get(reverse("organisations:unit_detail", args=[getattr(district, unit).pk])).status_code
            == 404
        )


def test_unknown_ids_are_404_like_invisible_ones(client, district):
    login(client, district.s1_filler)
    assert client.get(reverse("projects:project_detail", args=[999999])).status_code == 404
    assert client.get(reverse("organisations:unit_detail", args=[999999])).status_code == 404


def test_project_list_filter_by_invisible_unit_shows_an_error_not_data(client, district):
    login(client, district.s1_filler)
    response = client.get(reverse("projects:project_list"), {"unit": district.s3.pk})
    content = response.content.decode()
    assert response.status_code == 200
    assert district.project_s3.code not in content
    assert "form-errors" in content


def test_project_detail_shows_funding_months_and_indicators(client, district):
    project = district.project_s1
    ProjectMonth.objects.create(
        project=project, month=1, paid_fiscal=Decimal("120000.00"), planned=Decimal("1")
    )
    ProjectMonth.objects.create(project=project, month=9, paid_fiscal=Decimal("50000.00"))
    content = login(client, district.s1_filler).get(reverse("projects:project_detail", args=[project.pk]))
    content = content.content.decode()
    assert "100.00" in content  # 年初预算 1,000,000 yuan = 100.00 万元
    assert "12.00" in content  # paid in January, in 万元
    assert "12.0%" in content  # execution rate of the period (September is outside 1—8月)
    assert "培训人数" in content and "≥500人" in content
    assert "≤2026-11-30" in content


def test_project_list_filters_by_text_and_unit(client, district):
    login(client, district.p1_leader)
    content = client.get(reverse("projects:project_list"), {"unit": district.s1.pk}).content.decode()
    assert district.project_s1.code in content and district.project_s2.code not in content
    content = client.get(reverse("projects:project_list"), {"q": district.project_s2.code}).content.decode()
    assert district.project_s2.code in content and district.project_s1.code not in content


def test_project_list_htmx_request_returns_only_the_table(client, district):
    login(client, district.p1_leader)
    response = client.get(reverse("projects:project_list"), headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "<table" in content and "<html" not in content


def _count_queries(client, url):
    # each count works the page out (the cockpit, a leader's home, reads its figures back)
    for each in caches.all():
        each.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url_name", ["projects:project_list", "organisations:unit_list", "home"])
def test_list_pages_use_a_constant_number_of_queries(client, district, make_project, url_name):
    login(client, district.bureau_leader)
    url = reverse(url_name)
    before = _count_queries(client, url)
    for n in range(30):
        project = make_project(district.s2 if n % 2 else district.town)
        ProjectMonth.objects.create(project=project, month=3, paid_fiscal=Decimal("1000.00"))
    assert _count_queries(client, url) == before


def test_audit_log_is_for_the_auditor_only(client, district):
    assert login(client, district.auditor).get(reverse("audit:audit_list")).status_code == 200
    for username in ("sysadmin", "bureau_leader", "s1_filler"):
        client.logout()
        assert login(client, district.users[username]).get(reverse("audit:audit_list")).status_code == 403


def test_cycle_pages_show_the_calendar(client, district):
    login(client, district.s1_filler)
    content = client.get(reverse("monitoring:cycle_detail", args=[district.cycle.pk])).content.decode()
    for due in ("2026-09-10", "2026-09-15", "2026-09-30", "2026-10-20", "2026-11-30", "2026-12-31"):
        assert due in content


def test_unit_home_counts_reports_by_level_with_links(client, district):
    content = login(client, district.s1_filler).get(reverse("home")).content.decode()
    assert "未填报 1" in content
    assert f"?unit={district.s1.pk}&amp;level=red" in content


def test_the_classified_units_home_shows_no_due_dates_or_lateness(client, district):
    client.force_login(district.sc_filler)
    page = client.get(reverse("home")).content.decode()
    assert "保密中心" in page and "无需报送" in page
    for word in ("还剩", "已逾期", "今日截止", 'class="deadlines"', "逾期未整改"):
        assert word not in page
    client.force_login(district.s1_filler)
    assert 'class="deadlines"' in client.get(reverse("home")).content.decode()
