"""The package page at any size of the unit: readiness and the overall-report draft are computed once per
change of the unit's data and read back on later views; the query count does not grow with the projects."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.monitoring.services import report_save
from jixiao.organisations.models import Role
from jixiao.workflow import documents
from jixiao.workflow import selectors as workflow_selectors
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


def test_package_page_queries_do_not_grow_with_the_units_projects(client, district, make_user, make_project):
    d = district
    leader = make_user(d.p1, Role.UNIT_LEADER)
    client.force_login(leader)
    url = package_url(d, d.p1)
    add_projects(d, make_project, leader, 10)
    _view(client, url)
    small = _view(client, url)
    add_projects(d, make_project, leader, 190, start=10)
    _view(client, url)
    assert _view(client, url) == small


def test_readiness_and_draft_are_computed_once_per_change(client, district, make_user):
    d = district
    leader = make_user(d.p1, Role.UNIT_LEADER)
    client.force_login(leader)
    url = package_url(d, d.p1)
    with (
        mock.patch.object(
            workflow_selectors, "report_readiness", wraps=workflow_selectors.report_readiness
        ) as rd,
        mock.patch(
            "jixiao.workflow.views.overall_report_draft", wraps=documents.overall_report_draft
        ) as draft,
    ):
        first = client.get(url).content.decode()
        assert "尚未填报监控分析表" in first and "一、基本情况" in first
        client.get(url)
        assert draft.call_count == 1 and rd.call_count == 0
        # Saving the 附件1 through the service is a change: the next view computes both again.
        report_save(
            project=d.project_p1,
            cycle=d.cycle,
            values={"deviation_funding": "资金拨付滞后", "corrective_measures": "加快拨付"},
            entries={},
            expected_revision=0,
            acting_user=leader,
        )
        after = client.get(url).content.decode()
        assert draft.call_count == 2 and rd.call_count == 1
        assert f"项目“{d.project_p1.name}”（{d.project_p1.code}）尚未填报监控分析表" not in after
