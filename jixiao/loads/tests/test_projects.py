"""The projects loader: upserts by year + code, dry run, all or nothing, encodings, aliases, 万元."""

from decimal import Decimal

import pytest

from jixiao.audit.models import AuditRecord
from jixiao.loads.exports import data_rows, template_csv
from jixiao.loads.models import LoadRun, LoadStatus
from jixiao.loads.parsing import LoadRefused
from jixiao.loads.services import load_apply, load_file, load_preview, plan_file
from jixiao.loads.tests.conftest import csv_bytes, xlsx_bytes
from jixiao.projects.models import Project
from jixiao.projects.services import project_details_update

pytestmark = pytest.mark.django_db

HEADER = [
    "预算年度",
    "项目编码",
    "项目名称",
    "单位编码",
    "项目类型",
    "重点项目",
    "年初预算·财政拨款（元）",
    "年初预算·其他资金（元）",
    "调整后预算·财政拨款（元）",
]


def new_project_row(code="2026-S1-09", fiscal="500000", unit="S1"):
    return [2026, code, "校舍维修", unit, "部门预算专项", "是", fiscal, "0", ""]


def test_preview_then_confirm_creates_and_changes_exactly_once(district, data_manager):
    existing = district.project_s1
    rows = [
        HEADER,
        new_project_row(),
        [2026, existing.code, existing.name, "S1", "部门预算专项", "否", "1000000", "0", "1200000"],
    ]
    data = csv_bytes(rows)
    run = load_preview(kind="projects", filename="projects.csv", data=data, acting_user=data_manager)
    assert run.status == LoadStatus.PREVIEWED
    assert run.counts == {"created": 1, "changed": 1, "unchanged": 0}
    change = run.diff["changed"][0]
    assert change["fields"]["调整后预算·财政拨款"] == ["—", "120.00万元（1,200,000.00元）"]
    assert not Project.objects.filter(code="2026-S1-09").exists()  # the preview writes nothing

    load_apply(run=run, checksum=run.checksum, acting_user=data_manager)
    existing.refresh_from_db()
    assert existing.adjusted_fiscal == Decimal("1200000.00")
    created = Project.objects.get(year=2026, code="2026-S1-09")
    assert (
        created.owner == district.s1
        and created.is_key_project
        and created.initial_fiscal == Decimal("500000.00")
    )
    assert AuditRecord.objects.filter(action="load.projects", object_id=str(run.pk)).count() == 1

    again = load_preview(kind="projects", filename="projects.csv", data=data, acting_user=data_manager)
    assert again.counts == {"created": 0, "changed": 0, "unchanged": 2}
    load_apply(run=again, checksum=again.checksum, acting_user=data_manager)
    assert Project.objects.filter(code="2026-S1-09").count() == 1


def test_confirm_refuses_another_checksum_and_a_moved_database(district, data_manager):
    run = load_preview(
        kind="projects",
        filename="p.csv",
        data=csv_bytes([HEADER, new_project_row()]),
        acting_user=data_manager,
    )
    with pytest.raises(Exception, match="不一致"):
        load_apply(run=run, checksum="0" * 64, acting_user=data_manager)
    load_file(kind="projects", filename="other.csv", data=csv_bytes([HEADER, new_project_row(fiscal="9")]))
    with pytest.raises(Exception, match="已有变化"):
        load_apply(run=run, checksum=run.checksum, acting_user=data_manager)
    assert Project.objects.get(code="2026-S1-09").initial_fiscal == Decimal("9.00")


def test_one_bad_row_refuses_the_whole_file_with_row_and_column(district, data_manager):
    rows = [
        HEADER,
        new_project_row(),
        new_project_row(code="2026-S1-10", fiscal="十万"),
        new_project_row(code="2026-X-1", unit="NOPE"),
    ]
    run = load_preview(kind="projects", filename="bad.csv", data=csv_bytes(rows), acting_user=data_manager)
    assert run.status == LoadStatus.REJECTED
    messages = {(e["row"], e["column"], e["message"]) for e in run.errors}
    assert (3, "G列“年初预算·财政拨款（元）”", "“十万”不是金额。") in messages
    assert any(row == 4 and "NOPE" in message for row, _c, message in messages)
    with pytest.raises(LoadRefused):
        load_file(kind="projects", filename="bad.csv", data=csv_bytes(rows))
    assert not Project.objects.filter(code__in=["2026-S1-09", "2026-S1-10"]).exists()
    assert not LoadRun.objects.filter(status=LoadStatus.APPLIED).exists()


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_encodings(district, encoding):
    outcome = plan_file(
        kind="projects", filename="p.csv", data=csv_bytes([HEADER, new_project_row()], encoding)
    )
    assert outcome.ok, outcome.problems
    assert outcome.plan.created[0]["label"] == "校舍维修"


def test_aliases_and_wan_headers_in_xlsx(district):
    header = ["年度", "项目代码", "项目名称", "预算单位代码", "项目类型", "年初预算数（万元）"]
    data = xlsx_bytes(
        [["2026年项目库导出"], header, [2026, "2026-S1-09", "校舍维修", "S1", "财政专项资金", 12.5]]
    )
    run = load_file(kind="projects", filename="export.xlsx", data=data)
    assert run.counts["created"] == 1
    assert Project.objects.get(code="2026-S1-09").initial_fiscal == Decimal("125000.00")


def test_template_round_trips_the_stored_projects(district):
    data = template_csv("projects", data_rows("projects", year=2026))
    outcome = plan_file(kind="projects", filename="all.csv", data=data)
    assert outcome.ok, outcome.problems
    assert outcome.plan.counts == {"created": 0, "changed": 0, "unchanged": len(district.projects)}


def test_a_project_moved_to_another_unit(district):
    project = district.project_s2
    row = [2026, project.code, project.name, "S1", "部门预算专项", "否", "1000000", "0", ""]
    run = load_file(kind="projects", filename="p.csv", data=csv_bytes([HEADER, row]))
    assert run.diff["changed"][0]["fields"] == {"实施单位": ["第二中学", "第一中学"]}
    project.refresh_from_db()
    assert project.owner == district.s1


def test_blank_details_keep_what_the_bureau_entered_by_hand(district, data_manager):
    project = district.project_s1
    project_details_update(
        project=project,
        values={"responsible_person": "李华", "is_key_project": True},
        agencies=[],
        acting_user=data_manager,
    )
    header = [
        "预算年度",
        "项目编码",
        "项目名称",
        "单位编码",
        "项目类型",
        "项目负责人",
        "重点项目",
        "年初预算·财政拨款",
    ]
    row = [2026, project.code, project.name, "S1", "部门预算专项", "", "", "1000000"]
    run = load_file(kind="projects", filename="p.csv", data=csv_bytes([header, row]))
    assert run.counts["unchanged"] == 1
    project.refresh_from_db()
    assert project.responsible_person == "李华" and project.is_key_project
