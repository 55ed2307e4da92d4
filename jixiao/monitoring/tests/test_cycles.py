"""Monitoring cycles: the regulation's calendar (第十一条), default thresholds (warnings.md), validation."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from jixiao.audit.models import AuditRecord
from jixiao.monitoring.models import CycleKind, CycleStatus, MonitoringCycle, default_due_dates
from jixiao.monitoring.services import cycle_open

DUE_FIELDS = [
    "due_unit_to_primary",
    "due_unit_to_bureau",
    "due_supervision_review",
    "due_feedback_issue",
    "due_rectification_report",
    "due_rectification_complete",
]


@pytest.mark.parametrize("year", [2026, 2027, 2028])
def test_default_due_dates(year):
    assert default_due_dates(year) == {
        "due_unit_to_primary": date(year, 9, 10),
        "due_unit_to_bureau": date(year, 9, 15),
        "due_supervision_review": date(year, 9, 30),
        "due_feedback_issue": date(year, 10, 20),
        "due_rectification_report": date(year, 11, 30),
        "due_rectification_complete": date(year, 12, 31),
    }


def test_cycle_open_applies_calendar_and_thresholds(db):
    cycle = cycle_open(year=2027, acting_user=None)
    cycle = MonitoringCycle.objects.get(pk=cycle.pk)
    assert cycle.kind == CycleKind.ANNUAL
    assert cycle.status == CycleStatus.OPEN
    assert cycle.organisation is None
    assert cycle.period_end_month == 8
    assert "1—8月" in cycle.name
    assert "2027" in cycle.name
    assert cycle.period_label == "2027年1—8月"
    assert {f: getattr(cycle, f) for f in DUE_FIELDS} == default_due_dates(2027)
    assert [d for _f, _label, d in cycle.due_dates()] == [
        date(2027, 9, 10),
        date(2027, 9, 15),
        date(2027, 9, 30),
        date(2027, 10, 20),
        date(2027, 11, 30),
        date(2027, 12, 31),
    ]
    thresholds = {
        "exec_lag_red_pp": 20,
        "exec_lag_yellow_pp": 10,
        "exec_zero_min_progress_pct": 50,
        "projected_low_pct": 90,
        "indicator_lag_red_pp": 20,
        "indicator_lag_yellow_pp": 10,
        "shortfall_red_pct": 10,
        "excess_red_pct": 10,
        "over_target_note_pct": 120,
        "output_spend_mismatch_pp": 50,
        "output_ratio_cap_pct": 150,
    }
    assert {f: getattr(cycle, f) for f in thresholds} == {f: Decimal(v) for f, v in thresholds.items()}
    assert cycle.disposition_working_days == 10


def test_cycle_open_writes_audit_row(district):
    count = AuditRecord.objects.count()
    cycle = cycle_open(year=2027, acting_user=district.sysadmin)
    assert AuditRecord.objects.count() == count + 1
    record = AuditRecord.objects.latest("id")
    assert (record.action, record.actor, record.object_id, record.to_state) == (
        "cycle.open",
        district.sysadmin,
        str(cycle.pk),
        "open",
    )


@pytest.mark.parametrize(("month", "label"), [(8, "1—8月"), (6, "1—6月"), (12, "1—12月")])
def test_period_end_month_in_name_and_time_progress(db, month, label):
    cycle = cycle_open(year=2026, acting_user=None, period_end_month=month)
    assert label in cycle.name
    assert cycle.time_progress == Decimal(month) / Decimal(12)


def test_time_progress_for_august_is_exact(db):
    cycle = cycle_open(year=2026, acting_user=None)
    assert cycle.time_progress == Decimal(8) / Decimal(12)
    assert isinstance(cycle.time_progress, Decimal)


def test_given_name_is_kept(db):
    cycle = cycle_open(year=2026, acting_user=None, name="专项监控")
    assert cycle.name == "专项监控"


@pytest.mark.parametrize("month", [0, 13])
def test_period_end_month_out_of_range_is_refused(db, month):
    with pytest.raises(ValidationError) as exc:
        cycle_open(year=2026, acting_user=None, period_end_month=month)
    assert "period_end_month" in exc.value.message_dict
    assert not MonitoringCycle.objects.exists()


def test_second_annual_cycle_same_year_is_refused(db):
    """Refused by full_clean's constraint validation (ValidationError), before the database is asked."""
    first = cycle_open(year=2026, acting_user=None)
    audits = AuditRecord.objects.count()
    with pytest.raises(ValidationError) as exc:
        cycle_open(year=2026, acting_user=None, period_end_month=6)
    assert "该年度的年度监控周期已经存在。" in exc.value.message_dict[NON_FIELD_ERRORS]
    assert list(MonitoringCycle.objects.all()) == [first]
    assert AuditRecord.objects.count() == audits


def test_annual_cycles_of_different_years_coexist(db):
    cycle_open(year=2026, acting_user=None)
    cycle_open(year=2027, acting_user=None)
    assert MonitoringCycle.objects.count() == 2


def test_self_initiated_cycles_beside_the_annual_one(district):
    # The district fixture already holds the 2026 annual cycle.
    own = cycle_open(
        year=2026,
        acting_user=None,
        kind=CycleKind.SELF_INITIATED,
        organisation=district.p1,
        period_end_month=6,
    )
    again = cycle_open(
        year=2026,
        acting_user=None,
        kind=CycleKind.SELF_INITIATED,
        organisation=district.p1,
        period_end_month=9,
    )
    assert own.organisation == district.p1
    assert district.p1.name in own.name
    assert "1—6月" in own.name
    assert MonitoringCycle.objects.filter(year=2026).count() == 3
    assert again.kind == CycleKind.SELF_INITIATED


def test_self_initiated_cycle_needs_an_organisation(db):
    with pytest.raises(ValidationError) as exc:
        cycle_open(year=2026, acting_user=None, kind=CycleKind.SELF_INITIATED)
    assert "organisation" in exc.value.message_dict
    assert not MonitoringCycle.objects.exists()


@pytest.mark.parametrize("org", ["bureau", "section_a", "agency"])
def test_self_initiated_cycle_only_for_budget_units(district, org):
    count = MonitoringCycle.objects.count()
    with pytest.raises(ValidationError) as exc:
        cycle_open(
            year=2026, acting_user=None, kind=CycleKind.SELF_INITIATED, organisation=getattr(district, org)
        )
    assert "organisation" in exc.value.message_dict
    assert MonitoringCycle.objects.count() == count


def test_annual_cycle_takes_no_organisation(district):
    with pytest.raises(ValidationError) as exc:
        cycle_open(year=2027, acting_user=None, organisation=district.p1)
    assert "organisation" in exc.value.message_dict


def _cycle(**overrides) -> MonitoringCycle:
    fields = {"year": 2026, "name": "测试周期", **default_due_dates(2026), **overrides}
    return MonitoringCycle(**fields)


def test_default_cycle_is_valid(db):
    _cycle().full_clean()


@pytest.mark.parametrize(
    "overrides",
    [
        {"due_unit_to_primary": date(2026, 9, 16)},  # step 1 after step 2
        {"due_unit_to_bureau": date(2026, 10, 1)},  # step 2 after step 3
        {"due_feedback_issue": date(2026, 9, 29)},  # step 4 before step 3
        {"due_rectification_report": date(2027, 1, 1)},  # step 5 after step 6
        {"due_rectification_complete": date(2026, 11, 29)},  # step 6 before step 5
    ],
)
def test_due_dates_out_of_order_are_refused(db, overrides):
    with pytest.raises(ValidationError) as exc:
        _cycle(**overrides).full_clean()
    assert "due_unit_to_bureau" in exc.value.message_dict


def test_equal_due_dates_are_allowed(db):
    _cycle(due_unit_to_primary=date(2026, 9, 15)).full_clean()


@pytest.mark.parametrize(
    ("yellow_field", "red_field", "yellow", "red", "ok"),
    [
        ("exec_lag_yellow_pp", "exec_lag_red_pp", "10", "20", True),
        ("exec_lag_yellow_pp", "exec_lag_red_pp", "19.99", "20", True),
        ("exec_lag_yellow_pp", "exec_lag_red_pp", "20", "20", False),
        ("exec_lag_yellow_pp", "exec_lag_red_pp", "25", "20", False),
        ("indicator_lag_yellow_pp", "indicator_lag_red_pp", "10", "20", True),
        ("indicator_lag_yellow_pp", "indicator_lag_red_pp", "20", "20", False),
        ("indicator_lag_yellow_pp", "indicator_lag_red_pp", "30", "15", False),
    ],
)
def test_yellow_threshold_below_red(db, yellow_field, red_field, yellow, red, ok):
    cycle = _cycle(**{yellow_field: Decimal(yellow), red_field: Decimal(red)})
    if ok:
        cycle.full_clean()
    else:
        with pytest.raises(ValidationError) as exc:
            cycle.full_clean()
        assert yellow_field in exc.value.message_dict
