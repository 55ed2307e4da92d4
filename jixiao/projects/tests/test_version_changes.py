"""What a target version changed against the one before it, as the project page's history lists it."""

from dataclasses import replace
from decimal import Decimal

import pytest

from jixiao.projects.models import Comparator, IndicatorCategory, ValueType
from jixiao.projects.services import IndicatorSpec, target_version_create
from jixiao.projects.targets import version_changes

pytestmark = pytest.mark.django_db


def test_changed_added_and_removed_indicators_and_the_goal(make_project, district):
    project = make_project(district.s1)
    first = project.current_target
    specs = [IndicatorSpec.of(i) for i in first.indicators.order_by("position")]
    specs[0] = replace(specs[0], target_number=Decimal("400"))
    specs[2] = IndicatorSpec(
        category=IndicatorCategory.SOCIAL,
        name="受益群众",
        unit="户",
        comparator=Comparator.AT_LEAST,
        value_type=ValueType.NUMBER,
        target_number=Decimal("1200"),
    )
    second = target_version_create(
        project=project, annual_goal="调整后的目标。", indicators=specs, reason="调整"
    )
    assert version_changes(None, first) == []
    assert version_changes(first, second) == [
        "年度总体目标已修改",
        "培训人数：≥500人 → ≥400人",
        "新增指标“受益群众”：≥1200户",
        "删除指标“完工时间”",
    ]
    assert version_changes(second, second) == []
