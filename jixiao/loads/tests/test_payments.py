"""The payments loader: upserts by project + month, merges a month's vouchers, refuses a locked period,
recomputes only the reports whose amounts moved."""

from decimal import Decimal

import pytest

from jixiao.loads.models import LoadStatus
from jixiao.loads.parsing import LoadRefused
from jixiao.loads.services import load_apply, load_file, load_preview, plan_file
from jixiao.loads.tests.conftest import csv_bytes
from jixiao.monitoring.models import AnalysisReport, ReportWarning
from jixiao.monitoring.services import report_save
from jixiao.projects.models import ProjectMonth
from jixiao.testing import EXPLANATION, fill_ready_report
from jixiao.workflow.services import submission_for, submission_save_explanation, submission_submit

pytestmark = pytest.mark.django_db

HEADER = ["预算年度", "项目编码", "月份", "支付数·财政拨款（元）", "支付数·其他资金（元）"]


def months_of(project):
    return {
        m.month: (m.paid_fiscal, m.paid_other, m.planned)
        for m in ProjectMonth.objects.filter(project=project)
    }


def test_payments_upsert_by_project_and_month_and_reload_changes_nothing(district, data_manager):
    code = district.project_s1.code
    rows = [
        HEADER,
        [2026, code, "3月", "1000", "0"],
        [2026, code, "2026-04", "2000.50", "10"],
        [2026, code, 4, "1000", "0"],
    ]
    run = load_preview(
        kind="payments", filename="treasury.csv", data=csv_bytes(rows), acting_user=data_manager
    )
    assert run.counts == {"created": 2, "changed": 0, "unchanged": 0}
    assert "合并相加" in run.diff["notes"][0]
    assert not ProjectMonth.objects.exists()
    load_apply(run=run, checksum=run.checksum, acting_user=data_manager)
    assert months_of(district.project_s1) == {
        3: (Decimal("1000.00"), Decimal("0.00"), Decimal("0.00")),
        4: (Decimal("3000.50"), Decimal("10.00"), Decimal("0.00")),
    }
    again = load_file(kind="payments", filename="treasury.csv", data=csv_bytes(rows))
    assert again.counts["unchanged"] == 2 and again.counts["changed"] == again.counts["created"] == 0

    plan_only = [["预算年度", "项目编码", "月份", "用款计划（万元）"], [2026, code, 4, "1.5"]]
    changed = load_file(kind="payments", filename="plan.csv", data=csv_bytes(plan_only))
    assert changed.counts["changed"] == 1
    # the plan file leaves the payments alone
    assert months_of(district.project_s1)[4] == (Decimal("3000.50"), Decimal("10.00"), Decimal("15000.00"))


def test_unknown_project_refuses_the_whole_file(district):
    rows = [
        HEADER,
        [2026, district.project_s1.code, 3, "1000", "0"],
        [2026, "NO-SUCH", 3, "5", "0"],
        [2026, district.project_s2.code, 13, "1", "0"],
    ]
    outcome = plan_file(kind="payments", filename="t.csv", data=csv_bytes(rows))
    assert not outcome.ok
    assert {(p.row, p.message) for p in outcome.problems} >= {
        (3, "找不到2026年度项目编码为“NO-SUCH”的项目（请先加载项目）。"),
        (4, "“13”不是 1—12 的月份。"),
    }
    with pytest.raises(LoadRefused):
        load_file(kind="payments", filename="t.csv", data=csv_bytes(rows))
    assert not ProjectMonth.objects.exists()


def test_payment_in_a_locked_period_is_refused_by_project(district, data_manager):
    fill_ready_report(district, district.project_s1, district.s1_filler)
    package = submission_for(organisation=district.s1, cycle=district.cycle)
    package = submission_save_explanation(
        submission=package, values=EXPLANATION, acting_user=district.s1_filler
    )
    submission_submit(submission=package, acting_user=district.s1_leader)
    s1, s2 = district.project_s1, district.project_s2
    rows = [HEADER, [2026, s2.code, 3, "1000", "0"], [2026, s1.code, 3, "1000", "0"]]
    run = load_preview(kind="payments", filename="t.csv", data=csv_bytes(rows), acting_user=data_manager)
    assert run.status == LoadStatus.REJECTED
    assert [e["message"] for e in run.errors] == [
        f"项目“{s1.code} {s1.name}”的《{district.cycle.name}》监控分析表已报送（锁定），1—8月的支付数不能再变动"
        "（文件变动了3月起的支付数）。"
    ]
    assert not ProjectMonth.objects.exists()
    after_period = [HEADER, [2026, s1.code, 9, "1000", "0"]]
    assert load_file(kind="payments", filename="t.csv", data=csv_bytes(after_period)).counts["created"] == 1


def test_only_the_affected_reports_are_recomputed(district):
    def save(project, user):
        return report_save(
            project=project,
            cycle=district.cycle,
            values={},
            entries={},
            expected_revision=0,
            acting_user=user,
        )

    touched = save(district.project_s1, district.s1_filler)
    untouched = save(district.project_town, district.town_filler)
    assert touched.level == "red"  # nothing paid by August
    untouched_warnings = list(ReportWarning.objects.filter(report=untouched).values_list("pk", flat=True))
    rows = [HEADER, [2026, district.project_s1.code, 6, "700000", "0"]]
    run = load_file(kind="payments", filename="t.csv", data=csv_bytes(rows))
    assert run.counts["recomputed_reports"] == 1
    touched.refresh_from_db()
    assert touched.level != "red"
    assert not ReportWarning.objects.filter(report=touched, code__startswith="exec").exists()
    assert (
        list(ReportWarning.objects.filter(report=untouched).values_list("pk", flat=True))
        == untouched_warnings
    )
    assert AnalysisReport.objects.get(pk=untouched.pk).level == "red"


def test_a_plan_split_by_source_is_stored_as_its_total(district):
    code = district.project_s1.code
    rows = [
        ["预算年度", "项目编码", "月份", "用款计划·财政拨款（元）", "用款计划·其他资金（元）"],
        [2026, code, 5, "800", "200"],
    ]
    load_file(kind="payments", filename="plan.csv", data=csv_bytes(rows))
    assert months_of(district.project_s1) == {5: (Decimal("0.00"), Decimal("0.00"), Decimal("1000.00"))}
    both = [[*rows[0], "用款计划（元）"], [2026, code, 6, "", "", "300"], [2026, code, 7, "800", "", "1000"]]
    outcome = plan_file(kind="payments", filename="plan.csv", data=csv_bytes(both))
    assert [(p.row, p.message) for p in outcome.problems] == [
        (3, "“用款计划”与其分项（财政拨款、其他资金）只能填一种。")
    ]


def test_a_blank_amount_leaves_the_stored_one(district):
    code = district.project_s1.code
    load_file(
        kind="payments",
        filename="plan.csv",
        data=csv_bytes([["预算年度", "项目编码", "月份", "用款计划"], [2026, code, 5, "900"]]),
    )
    treasury = [
        ["预算年度", "项目编码", "月份", "支付数·财政拨款", "支付数·其他资金", "用款计划"],
        [2026, code, 5, "400", "", ""],
    ]
    load_file(kind="payments", filename="treasury.csv", data=csv_bytes(treasury))
    assert months_of(district.project_s1) == {5: (Decimal("400.00"), Decimal("0.00"), Decimal("900.00"))}
