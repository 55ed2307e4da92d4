"""The district in the middle of a round, built through the services, for the cockpit's tests."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jixiao.adjustments.tests.conftest import EXPLANATION, fill_report
from jixiao.conftest import create_project, create_user
from jixiao.dispositions.tests.helpers import today_is
from jixiao.funding.basis import basis_item
from jixiao.funding.models import FundingState
from jixiao.funding.services import funding_decide
from jixiao.loads.services import load_file
from jixiao.loads.tests.conftest import csv_bytes
from jixiao.monitoring.rollup import cycle_rollup_rebuild
from jixiao.monitoring.services import cycle_update
from jixiao.organisations.models import Role
from jixiao.projects.models import Project, ProjectType
from jixiao.rectification.models import RectificationSource
from jixiao.rectification.services import item_open, rectification_respond, rectification_verify
from jixiao.testing import person
from jixiao.workflow.services import (
    submission_extend,
    submission_for,
    submission_save_explanation,
    submission_submit,
)

PAYMENTS_HEADER = ["预算年度", "项目编码", "月份", "支付数·财政拨款（元）", "支付数·其他资金（元）"]


def today():
    return timezone.localdate()


def send(district, unit, filler, leader):
    for project in Project.objects.filter(owner=unit):
        fill_report(district, project, filler)
    package = submission_for(organisation=unit, cycle=district.cycle)
    package = submission_save_explanation(submission=package, values=EXPLANATION, acting_user=filler)
    return submission_submit(submission=package, acting_user=leader, confirmed=True)


def issue(district, unit, *, due, verified=False):
    """A finding of the supervision section's check, opened as a rectification item a month before `due`
    (answered by the unit and verified when `verified`)."""
    filler = person(unit, Role.FILLER)
    with pytest.MonkeyPatch.context() as monkeypatch, today_is(monkeypatch, due - timedelta(days=30)):
        item = item_open(
            actor=district.supervision_staff,
            kind=RectificationSource.OVERSIGHT,
            organisation=unit,
            cycle=district.cycle,
            problem="资金支付进度滞后",
            requirement="加快支付",
            due_date=due,
        )
        if verified:
            rectification_respond(
                item=item,
                response="已加快支付",
                completed_on=due - timedelta(days=30),
                acting_user=filler,
                no_evidence_reason="支付凭证在国库系统中",
            )
            rectification_verify(item=item, acting_user=district.supervision_staff)
    return item


@pytest.fixture
def round_(district):
    """The district in the middle of a round: more projects (key, fiscal special, adjusted budgets),
    payments loaded, 附件1 filled, second-level packages sent on time, late or not at all, a funding hold,
    rectification items open, overdue and verified."""
    d = district
    create_project(d.s1, code="2026-S1-02", is_key_project=True, initial_other=Decimal("250000.00"))
    create_project(
        d.p2,
        code="2026-P2-02",
        project_type=ProjectType.FISCAL_SPECIAL,
        initial_fiscal=Decimal("3000000.00"),
        adjusted_fiscal=Decimal("2400000.00"),
    )
    create_project(d.sc, code="2026-SC-02", initial_fiscal=Decimal("9000000.00"))
    # The fixture writes projects straight to the table; a load would have counted them.
    cycle_rollup_rebuild(cycle=d.cycle)
    payments = [PAYMENTS_HEADER]
    for code, month, amount in [
        ("2026-S1-01", 3, "300000"),
        ("2026-S1-02", 5, "125000.50"),
        ("2026-S2-01", 8, "600000"),
        ("2026-P2-02", 2, "100000"),
        ("2026-P2-02", 9, "700000"),  # after the period: not counted
        ("2026-SC-01", 4, "800000"),
        ("2026-T-01", 1, "50000"),
    ]:
        payments.append([2026, code, month, amount, "0"])
    load_file(kind="payments", filename="treasury.csv", data=csv_bytes(payments))

    start = today()
    cycle_update(
        cycle=d.cycle,
        values={
            "due_unit_to_primary": start - timedelta(days=5),
            "due_unit_to_bureau": start + timedelta(days=2),
            "due_supervision_review": start + timedelta(days=10),
            "due_feedback_issue": start + timedelta(days=20),
            "due_rectification_report": start + timedelta(days=30),
            "due_rectification_complete": start + timedelta(days=40),
        },
        acting_user=d.sysadmin,
    )
    d.cycle.refresh_from_db()
    d.users["s2_filler"] = create_user(d.s2, Role.FILLER, username="s2_filler")
    d.users["s2_leader"] = create_user(d.s2, Role.UNIT_LEADER, username="s2_leader")
    submission_extend(
        submission=submission_for(organisation=d.s1, cycle=d.cycle),
        due_date=start + timedelta(days=1),
        reason="学校开学，延期一天。",
        acting_user=d.counterpart_a,
    )
    send(d, d.s1, d.s1_filler, d.s1_leader)  # on time (extended)
    send(d, d.s2, d.users["s2_filler"], d.users["s2_leader"])  # five days late
    fill_report(d, d.project_p2, create_user(d.p2, Role.FILLER))  # filled, not sent

    funding_decide(
        project=d.project_s2,
        status=FundingState.SUSPENDED,
        reason="执行进度严重滞后。",
        basis=[basis_item("other", "支付进度滞后", "")],
        acting_user=d.bureau_leader,
    )
    issue(d, d.town, due=start - timedelta(days=3))  # overdue
    issue(d, d.p1, due=start + timedelta(days=10))  # open
    issue(d, d.p2, due=start - timedelta(days=3), verified=True)  # closed
    return d
