"""The cockpit's cached figures: read back while nothing changes, and changed on the next view after a 附件1
saved, a recompute, a package sent, a rectification item verified or a funding decision, once committed;
overdue figures follow the day."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.adjustments.tests.conftest import fill_report
from jixiao.conftest import create_user
from jixiao.dashboards.charts import CHARTS
from jixiao.dashboards.tests.conftest import send, today
from jixiao.dispositions.tests.helpers import today_is
from jixiao.funding.basis import basis_item
from jixiao.funding.models import FundingState
from jixiao.funding.services import funding_decide
from jixiao.monitoring.models import AnalysisReport
from jixiao.monitoring.recompute import cycle_recompute_warnings
from jixiao.monitoring.rollup import cycle_rollup_rebuild
from jixiao.organisations.models import Role
from jixiao.rectification.models import RectificationItem, RectificationState
from jixiao.rectification.services import rectification_respond, rectification_verify
from jixiao.testing import person

pytestmark = pytest.mark.django_db


def page(client):
    return client.get(reverse("cockpit:index")).context["cockpit"]


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_next_view_reads_the_figures_back(client, round_):
    client.force_login(round_.bureau_leader)
    url = reverse("cockpit:index")
    cold, warm = queries(client, url), queries(client, url)
    assert warm < cold
    for name in CHARTS:
        chart = reverse("cockpit:chart", args=[name])
        first = client.get(chart).json()
        assert queries(client, chart) <= queries(client, url)
        assert client.get(chart).json() == first


def test_a_saved_report_changes_the_figures_on_the_next_view(
    client, round_, django_capture_on_commit_callbacks
):
    client.force_login(round_.bureau_leader)
    before = page(client).totals
    with django_capture_on_commit_callbacks(execute=True):
        fill_report(round_, round_.project_s3, create_user(round_.s3, Role.FILLER))
    after = page(client).totals
    assert after.filled == before.filled + 1
    assert after.level_counts["none"] == before.level_counts["none"] - 1


def test_a_recompute_changes_the_figures_on_the_next_view(client, round_, django_capture_on_commit_callbacks):
    report = AnalysisReport.objects.get(cycle=round_.cycle, project=round_.project_s1)
    wrong = "green" if report.level == "red" else "red"
    with django_capture_on_commit_callbacks(execute=True):
        AnalysisReport.objects.filter(pk=report.pk).update(level=wrong)  # a level stored by an older rule
        cycle_rollup_rebuild(cycle=round_.cycle)
    client.force_login(round_.bureau_leader)
    stale = page(client).totals.level_counts[wrong]
    with django_capture_on_commit_callbacks(execute=True):
        cycle_recompute_warnings(round_.cycle)
    report.refresh_from_db()
    assert report.level != wrong
    assert page(client).totals.level_counts[wrong] == stale - 1


def test_a_package_sent_changes_completeness_on_the_next_view(
    client, round_, django_capture_on_commit_callbacks
):
    client.force_login(round_.bureau_leader)
    received = {rate.step: rate.received for rate in page(client).rates}[1]
    with django_capture_on_commit_callbacks(execute=True):
        send(round_, round_.s3, create_user(round_.s3, Role.FILLER), create_user(round_.s3, Role.UNIT_LEADER))
    cockpit = page(client)
    assert {rate.step: rate.received for rate in cockpit.rates}[1] == received + 1
    assert ("S3", 1) in {(s.unit.code, s.step) for s in cockpit.late}  # sent, five days late
    assert next(s for s in cockpit.late if s.unit.code == "S3").sent_on == today()


def test_a_verified_item_and_a_funding_decision_change_the_figures_on_the_next_view(
    client, round_, django_capture_on_commit_callbacks
):
    client.force_login(round_.bureau_leader)
    before = page(client)
    assert (before.rectification_open, before.holds) == (2, 1)
    item = RectificationItem.objects.get(organisation=round_.p1, state=RectificationState.OPEN)
    with django_capture_on_commit_callbacks(execute=True):
        rectification_respond(
            item=item,
            response="已加快支付",
            completed_on=today(),
            acting_user=person(round_.p1, Role.FILLER),
            no_evidence_reason="支付凭证在国库系统中",
        )
        rectification_verify(item=item, acting_user=round_.supervision_staff)
    assert page(client).rectification_open == 1
    with django_capture_on_commit_callbacks(execute=True):
        funding_decide(
            project=round_.project_s1,
            status=FundingState.STOPPED,
            reason="项目已无实施条件。",
            basis=[basis_item("other", "项目已无实施条件", "")],
            acting_user=round_.bureau_leader,
        )
    assert page(client).holds == 2


def test_overdue_figures_follow_the_day(client, round_, monkeypatch):
    client.force_login(round_.bureau_leader)
    now = page(client)
    assert now.rectification_overdue == 1
    with today_is(monkeypatch, today() + timedelta(days=11)):
        later = page(client)
    assert later.rectification_overdue == 2  # the item due in ten days
    missing = {s.unit.code: s.late_days for s in later.late if s.sent_on is None}
    assert missing["S3"] == {s.unit.code: s.late_days for s in now.late}["S3"] + 11
