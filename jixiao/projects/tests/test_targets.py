"""Performance targets: versioning (第十四条), indicator validation, display, project budget."""

from dataclasses import FrozenInstanceError, replace
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jixiao.audit.models import AuditRecord
from jixiao.projects.models import (
    CATEGORY_LEVEL1,
    Comparator,
    Indicator,
    IndicatorCategory,
    IndicatorLevel1,
    Project,
    ProjectType,
    TargetVersion,
    ValueType,
)
from jixiao.projects.services import IndicatorSpec, target_version_create

C = Comparator
V = ValueType


def spec(**overrides) -> IndicatorSpec:
    fields = {
        "category": IndicatorCategory.QUANTITY,
        "name": "培训人数",
        "unit": "人",
        "comparator": C.AT_LEAST,
        "value_type": V.NUMBER,
        "target_number": Decimal("500"),
    }
    fields.update(overrides)
    return IndicatorSpec(**fields)


@pytest.fixture
def project(district):
    """A project of S1 without any target version yet."""
    return Project.objects.create(
        code="2026-S1-99",
        name="校舍维修",
        year=2026,
        owner=district.s1,
        project_type=ProjectType.FISCAL_SPECIAL,
    )


def indicator_rows(version: TargetVersion) -> list[tuple]:
    return list(
        Indicator.objects.filter(version=version)
        .order_by("position")
        .values_list(
            "id", "position", "category", "name", "unit", "comparator", "value_type", "target_number"
        )
    )


# ---------------------------------------------------------------- versions


def test_first_version(project):
    version = target_version_create(project=project, annual_goal="完成维修。", indicators=[spec()])
    project.refresh_from_db()
    assert version.number == 1
    assert version.reason == ""
    assert project.current_target == version
    assert [(i.position, i.name, i.target_number) for i in version.indicators.all()] == [
        (1, "培训人数", Decimal("500"))
    ]


def test_second_version_needs_a_reason(project):
    v1 = target_version_create(project=project, annual_goal="完成维修。", indicators=[spec()])
    with pytest.raises(ValidationError) as exc:
        target_version_create(project=project, annual_goal="调整。", indicators=[spec(name="新指标")])
    assert "reason" in exc.value.message_dict
    project.refresh_from_db()
    assert project.current_target == v1
    assert TargetVersion.objects.filter(project=project).count() == 1


def test_second_version_keeps_the_first_untouched(project):
    v1 = target_version_create(
        project=project,
        annual_goal="完成维修。",
        indicators=[
            spec(),
            spec(name="验收合格率", value_type=V.PERCENT, comparator=C.EQUAL, target_number=100),
        ],
    )
    v1_rows = indicator_rows(v1)
    v2 = target_version_create(
        project=project,
        annual_goal="受政策调整影响，调减任务。",
        indicators=[spec(target_number=Decimal("300"))],
        reason="政策变化",
    )
    project.refresh_from_db()

    assert v2.number == 2
    assert v2.reason == "政策变化"
    assert project.current_target == v2
    assert indicator_rows(v1) == v1_rows  # same ids, same values
    assert len(v1_rows) == 2
    assert TargetVersion.objects.get(pk=v1.pk).annual_goal == "完成维修。"
    v2_rows = indicator_rows(v2)
    assert len(v2_rows) == 1
    assert v2_rows[0][7] == Decimal("300")
    assert not {r[0] for r in v2_rows} & {r[0] for r in v1_rows}  # its own rows

    v3 = target_version_create(
        project=project, annual_goal="再次调整。", indicators=[spec()], reason="突发事件"
    )
    assert v3.number == 3
    assert indicator_rows(v1) == v1_rows


@pytest.mark.parametrize(
    "bad",
    [
        {"value_type": V.TEXT, "comparator": C.AT_LEAST, "target_text": "群众满意", "target_number": None},
        {"value_type": V.NUMBER, "target_number": None},
        {"value_type": V.PERCENT, "comparator": C.AT_LEAST, "target_number": None},
        {"value_type": V.NUMBER, "comparator": C.QUALITATIVE},
        {"value_type": V.TEXT, "comparator": C.QUALITATIVE, "target_text": "", "target_number": None},
        {"value_type": V.DATE, "comparator": C.AT_MOST, "target_date": None, "target_number": None},
        {"value_type": V.DATE, "comparator": C.AT_LEAST, "target_date": date(2026, 11, 30)},
        {"category": "nonsense"},
        {"name": ""},
    ],
)
def test_invalid_indicator_writes_nothing(project, bad):
    v1 = target_version_create(project=project, annual_goal="完成维修。", indicators=[spec()])
    v1_rows = indicator_rows(v1)
    versions, indicators, audits = (
        TargetVersion.objects.count(),
        Indicator.objects.count(),
        AuditRecord.objects.count(),
    )

    with pytest.raises(ValidationError) as exc:
        target_version_create(
            project=project,
            annual_goal="调整。",
            indicators=[spec(name="合规指标"), spec(**bad)],
            reason="政策变化",
        )
    assert "indicator_2" in exc.value.message_dict
    assert TargetVersion.objects.count() == versions
    assert Indicator.objects.count() == indicators
    assert AuditRecord.objects.count() == audits
    project.refresh_from_db()
    assert project.current_target == v1
    assert indicator_rows(v1) == v1_rows


def test_invalid_indicator_in_first_version_writes_nothing(project):
    with pytest.raises(ValidationError):
        target_version_create(
            project=project,
            annual_goal="完成维修。",
            indicators=[spec(value_type=V.TEXT, comparator=C.AT_LEAST, target_text="好")],
        )
    project.refresh_from_db()
    assert project.current_target is None
    assert not TargetVersion.objects.filter(project=project).exists()
    assert not Indicator.objects.filter(version__project=project).exists()


def test_version_without_indicators_is_refused(project):
    with pytest.raises(ValidationError) as exc:
        target_version_create(project=project, annual_goal="完成维修。", indicators=[])
    assert "indicators" in exc.value.message_dict
    assert not TargetVersion.objects.filter(project=project).exists()


def test_version_without_goal_is_refused(project):
    with pytest.raises(ValidationError):
        target_version_create(project=project, annual_goal="", indicators=[spec()])
    assert not TargetVersion.objects.filter(project=project).exists()


def test_valid_indicator_kinds_are_accepted(project):
    version = target_version_create(
        project=project,
        annual_goal="完成维修。",
        indicators=[
            spec(),
            spec(name="成本", category=IndicatorCategory.COST, comparator=C.AT_MOST, unit="万元", target_number=20),
            spec(name="合格率", category=IndicatorCategory.QUALITY, value_type=V.PERCENT, comparator=C.EQUAL,
                 target_number=100, progress_type="level"),
            spec(name="完工", category=IndicatorCategory.TIMELINESS, value_type=V.DATE, comparator=C.AT_MOST,
                 target_number=None, target_date=date(2026, 11, 30)),
            spec(name="群众满意", category=IndicatorCategory.BENEFICIARY_SATISFACTION, value_type=V.TEXT,
                 comparator=C.QUALITATIVE, target_number=None, target_text="群众满意度明显提高"),
        ],
    )  # fmt: skip
    assert [i.position for i in version.indicators.all()] == [1, 2, 3, 4, 5]


def test_version_audit_rows(project, district):
    count = AuditRecord.objects.count()
    v1 = target_version_create(
        project=project, annual_goal="完成维修。", indicators=[spec()], acting_user=district.s1_filler
    )
    v2 = target_version_create(
        project=project,
        annual_goal="调整。",
        indicators=[spec()],
        reason="不可抗力",
        acting_user=district.s1_leader,
    )
    records = list(AuditRecord.objects.filter(action="target_version.create").order_by("id"))[-2:]
    assert AuditRecord.objects.count() == count + 2
    assert [(r.object_id, r.actor, r.organisation, r.from_state, r.to_state) for r in records] == [
        (str(v1.pk), district.s1_filler, district.s1, "", "1"),
        (str(v2.pk), district.s1_leader, district.s1, "1", "2"),
    ]
    assert records[1].comment == "不可抗力"
    assert records[0].object_type == "projects.targetversion"


def test_fixture_projects_have_version_one(district):
    for unit, project in district.projects.items():
        assert project.owner == getattr(district, unit)
        assert project.current_target.number == 1
        assert project.current_target.indicators.count() == 3


# ---------------------------------------------------------------- display


def _indicator(**fields) -> Indicator:
    return Indicator(position=1, category=IndicatorCategory.QUANTITY, name="x", **fields)


@pytest.mark.parametrize(
    ("fields", "shown"),
    [
        ({"comparator": C.AT_LEAST, "value_type": V.NUMBER, "target_number": Decimal("500"), "unit": "人"}, "≥500人"),
        ({"comparator": C.AT_MOST, "value_type": V.NUMBER, "target_number": Decimal("20"), "unit": "万元"}, "≤20万元"),
        ({"comparator": C.EQUAL, "value_type": V.PERCENT, "target_number": Decimal("100"), "unit": "%"}, "=100%"),
        ({"comparator": C.EQUAL, "value_type": V.PERCENT, "target_number": Decimal("100")}, "=100%"),
        ({"comparator": C.AT_LEAST, "value_type": V.PERCENT, "target_number": Decimal("95.5")}, "≥95.5%"),
        ({"comparator": C.AT_LEAST, "value_type": V.NUMBER, "target_number": Decimal("0.25"), "unit": "km"}, "≥0.25km"),
        ({"comparator": C.AT_MOST, "value_type": V.DATE, "target_date": date(2026, 11, 30)}, "≤2026-11-30"),
        ({"comparator": C.EQUAL, "value_type": V.DATE, "target_date": date(2026, 6, 1)}, "=2026-06-01"),
        ({"comparator": C.QUALITATIVE, "value_type": V.TEXT, "target_text": "群众满意度明显提高"}, "群众满意度明显提高"),
    ],
)  # fmt: skip
def test_target_display(fields, shown):
    assert _indicator(**fields).target_display == shown


def test_target_display_after_database_round_trip(district):
    """Stored with four decimal places (500.0000), still shown without trailing zeros."""
    by_name = {i.name: i for i in Indicator.objects.filter(version=district.project_s1.current_target)}
    assert by_name["培训人数"].target_number == Decimal("500.0000")
    assert by_name["培训人数"].target_display == "≥500人"
    assert by_name["验收合格率"].target_display == "=100%"
    assert by_name["完工时间"].target_display == "≤2026-11-30"


# ---------------------------------------------------------------- level 1


@pytest.mark.parametrize(
    ("category", "level1"),
    [
        (IndicatorCategory.QUANTITY, IndicatorLevel1.OUTPUT),
        (IndicatorCategory.QUALITY, IndicatorLevel1.OUTPUT),
        (IndicatorCategory.TIMELINESS, IndicatorLevel1.OUTPUT),
        (IndicatorCategory.COST, IndicatorLevel1.OUTPUT),
        (IndicatorCategory.ECONOMIC, IndicatorLevel1.BENEFIT),
        (IndicatorCategory.SOCIAL, IndicatorLevel1.BENEFIT),
        (IndicatorCategory.ECOLOGICAL, IndicatorLevel1.BENEFIT),
        (IndicatorCategory.SUSTAINABILITY, IndicatorLevel1.BENEFIT),
        (IndicatorCategory.BENEFICIARY_SATISFACTION, IndicatorLevel1.SATISFACTION),
    ],
)
def test_level1_follows_category(category, level1):
    indicator = Indicator(category=category)
    assert indicator.level1 == level1
    assert indicator.get_level1_display() == level1.label


def test_every_category_has_a_level1():
    assert set(CATEGORY_LEVEL1) == set(IndicatorCategory)


# ---------------------------------------------------------------- budget


def _project(**money) -> Project:
    return Project(code="x", name="x", year=2026, **money)


@pytest.mark.parametrize(
    ("money", "budget"),
    [
        ({"initial_fiscal": Decimal("100"), "initial_other": Decimal("50")}, Decimal("150")),
        ({"initial_fiscal": Decimal("100"), "adjusted_fiscal": Decimal("120"), "adjusted_other": Decimal("30")},
         Decimal("150")),
        ({"initial_fiscal": Decimal("100"), "initial_other": Decimal("50"), "adjusted_fiscal": Decimal("40"),
          "adjusted_other": Decimal("0")}, Decimal("40")),
        ({"initial_fiscal": Decimal("100"), "adjusted_fiscal": Decimal("0"), "adjusted_other": Decimal("0")},
         Decimal("0")),
    ],
)  # fmt: skip
def test_budget_uses_adjusted_when_set(money, budget):
    project = _project(**money)
    assert project.budget == budget
    assert project.is_adjusted is ("adjusted_fiscal" in money or "adjusted_other" in money)


def test_budget_round_trip(district):
    project = district.project_p1
    assert project.budget == Decimal("1000000.00")
    assert project.adjusted_total is None
    Project.objects.filter(pk=project.pk).update(adjusted_fiscal=Decimal("800000.00"))
    project.refresh_from_db()
    assert project.budget == Decimal("800000.00")
    assert project.initial_total == Decimal("1000000.00")


def test_initial_total_adds_both_sources():
    project = _project(initial_fiscal=Decimal("100.10"), initial_other=Decimal("0.20"))
    assert project.initial_total == Decimal("100.30")
    assert project.adjusted_total is None


def test_indicator_spec_is_frozen():
    # A spec cannot be changed after it was made, so a version cannot be altered through a shared spec.
    original = spec()
    changed = replace(original, target_number=Decimal("1"))
    assert original.target_number == Decimal("500")
    with pytest.raises(FrozenInstanceError):
        original.target_number = Decimal("2")
    assert changed.target_number == Decimal("1")
