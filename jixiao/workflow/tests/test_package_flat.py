"""The package page at any size of the unit: readiness and the overall-report draft are computed once per
change of the unit's data and read back on later views; the query count does not grow with the projects."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.dashboards.tests.conftest import PAYMENTS_HEADER
from jixiao.loads.services import load_file
from jixiao.loads.tests.conftest import csv_bytes
from jixiao.organisations.models import Role
from jixiao.workflow import selectors as workflow_selectors
from jixiao.workflow import views
from jixiao.workflow.services import submission_for
from jixiao.workflow.tests.test_services import fill_ready_report

pytestmark = pytest.mark.django_db


def package_url(district, unit):
    return reverse("workflow:package", args=[district.cycle.pk, unit.pk])


def add_projects(district, make_project, user, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        fill_ready_report(district, make_project(district.p1, code=f"2026-P1-X{n:04d}"), user)


def _view(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def _size(client, url) -> int:
    return len(client.get(url).content)


def test_package_page_queries_do_not_grow_with_the_units_projects(client, district, make_user, make_project):
    d = district
    leader = make_user(d.p1, Role.UNIT_LEADER)
    client.force_login(leader)
    url = package_url(d, d.p1)
    add_projects(d, make_project, leader, 10)
    _view(client, url)
    small, small_size = _view(client, url), _size(client, url)
    add_projects(d, make_project, leader, 190, start=10)
    _view(client, url)
    assert _view(client, url) == small
    # A page of projects, not all of them: the page weighs what a full page does, whatever the unit owns.
    assert _size(client, url) < small_size + 40 * 1000


def test_package_page_lists_its_projects_a_page_at_a_time(client, district, make_user, make_project):
    d = district
    leader = make_user(d.p1, Role.UNIT_LEADER)
    client.force_login(leader)
    url = package_url(d, d.p1)
    for n in range(60):
        make_project(d.p1, code=f"2026-P1-Y{n:04d}", name=f"分页项目{n:02d}")
    first = client.get(url).content.decode()
    listed = _project_table(first)
    assert "第 1 / 2 页" in first and "2026-P1-Y0000" in listed and "2026-P1-Y0059" not in listed
    assert "2026-P1-Y0059" in _project_table(client.get(url, {"page": 2}).content.decode())
    found = _project_table(client.get(url, {"q": "分页项目59"}).content.decode())
    assert "2026-P1-Y0059" in found and "2026-P1-Y0000" not in found
    # Readiness counts every project; the page lists the first problems and says how many more there are.
    total = len(workflow_selectors.submission_problems(submission_for(organisation=d.p1, cycle=d.cycle)))
    assert total > views.PROBLEMS_SHOWN
    assert f"以下 {total} 项须补充后才能报送" in first
    assert first.count("尚未填报监控分析表") == views.PROBLEMS_SHOWN
    assert f"另有 {total - views.PROBLEMS_SHOWN} 项未列出" in first


def _project_table(html: str) -> str:
    return html[
        html.index('id="package-projects"') : html.index("</table>", html.index('id="package-projects"'))
    ]


def test_readiness_and_the_draft_follow_each_change_of_the_units_data(
    client, district, make_user, make_project, django_capture_on_commit_callbacks
):
    """Each change is committed (what was kept is outdated once it is)."""
    d = district
    leader = make_user(d.p1, Role.UNIT_LEADER)
    client.force_login(leader)
    url = package_url(d, d.p1)
    project = make_project(
        d.p1, code="2026-P1-Z0001", name="跟随变化项目", initial_fiscal=Decimal("1000000.00")
    )
    missing = "项目“跟随变化项目”（2026-P1-Z0001）尚未填报监控分析表"
    assert missing in client.get(url).content.decode()
    assert missing in client.get(url).content.decode()  # read back

    with django_capture_on_commit_callbacks(execute=True):
        fill_ready_report(d, project, leader)
    page = client.get(url).content.decode()
    assert missing not in page
    draft = re.search(r"执行 ([\d.,]+) 万元", page).group(1)

    rows = [PAYMENTS_HEADER, [2026, "2026-P1-Z0001", 2, "300000", "0"]]
    with django_capture_on_commit_callbacks(execute=True):
        load_file(kind="payments", filename="treasury.csv", data=csv_bytes(rows))
    paid = re.search(r"执行 ([\d.,]+) 万元", client.get(url).content.decode()).group(1)
    assert paid != draft


def test_another_units_save_leaves_what_was_worked_out_for_this_one(
    client, district, make_user, make_project, django_capture_on_commit_callbacks
):
    d = district
    leader = make_user(d.p1, Role.UNIT_LEADER)
    client.force_login(leader)
    url = package_url(d, d.p1)
    with django_capture_on_commit_callbacks(execute=True):
        add_projects(d, make_project, leader, 3)
    cold = _view(client, url)
    warm = _view(client, url)
    assert warm < cold
    other = make_user(d.town, Role.FILLER)
    with django_capture_on_commit_callbacks(execute=True):
        fill_ready_report(d, make_project(d.town, code="2026-TW-X0001"), other)
    assert _view(client, url) == warm
    with django_capture_on_commit_callbacks(execute=True):
        fill_ready_report(d, make_project(d.s1, code="2026-S1-X0001"), make_user(d.s1, Role.FILLER))
    assert _view(client, url) == cold  # a subordinate's data is the package's too
