"""The goals and indicators loader: comparators as the target tables write them, inferred and overridden
progress types, a changed target versioned (old reports keep theirs), reloads changing nothing."""

from datetime import date
from decimal import Decimal

import pytest

from jixiao.loads.exports import data_rows, template_xlsx
from jixiao.loads.models import LoadStatus
from jixiao.loads.plans import infer_progress_type
from jixiao.loads.services import load_apply, load_choose_progress, load_file, load_preview, plan_file
from jixiao.loads.tests.conftest import csv_bytes, xlsx_bytes
from jixiao.monitoring.services import report_save
from jixiao.projects.models import TargetVersion
from jixiao.projects.targets import TargetTextError, parse_target

pytestmark = pytest.mark.django_db

HEADER = ["预算年度", "项目编码", "年度总体目标", "一级指标", "二级指标", "三级指标", "指标值", "计量单位"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "≥500人",
            {"comparator": ">=", "value_type": "number", "target_number": Decimal("500"), "unit": "人"},
        ),
        (
            "≤20万元",
            {"comparator": "<=", "value_type": "number", "target_number": Decimal("20"), "unit": "万元"},
        ),
        ("=100%", {"comparator": "=", "value_type": "percent", "target_number": Decimal("100"), "unit": "%"}),
        (
            "＝95.5%",
            {"comparator": "=", "value_type": "percent", "target_number": Decimal("95.5"), "unit": "%"},
        ),
        (
            "不少于1,200户",
            {"comparator": ">=", "value_type": "number", "target_number": Decimal("1200"), "unit": "户"},
        ),
        ("≤2026-11-30", {"comparator": "<=", "value_type": "date", "target_date": date(2026, 11, 30)}),
        (
            "定性：群众反映良好",
            {"comparator": "qualitative", "value_type": "text", "target_text": "群众反映良好"},
        ),
        ("明显改善", {"comparator": "qualitative", "value_type": "text", "target_text": "明显改善"}),
    ],
)
def test_targets_as_the_tables_write_them(text, expected):
    assert parse_target(text) == expected


@pytest.mark.parametrize("text", ["≥很多", "100%", "500", "≥2026-02-30"])
def test_a_target_without_a_sign_or_a_value_is_an_error(text):
    with pytest.raises(TargetTextError):
        parse_target(text)


def test_an_uncalculated_formula_is_refused(district):
    rows = rows_for(district.project_s1.code)
    rows[2][6] = "=100%"  # typed into Excel without a leading quote: a formula never calculated
    outcome = plan_file(kind="targets", filename="t.xlsx", data=xlsx_bytes(rows, formulas=True))
    assert [(p.row, p.message) for p in outcome.problems] == [
        (3, "单元格含公式且没有计算结果，请粘贴为数值后再加载。")
    ]


def test_progress_type_inferred_from_category_and_unit():
    assert infer_progress_type("beneficiary_satisfaction", "群众满意度", "%", "percent") == "level"
    assert infer_progress_type("quality", "验收合格率", "", "number") == "level"
    assert infer_progress_type("quantity", "培训人数", "人", "number") == "cumulative"
    assert infer_progress_type("cost", "单位成本", "万元", "number") == "cumulative"


def rows_for(code, *, goal="完成年度任务。", count="≥600人"):
    return [
        HEADER,
        [2026, code, goal, "产出指标", "数量指标", "培训人数", count, "人"],
        [2026, code, "", "产出指标", "质量指标", "验收合格率", "=100%", "%"],
        [2026, code, "", "产出指标", "时效指标", "完工时间", "≤2026-11-30", ""],
        [2026, code, "", "满意度指标", "服务对象满意度指标", "学生满意度", "≥90%", ""],
    ]


def test_changed_target_of_a_reported_project_gets_a_new_version(district, data_manager):
    project = district.project_s1
    report = report_save(
        project=project,
        cycle=district.cycle,
        values={},
        entries={},
        expected_revision=0,
        acting_user=district.s1_filler,
    )
    run = load_preview(
        kind="targets",
        filename="targets.csv",
        data=csv_bytes(rows_for(project.code)),
        acting_user=data_manager,
    )
    assert run.status == LoadStatus.PREVIEWED, run.errors
    change = run.diff["changed"][0]
    assert "已有 1 份监控分析表，将新增一版绩效目标" in change["note"]
    assert "培训人数 ≥600人（累计型）" in change["fields"]["绩效指标"][1]
    assert [e["name"] for e in change["inferred"]] == ["培训人数", "验收合格率", "完工时间", "学生满意度"]
    assert change["inferred"][3]["progress"] == "level"
    assert TargetVersion.objects.filter(project=project).count() == 1

    load_apply(run=run, checksum=run.checksum, acting_user=data_manager)
    project.refresh_from_db()
    assert project.current_target.number == 2
    assert project.current_target.reason.startswith("按绩效目标表更新")
    assert project.current_target.indicators.get(name="培训人数").target_number == 600
    report.refresh_from_db()
    assert report.target_version.number == 1  # the filled report keeps the version it was filled against

    again = load_file(kind="targets", filename="targets.csv", data=csv_bytes(rows_for(project.code)))
    assert again.counts == {"created": 0, "changed": 0, "unchanged": 1, "recomputed_reports": 0}
    assert TargetVersion.objects.filter(project=project).count() == 2


def test_inferred_progress_type_can_be_overridden_before_confirming(district, data_manager):
    project = district.project_s2
    run = load_preview(
        kind="targets", filename="t.csv", data=csv_bytes(rows_for(project.code)), acting_user=data_manager
    )
    key = f"2026|{project.code}|学生满意度"
    run = load_choose_progress(run=run, progress={key: "cumulative"}, acting_user=data_manager)
    assert "学生满意度 ≥90%（累计型）" in run.diff["changed"][0]["fields"]["绩效指标"][1]
    load_apply(run=run, checksum=run.checksum, acting_user=data_manager)
    project.refresh_from_db()
    assert project.current_target.indicators.get(name="学生满意度").progress_type == "cumulative"


def test_a_bad_indicator_refuses_the_whole_file(district):
    rows = rows_for(district.project_s1.code) + rows_for(district.project_s2.code)[1:]
    rows[-1][6] = "≥2026-11-30"  # a date may not be a lower bound
    rows[-2][4] = "效率指标"
    outcome = plan_file(kind="targets", filename="t.csv", data=csv_bytes(rows))
    assert not outcome.ok
    assert {(p.row, p.column) for p in outcome.problems} == {(9, "G列“指标值”"), (8, "E列“二级指标”")}
    assert TargetVersion.objects.filter(number=2).count() == 0


def test_current_targets_exported_through_the_template_reload_unchanged(district):
    data = template_xlsx("targets", data_rows("targets", year=2026))
    outcome = plan_file(kind="targets", filename="targets.xlsx", data=data)
    assert outcome.ok, outcome.problems
    assert outcome.plan.counts == {"created": 0, "changed": 0, "unchanged": len(district.projects)}
