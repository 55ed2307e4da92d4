"""Many projects' targets added at once (the budget system's targets table): the same rules as one
version at a time, one audit record per version, nothing written when one project is refused."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jixiao.audit.models import AuditRecord
from jixiao.projects.models import Comparator, Indicator, IndicatorCategory, Project, TargetVersion, ValueType
from jixiao.projects.services import indicator_problems, target_version_create, target_versions_load
from jixiao.projects.tests.test_targets import spec

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects(district):
    """Two projects of S1 without a target and one with its first version."""
    made = [
        Project.objects.create(
            code=f"2026-S1-9{n}", name=f"项目{n}", year=2026, owner=district.s1, project_type="fiscal_special"
        )
        for n in range(3)
    ]
    target_version_create(project=made[2], annual_goal="原目标。", indicators=[spec()])
    return made


def test_versions_are_added_with_their_indicators_and_audit_records(projects, district):
    first, second, third = projects
    audits = AuditRecord.objects.count()
    added = target_versions_load(
        targets=[
            (first.pk, "目标一。", [spec(), spec(name="完工", category=IndicatorCategory.TIMELINESS,
                                              value_type=ValueType.DATE, comparator=Comparator.AT_MOST,
                                              target_number=None, target_date=date(2026, 11, 30))]),
            (second.pk, "目标二。", [spec(target_number=Decimal("12.5"))]),
            (third.pk, "调整后的目标。", [spec(name="新指标")]),
        ],
        reason="按绩效目标表更新",
        acting_user=None,
    )  # fmt: skip
    assert added == 3
    for project in projects:
        project.refresh_from_db()
    assert [p.current_target.number for p in projects] == [1, 1, 2]
    assert [p.current_target.reason for p in projects] == ["", "", "按绩效目标表更新"]
    assert list(first.current_target.indicators.values_list("position", "name", "target_date")) == [
        (1, "培训人数", None),
        (2, "完工", date(2026, 11, 30)),
    ]
    assert second.current_target.indicators.get().target_number == Decimal("12.5")
    assert TargetVersion.objects.get(project=third, number=1).indicators.get().name == "培训人数"
    records = list(AuditRecord.objects.filter(action="target_version.create").order_by("id"))[-3:]
    assert AuditRecord.objects.count() == audits + 3
    assert [(r.object_id, r.organisation, r.from_state, r.to_state, r.comment) for r in records] == [
        (str(first.current_target_id), district.s1, "", "1", ""),
        (str(second.current_target_id), district.s1, "", "1", ""),
        (str(third.current_target_id), district.s1, "1", "2", "按绩效目标表更新"),
    ]
    assert records[2].object_repr == f"{third.code} 第2版" and records[2].actor_name == "系统"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"specs": []}, "indicators"),
        ({"specs": [spec(), spec(value_type=ValueType.DATE, target_number=None, target_date=date(2026, 1, 1))]},
         "indicator_2"),
    ],
)  # fmt: skip
def test_one_refused_project_writes_nothing(projects, change, field):
    first, _second, third = projects
    counts = (TargetVersion.objects.count(), Indicator.objects.count(), AuditRecord.objects.count())
    with pytest.raises(ValidationError) as exc:
        target_versions_load(
            targets=[(first.pk, "目标一。", [spec()]), (third.pk, "调整。", change.get("specs", [spec()]))],
            reason=change.get("reason", "原因"),
        )
    assert field in exc.value.message_dict
    assert (TargetVersion.objects.count(), Indicator.objects.count(), AuditRecord.objects.count()) == counts
    first.refresh_from_db()
    assert first.current_target is None


@pytest.mark.parametrize(
    "bad",
    [
        {"value_type": ValueType.TEXT, "comparator": Comparator.AT_LEAST, "target_text": "好", "target_number": None},
        {"value_type": ValueType.NUMBER, "target_number": None},
        {"value_type": ValueType.PERCENT, "target_number": Decimal("1.00001")},
        {"target_number": Decimal("1e15")},
        {"name": "长" * 121},
        {"unit": "单" * 21},
        {"category": "nonsense"},
        {"name": ""},
    ],
)  # fmt: skip
def test_the_quick_check_lets_through_only_what_the_model_accepts(bad):
    assert indicator_problems(spec()) == []
    assert indicator_problems(spec(**bad))
