"""The score's arithmetic, worked by hand: each component's deduction and reasons, the total, the caps,
what a weight change moves (only its own component) and what makes a scheme unusable."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from jixiao.scores import rules

D = Decimal
SCHEME = rules.Scheme()  # 20 points each; 2 per day late, 5 per missing report, 5 per return, 2 per gap,
# red share free up to 5%, zero from 50%, 5 per overdue item

INPUTS = rules.Inputs(
    as_of=date(2026, 12, 31),
    due_date=date(2026, 9, 15),
    sent_on=date(2026, 9, 18),  # 3 days late
    projects=4,
    reports_sent=3,  # 1 missing
    returns=1,
    gaps=2,
    budget=D("2000000.00"),
    red_budget=D("500000.00"),  # 25%
    items=3,
    items_on_time=1,
    items_late=2,
)


def test_hand_computed_case_line_by_line():
    breakdown = rules.score(INPUTS, SCHEME)
    # 及时性: 3 days × 2 = 6 → 14
    timeliness = breakdown.component("timeliness")
    assert (timeliness.weight, timeliness.deduction, timeliness.points) == (20, D("6.00"), D("14.00"))
    assert timeliness.reasons == ("报送截止 2026-09-15，2026-09-18 首次报送。", "逾期 3 天，每天扣 2 分。")
    # 完整性: 1 missing × 5 = 5 → 15
    completeness = breakdown.component("completeness")
    assert (completeness.deduction, completeness.points) == (D("5.00"), D("15.00"))
    assert completeness.reasons == ("本单位项目 4 个，已报送监控分析表 3 个。", "缺报 1 个，每个扣 5 分。")
    # 质量: 1 return × 5 + 2 gaps × 2 = 9 → 11
    quality = breakdown.component("quality")
    assert (quality.deduction, quality.points) == (D("9.00"), D("11.00"))
    assert quality.reasons == ("被退回补正 1 次，每次扣 5 分。", "审核发现问题 2 个，每个扣 2 分。")
    # 预警: share 25%, 20 × (25 − 5) / (50 − 5) = 8.888… → 8.89 off → 11.11
    warnings = breakdown.component("warnings")
    assert rules.red_share(INPUTS) == D("25.00")
    assert (warnings.deduction, warnings.points) == (D("8.89"), D("11.11"))
    assert warnings.reasons == ("红色预警项目预算占比 25%（不超过 5% 不扣分，达到 50% 不得分）。",)
    # 整改: 2 late × 5 = 10 → 10
    rectification = breakdown.component("rectification")
    assert (rectification.deduction, rectification.points) == (D("10.00"), D("10.00"))
    assert rectification.reasons == ("整改事项 3 项，按期核查销号 1 项。", "逾期 2 项，每项扣 5 分。")
    # 14 + 15 + 11 + 11.11 + 10
    assert breakdown.total == D("61.11")
    assert [c.key for c in breakdown.components] == [key for key, _label in rules.COMPONENTS]


def test_a_perfect_unit_scores_100_and_says_so():
    inputs = replace(
        INPUTS, sent_on=date(2026, 9, 15), reports_sent=4, returns=0, gaps=0, red_budget=D("100000")
    )
    inputs = replace(inputs, items_on_time=3, items_late=0)
    breakdown = rules.score(inputs, SCHEME)
    assert breakdown.total == D("100.00")
    assert breakdown.component("quality").reasons == ("未被退回，审核未发现问题。",)
    assert rules.red_share(inputs) == D("5.00")  # at the free share: no deduction


def test_deductions_never_go_below_zero():
    inputs = replace(INPUTS, sent_on=None, projects=10, reports_sent=0, returns=9, red_budget=D("1500000"))
    inputs = replace(inputs, items_late=30)
    breakdown = rules.score(inputs, SCHEME)
    assert all(c.points == 0 and c.deduction == c.weight for c in breakdown.components)
    assert breakdown.total == 0
    # not sent: late until as_of (2026-09-15 → 2026-12-31 = 107 days)
    assert breakdown.component("timeliness").reasons[0] == "报送截止 2026-09-15，截至 2026-12-31 尚未报送。"
    assert breakdown.component("timeliness").reasons[1] == "逾期 107 天，每天扣 2 分。"


def test_not_sent_before_the_due_date_costs_nothing():
    inputs = replace(INPUTS, sent_on=None, as_of=date(2026, 9, 10))
    assert rules.timeliness(inputs, SCHEME).points == 20


def test_no_budget_means_no_red_share():
    inputs = replace(INPUTS, budget=D(0), red_budget=D(0))
    assert rules.red_share(inputs) == 0
    assert rules.warnings(inputs, SCHEME).points == 20


def test_changing_a_weight_changes_only_that_component():
    before = rules.score(INPUTS, SCHEME)
    scheme = replace(SCHEME, weight_quality=30, weight_warnings=10)
    after = rules.score(INPUTS, scheme)
    changed = {c.key for c in after.components if c != before.component(c.key)}
    assert changed == {"quality", "warnings"}
    assert after.component("quality").points == D("21.00")  # 30 − 9
    assert after.component("warnings").points == D("5.56")  # 10 − 10 × 20 / 45 = 10 − 4.44
    assert after.total == before.total + D("10.00") - D("5.55")


def test_changing_a_deduction_changes_only_its_component():
    before = rules.score(INPUTS, SCHEME)
    after = rules.score(INPUTS, replace(SCHEME, late_day_points=D("1")))
    assert [c.key for c in after.components if c != before.component(c.key)] == ["timeliness"]
    assert after.component("timeliness").points == D("17.00")


def test_scheme_problems():
    assert rules.scheme_problems(SCHEME) == {}
    assert rules.scheme_problems(replace(SCHEME, weight_quality=25)) == {
        "weight_timeliness": "五项权重合计须为 100 分，现为 105 分。"
    }
    assert "gap_points" in rules.scheme_problems(replace(SCHEME, gap_points=D("-1")))
    assert "red_share_zero_pct" in rules.scheme_problems(replace(SCHEME, red_share_zero_pct=D("5")))
    assert "red_share_zero_pct" in rules.scheme_problems(replace(SCHEME, red_share_zero_pct=D("101")))


def test_inputs_breakdown_and_scheme_round_trip_through_json():
    breakdown = rules.score(INPUTS, SCHEME)
    assert rules.Inputs.from_dict(INPUTS.as_dict()) == INPUTS
    assert rules.Breakdown.from_dict(breakdown.as_dict()) == breakdown
    assert rules.Scheme.from_dict(SCHEME.as_dict()) == SCHEME
    assert breakdown.as_dict()["total"] == "61.11"
