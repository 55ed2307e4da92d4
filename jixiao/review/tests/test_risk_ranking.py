"""Step 3's risk ranking on rounds that differ in levels, lateness and returns, each built through the
services: the score explains every component, a second-level unit's project carries its first-level
unit's lateness, filters narrow the ranking, and a key item keeps its score and reasons."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jixiao.audit.models import AuditRecord
from jixiao.monitoring.models import WarningLevel
from jixiao.review.models import KeyItemSource
from jixiao.review.selectors import key_item_list, project_ranking
from jixiao.review.services import key_item_mark
from jixiao.review.tests.test_supervision import ranked_ids
from jixiao.testing import bureau_round
from jixiao.workflow.services import submission_return, submission_submit
from jixiao.workflow.tests.test_review_findings import sent_step_two

pytestmark = pytest.mark.django_db


def test_ranking_orders_by_explained_score(district):
    d = bureau_round(
        district,
        {"town": WarningLevel.RED, "p1": WarningLevel.YELLOW},
        late_days={"town": 3},
        returns={"town": 1},
    )
    d.project_s1.is_key_project = True
    d.project_s1.initial_fiscal = Decimal("12000000.00")
    d.project_s1.save()

    ranking = project_ranking(user=d.supervision_staff, cycle=d.cycle)
    assert [r.project_id for r in ranking] == [d.project_town.pk, d.project_s1.pk, d.project_p1.pk]
    town, s1, p1 = ranking
    assert town.score.explanation == "红色预警 +40；预算 100.00万元 +5；报送逾期 3 天 +6；退回 1 次 +5"
    assert s1.score.explanation == "预算 1,200.00万元 +15；重点项目 +20"
    assert p1.score.explanation == "黄色预警 +20；预算 100.00万元 +5"


def test_a_second_level_units_project_carries_its_first_level_units_lateness(district):
    d = bureau_round(district, late_days={"p1": 2}, returns={"p1": 2})
    scores = {r.project_id: r.score for r in project_ranking(user=d.supervision_staff, cycle=d.cycle)}
    assert "报送逾期 2 天 +4；退回 2 次 +10" in scores[d.project_s1.pk].explanation
    assert "逾期" not in scores[d.project_town.pk].explanation


def test_ranking_filters_by_unit_and_level(district):
    d = bureau_round(district, {"s1": WarningLevel.RED})
    assert set(ranked_ids(d, d.supervision_staff, unit=d.p1)) == {d.project_p1.pk, d.project_s1.pk}
    assert ranked_ids(d, d.supervision_staff, level=WarningLevel.RED) == [d.project_s1.pk]
    assert ranked_ids(d, d.supervision_staff, unit=d.town, level=WarningLevel.RED) == []


def test_mark_stores_the_score_and_its_reasons(district):
    d = bureau_round(district, {"town": WarningLevel.RED})
    item = key_item_mark(
        cycle=d.cycle, project=d.project_town, source=KeyItemSource.RISK, acting_user=d.supervision_staff
    )
    assert item.risk_score == 45
    assert item.reasons == ["红色预警 +40", "预算 100.00万元 +5"]
    assert AuditRecord.objects.filter(action="key_item.mark", to_state="risk").exists()
    with pytest.raises(ValidationError, match="已列为重点审核项目"):
        key_item_mark(
            cycle=d.cycle,
            project=d.project_town,
            source=KeyItemSource.MANUAL,
            acting_user=d.supervision_staff,
        )
    assert [k.project for k in key_item_list(user=d.counterpart_a, cycle=d.cycle)] == [d.project_town]
    assert list(key_item_list(user=d.counterpart_b, cycle=d.cycle)) == []


def test_a_return_through_the_workflow_counts_in_the_risk_score(
    district, make_user, django_capture_on_commit_callbacks
):
    """The score counts returns from the package's own transition rows, as the return service writes them,
    once they are committed (the ranking read before is kept until then)."""
    package = sent_step_two(district, make_user)

    def returns_reason() -> str:
        scores = {
            r.project_id: r.score
            for r in project_ranking(user=district.supervision_staff, cycle=district.cycle)
        }
        return scores[district.project_p1.pk].explanation

    assert "退回" not in returns_reason()
    with django_capture_on_commit_callbacks(execute=True):
        returned = submission_return(
            submission=package, comment="请补充整体报告", acting_user=district.counterpart_a
        )
        submission_submit(submission=returned, acting_user=district.p1_leader, confirmed=True)

    assert "退回 1 次 +5" in returns_reason()
    assert returned.returns.get().transition == returned.transitions.get(action="submission.return")
