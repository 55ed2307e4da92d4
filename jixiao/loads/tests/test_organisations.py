"""The organisations loader: upserts by code, parents first within the file, the tree's rules enforced."""

import pytest

from jixiao.loads.parsing import LoadRefused
from jixiao.loads.services import load_file, plan_file
from jixiao.loads.tests.conftest import csv_bytes
from jixiao.organisations.models import Organisation

pytestmark = pytest.mark.django_db

HEADER = ["机构编码", "机构名称", "机构类型", "上级机构编码", "对口服务股室编码", "涉密单位"]


def test_units_created_parents_first_and_changed_by_code(district):
    rows = [
        HEADER,
        ["S9", "第九中学", "二级预算单位", "P9", "", "否"],
        ["P9", "区卫生健康局", "一级预算单位", "", "SEC-B", "否"],
        ["S1", "区第一中学", "二级预算单位", "P1", "", "否"],
        ["S2", "第二中学", "二级预算单位", "P1", "", "否"],
    ]
    plan = plan_file(kind="organisations", filename="orgs.csv", data=csv_bytes(rows)).plan
    assert plan.counts == {"created": 2, "changed": 1, "unchanged": 1}
    assert plan.changed[0]["fields"] == {"机构名称": ["第一中学", "区第一中学"]}
    load_file(kind="organisations", filename="orgs.csv", data=csv_bytes(rows))
    s9 = Organisation.objects.get(code="S9")
    assert s9.parent.code == "P9" and s9.path == f"{s9.parent.path}{s9.pk}/"
    assert Organisation.objects.get(code="P9").counterpart_section == district.section_b
    assert Organisation.objects.get(code="S1").name == "区第一中学"
    again = load_file(kind="organisations", filename="orgs.csv", data=csv_bytes(rows))
    assert again.counts["created"] == again.counts["changed"] == 0


def test_a_bad_row_refuses_the_whole_file(district):
    rows = [
        HEADER,
        ["P9", "区卫生健康局", "一级预算单位", "", "", "否"],
        ["S9", "第九中学", "二级预算单位", "SEC-A", "", "否"],  # a unit under a bureau section
        ["S8", "第八中学", "二级预算单位", "P1", "S1", "否"],  # S1 is no counterpart section
    ]
    outcome = plan_file(kind="organisations", filename="orgs.csv", data=csv_bytes(rows))
    assert [p.row for p in outcome.problems] == [3, 4]
    with pytest.raises(LoadRefused):
        load_file(kind="organisations", filename="orgs.csv", data=csv_bytes(rows))
    assert not Organisation.objects.filter(code__in=["P9", "S9", "S8"]).exists()


def test_the_preview_applies_the_trees_rules(district):
    rows = [HEADER, ["P1", "区教育局", "第三方机构", "", "", "否"]]  # its schools cannot sit under an agency
    outcome = plan_file(kind="organisations", filename="orgs.csv", data=csv_bytes(rows))
    assert [p.message for p in outcome.problems] == [
        "机构“P1”：本机构下设的机构不能隶属于新的机构类型，请先调整下级机构。"
    ]
    assert Organisation.objects.get(code="P1").kind == "primary_unit"
