"""The cycle roll-up is kept by the services that change what it counts: after any sequence of cycle
opening, 附件1 saves, recomputes and loads of projects, targets and payments it equals a full recount."""

from decimal import Decimal
from unittest import mock

import pytest

from jixiao.adjustments.tests.conftest import fill_report
from jixiao.conftest import create_project
from jixiao.loads.services import load_file
from jixiao.loads.tests.conftest import csv_bytes
from jixiao.monitoring import rollup
from jixiao.monitoring.models import AnalysisReport, CycleRollup
from jixiao.monitoring.recompute import cycle_recompute_warnings
from jixiao.monitoring.rollup import cycle_rollup_rebuild
from jixiao.monitoring.services import cycle_open, cycle_update, report_save
from jixiao.monitoring.versions import cycle_version
from jixiao.organisations.models import Role
from jixiao.projects.models import Project
from jixiao.projects.services import project_details_update
from jixiao.testing import create_user

pytestmark = pytest.mark.django_db

PROJECTS_HEADER = [
    "预算年度",
    "项目编码",
    "项目名称",
    "单位编码",
    "项目类型",
    "重点项目",
    "年初预算·财政拨款（元）",
]
TARGETS_HEADER = [
    "预算年度",
    "项目编码",
    "年度总体目标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "计量单位",
]
PAYMENTS_HEADER = ["预算年度", "项目编码", "月份", "支付数·财政拨款（元）", "支付数·其他资金（元）"]


def stored(cycle) -> set[tuple]:
    return set(
        CycleRollup.objects.filter(cycle=cycle).values_list(
            "organisation_id",
            "level",
            "project_type",
            "is_key_project",
            "projects",
            "budget",
            "paid",
            "quantitative",
            "qualitative",
        )
    )


def recounted(cycle) -> tuple[set[tuple], set[tuple]]:
    """What is stored, and a recount from nothing (a cycle with no rows is counted whole)."""
    kept = stored(cycle)
    CycleRollup.objects.filter(cycle=cycle).delete()
    cycle_rollup_rebuild(cycle=cycle)
    return kept, stored(cycle)


def of_unit(cycle, unit) -> dict:
    rows = CycleRollup.objects.filter(cycle=cycle, organisation=unit)
    return {
        "projects": sum(r.projects for r in rows),
        "budget": sum((r.budget for r in rows), Decimal(0)),
        "paid": sum((r.paid for r in rows), Decimal(0)),
        "levels": {r.level: r.projects for r in rows},
        "quantitative": sum(r.quantitative for r in rows),
    }


def test_opening_a_cycle_counts_the_projects_of_its_year(district, make_project):
    make_project(district.s1, code="2027-S1-01", year=2027, initial_fiscal=Decimal("800000"))
    cycle = cycle_open(year=2027, acting_user=None)
    assert of_unit(cycle, district.s1) == {
        "projects": 1,
        "budget": Decimal("800000.00"),
        "paid": Decimal("0"),
        "levels": {"none": 1},
        "quantitative": 3,
    }
    assert not CycleRollup.objects.filter(cycle=cycle, organisation=district.s2).exists()


def test_saves_and_loads_keep_it_equal_to_a_recount(district):
    cycle = district.cycle
    cycle_rollup_rebuild(cycle=cycle)  # the fixture wrote its projects straight to the table
    fill_report(district, district.project_s1, district.s1_filler)
    assert of_unit(cycle, district.s1)["levels"] == {"red": 1}
    assert of_unit(cycle, district.s2)["levels"] == {"none": 1}

    load_file(
        kind="projects",
        filename="projects.csv",
        data=csv_bytes(
            [PROJECTS_HEADER, [2026, "2026-S2-09", "校舍维修", "S2", "部门预算专项", "是", "500000"]]
        ),
    )
    assert of_unit(cycle, district.s2)["projects"] == 2
    load_file(
        kind="targets",
        filename="targets.csv",
        data=csv_bytes(
            [
                TARGETS_HEADER,
                [
                    2026,
                    "2026-S2-09",
                    "完成维修。",
                    "产出指标",
                    "数量指标",
                    "维修面积",
                    "≥500平方米",
                    "平方米",
                ],
            ]
        ),
    )
    assert of_unit(cycle, district.s2)["quantitative"] == 3 + 1
    load_file(
        kind="payments",
        filename="treasury.csv",
        data=csv_bytes(
            [PAYMENTS_HEADER, [2026, "2026-S2-09", 4, "120000", "30000"], [2026, "2026-S2-01", 10, "9", "0"]]
        ),
    )
    assert of_unit(cycle, district.s2)["paid"] == Decimal("150000.00")
    kept, recount = recounted(cycle)
    assert kept == recount


def test_a_recompute_recounts_the_cycle(district):
    cycle = district.cycle
    cycle_rollup_rebuild(cycle=cycle)
    fill_report(district, district.project_s1, district.s1_filler)
    Project.objects.filter(pk=district.project_s2.pk).update(initial_fiscal=Decimal("42"))
    cycle_update(cycle=cycle, values={"exec_lag_red_pp": Decimal("95")}, acting_user=district.sysadmin)
    cycle_recompute_warnings(cycle)
    assert of_unit(cycle, district.s2)["budget"] == Decimal("42.00")
    kept, recount = recounted(cycle)
    assert kept == recount


def test_only_the_saving_units_rows_are_rewritten(district):
    cycle = district.cycle
    cycle_rollup_rebuild(cycle=cycle)
    others = set(CycleRollup.objects.exclude(organisation=district.s1).values_list("pk", flat=True))
    fill_report(district, district.project_s1, district.s1_filler)
    assert set(CycleRollup.objects.exclude(organisation=district.s1).values_list("pk", flat=True)) == others


def test_a_rebuild_recounts_only_the_units_out_of_line(district):
    cycle = district.cycle
    cycle_rollup_rebuild(cycle=cycle)
    fill_report(district, district.project_s1, district.s1_filler)
    rows = set(CycleRollup.objects.filter(cycle=cycle).values_list("pk", flat=True))
    cycle_rollup_rebuild(cycle=cycle)
    assert set(CycleRollup.objects.filter(cycle=cycle).values_list("pk", flat=True)) == rows  # all in line
    others = CycleRollup.objects.filter(cycle=cycle).exclude(organisation=district.s1)
    kept_others = set(others.values_list("pk", flat=True))
    AnalysisReport.objects.filter(project=district.project_s1).update(level="green")  # a level moved
    cycle_rollup_rebuild(cycle=cycle)
    assert of_unit(cycle, district.s1)["levels"] == {"green": 1}
    assert set(others.values_list("pk", flat=True)) == kept_others
    kept, recount = recounted(cycle)
    assert kept == recount


def test_many_projects_cost_the_same_rows_per_group(district):
    for number in range(12):
        create_project(district.s3, code=f"2026-S3-{number + 10:02d}")
    cycle_rollup_rebuild(cycle=district.cycle)
    assert CycleRollup.objects.filter(cycle=district.cycle, organisation=district.s3).count() == 1
    assert of_unit(district.cycle, district.s3)["projects"] == 13


COMPLETION_FIELDS = (
    "completion_none",
    "completion_low",
    "completion_mid",
    "completion_high",
    "completion_met",
)


def completion(cycle) -> set[tuple]:
    return set(
        CycleRollup.objects.filter(cycle=cycle).values_list("organisation_id", "level", *COMPLETION_FIELDS)
    )


def test_a_save_moves_the_rows_by_its_project_without_recounting_the_unit(district, make_project):
    cycle = district.cycle
    for number in range(3):
        make_project(district.s1, code=f"2026-S1-M{number}")
    cycle_rollup_rebuild(cycle=cycle)
    with mock.patch.object(rollup, "_replace", wraps=rollup._replace) as recount:
        report = fill_report(district, district.project_s1, district.s1_filler)  # first save: none → red
        indicators = district.project_s1.current_target.indicators.all()
        report_save(  # saved again: every indicator filled, so the completion counts move too
            project=district.project_s1,
            cycle=cycle,
            values={},
            entries={
                i.pk: {"actual_number": i.target_number} for i in indicators if i.target_number is not None
            },
            expected_revision=report.revision,
            acting_user=district.s1_filler,
        )
    assert recount.call_count == 0
    assert sum(of_unit(cycle, district.s1)["levels"].values()) == 4
    figures = stored(cycle), completion(cycle)
    CycleRollup.objects.filter(cycle=cycle).delete()
    cycle_rollup_rebuild(cycle=cycle)
    assert (stored(cycle), completion(cycle)) == figures


def test_a_save_over_rows_out_of_line_recounts_its_unit(district):
    cycle = district.cycle
    cycle_rollup_rebuild(cycle=cycle)
    CycleRollup.objects.filter(cycle=cycle, organisation=district.s1).delete()  # lost, whatever the cause
    fill_report(district, district.project_s1, district.s1_filler)
    assert of_unit(cycle, district.s1)["levels"] == {"red": 1}
    kept, recount = recounted(cycle)
    assert kept == recount


def test_a_key_flag_set_by_hand_is_recounted_and_outdates_what_is_cached(
    district, django_capture_on_commit_callbacks
):
    data_manager = create_user(district.bureau, Role.DATA_MANAGER, username="data_manager")
    cycle = district.cycle
    cycle_rollup_rebuild(cycle=cycle)  # the fixture wrote its projects straight to the table
    project = district.project_s1
    assert not project.is_key_project
    version = cycle_version(cycle.pk)
    with django_capture_on_commit_callbacks(execute=True):
        project_details_update(
            project=project, values={"is_key_project": True}, agencies=[], acting_user=data_manager
        )
    keys = CycleRollup.objects.filter(cycle=cycle, organisation=district.s1, is_key_project=True)
    assert sum(r.projects for r in keys) == 1
    kept, recount = recounted(cycle)
    assert kept == recount
    assert cycle_version(cycle.pk) > version
