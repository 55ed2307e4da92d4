"""The score on the district built through the services: the inputs counted from packages, returns, review
opinions, 附件1 levels and rectification items; the scheme (who sets it, until when, its audit record); the
freeze at the close (it does not move with later events); who sees the table, the export and a breakdown
(both directions, another unit's id 404); flat query counts."""

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jixiao.audit.models import AuditRecord
from jixiao.conftest import create_organisation, create_project
from jixiao.core.errors import ServiceError
from jixiao.monitoring.models import AnalysisReport, CycleKind, CycleStatus, WarningLevel
from jixiao.monitoring.services import cycle_open, cycle_update, report_save
from jixiao.organisations.models import OrganisationKind
from jixiao.review.services import opinion_create
from jixiao.scores import rules
from jixiao.scores.models import FrozenScore, ScoreFreeze
from jixiao.scores.selectors import cycle_scores, score_table, unit_score
from jixiao.scores.services import scheme_update, scores_freeze
from jixiao.testing import feedback_issued, package_at_the_bureau
from jixiao.workflow.services import (
    submission_for,
    submission_return,
    submission_save_explanation,
    submission_submit,
)

pytestmark = pytest.mark.django_db

EXPLANATION = {
    "narrative_rules": "制度健全",
    "narrative_outputs": "产出正常",
    "narrative_benefits": "效益明显",
    "narrative_conditions": "条件未变",
    "narrative_funds": "资金安全",
    "narrative_deviation": "无明显偏离",
    "narrative_innovation": "无",
}
SCORED = ["town", "p1", "p2", "s1", "s2", "s3"]  # the classified SC is not scored


def dates_from_today(district, *, late: int) -> None:
    """Due dates around today: the second-level units' step `late` days ago, the rest ahead."""
    today = timezone.localdate()
    fields = [
        "due_unit_to_bureau",
        "due_supervision_review",
        "due_feedback_issue",
        "due_rectification_report",
        "due_rectification_complete",
    ]
    values = {"due_unit_to_primary": today - timedelta(days=late)}
    values |= {name: today + timedelta(days=n) for n, name in enumerate(fields, start=1)}
    cycle_update(cycle=district.cycle, values=values, acting_user=district.sysadmin)
    district.cycle.refresh_from_db()


def send_s1(district):
    explained = {"deviation_funding": "资金拨付滞后", "corrective_measures": "加快拨付"}
    project = district.project_s1
    report_save(
        project=project,
        cycle=district.cycle,
        values=explained,
        entries={i.pk: explained for i in project.current_target.indicators.all()},
        expected_revision=AnalysisReport.objects.filter(project=project)
        .values_list("revision", flat=True)
        .first()
        or 0,
        acting_user=district.s1_filler,
    )
    package = submission_for(organisation=district.s1, cycle=district.cycle)
    package = submission_save_explanation(
        submission=package, values=EXPLANATION, acting_user=district.s1_filler
    )
    return submission_submit(submission=package, acting_user=district.s1_leader, confirmed=True)


def by_unit(rows) -> dict:
    return {row.organisation.code: row for row in rows}


def close(district):
    cycle_update(cycle=district.cycle, values={"status": CycleStatus.CLOSED}, acting_user=district.sysadmin)
    district.cycle.refresh_from_db()


@pytest.fixture
def round_played(district):
    """S1 sent 2 days late, returned once by P1 and sent again; P1 at the bureau with one review opinion;
    the town's 附件2 of two items issued."""
    dates_from_today(district, late=2)
    package = send_s1(district)
    submission_return(submission=package, comment="请补充偏差原因", acting_user=district.p1_leader)
    submission_submit(submission=package, acting_user=district.s1_leader, confirmed=True)
    package_at_the_bureau(district, district.p1)
    opinion_create(
        cycle=district.cycle,
        unit=district.p1,
        project=None,
        problem="整体报告未分析偏差原因",
        requirement="补充分析",
        acting_user=district.supervision_staff,
    )
    feedback_issued(district, district.town, items=2)
    return district


def test_inputs_are_counted_from_the_round(round_played):
    district = round_played
    scores = by_unit(score_table(user=district.bureau_leader, cycle=district.cycle).rows)
    assert sorted(scores) == sorted(getattr(district, name).code for name in SCORED)
    today = timezone.localdate()
    s1 = scores["S1"].inputs
    assert (s1.due_date, s1.sent_on, s1.as_of) == (today - timedelta(days=2), today, today)
    assert (s1.projects, s1.reports_sent, s1.returns, s1.gaps) == (1, 1, 1, 0)
    level = AnalysisReport.objects.get(project=district.project_s1).level
    assert s1.budget == district.project_s1.budget
    assert s1.red_budget == (s1.budget if level == WarningLevel.RED else 0)
    s1_breakdown = scores["S1"].breakdown
    assert s1_breakdown.component("timeliness").points == Decimal("16.00")  # 2 days × 2
    assert s1_breakdown.component("quality").points == Decimal("15.00")  # 1 return × 5
    assert s1_breakdown.component("completeness").points == Decimal("20.00")
    town = scores["T"].inputs
    assert (town.sent_on, town.gaps, town.returns, town.items, town.items_late) == (today, 0, 0, 2, 0)
    assert scores["P1"].inputs.gaps == 1
    assert scores["P1"].breakdown.component("quality").points == Decimal("18.00")  # 1 gap × 2
    s2 = scores["S2"].inputs
    assert (s2.sent_on, s2.projects, s2.reports_sent) == (None, 1, 0)
    assert scores["S2"].breakdown.component("completeness").points == Decimal("15.00")
    totals = [
        row.breakdown.total for row in score_table(user=district.bureau_leader, cycle=district.cycle).rows
    ]
    assert totals == sorted(totals, reverse=True)


def test_supervision_sets_the_scheme_with_an_audit_record(district):
    scheme = scheme_update(
        cycle=district.cycle,
        values={"weight_quality": 30, "weight_warnings": 10, "gap_points": Decimal("3")},
        acting_user=district.supervision_staff,
    )
    assert (scheme.weight_quality, scheme.weight_warnings, scheme.gap_points) == (30, 10, Decimal("3"))
    record = AuditRecord.objects.get(action="score_scheme.change")
    assert record.changes == {"weight_quality": "30", "weight_warnings": "10", "gap_points": "3"}
    assert record.organisation == district.supervision


@pytest.mark.parametrize("user", ["counterpart_a", "bureau_leader", "s1_leader", "sysadmin"])
def test_nobody_else_sets_the_scheme(district, user):
    with pytest.raises(PermissionDenied):
        scheme_update(cycle=district.cycle, values={"gap_points": 3}, acting_user=getattr(district, user))
    assert not AuditRecord.objects.filter(action="score_scheme.change").exists()


def test_weights_must_sum_to_100(district):
    with pytest.raises(ServiceError) as refused:
        scheme_update(
            cycle=district.cycle, values={"weight_quality": 25}, acting_user=district.supervision_staff
        )
    assert refused.value.field_errors == {"weight_timeliness": ["五项权重合计须为 100 分，现为 105 分。"]}


def test_a_weight_change_changes_only_its_components(round_played):
    district = round_played
    before = by_unit(score_table(user=district.bureau_leader, cycle=district.cycle).rows)
    scheme_update(
        cycle=district.cycle,
        values={"weight_quality": 30, "weight_warnings": 10},
        acting_user=district.supervision_staff,
    )
    after = by_unit(score_table(user=district.bureau_leader, cycle=district.cycle).rows)
    for code, row in after.items():
        old = before[code].breakdown
        for key in ("timeliness", "completeness", "rectification"):
            assert row.breakdown.component(key) == old.component(key)
        assert row.inputs == before[code].inputs
        assert row.breakdown.component("quality").points == old.component("quality").points + 10
    assert after["S1"].breakdown.component("quality").points == Decimal("25.00")


def test_closing_the_cycle_freezes_scores_that_later_events_do_not_move(round_played):
    district = round_played
    live = by_unit(score_table(user=district.bureau_leader, cycle=district.cycle).rows)
    close(district)
    freeze = ScoreFreeze.objects.get(cycle=district.cycle)
    assert freeze.frozen_by == district.sysadmin and freeze.as_of == timezone.localdate()
    assert FrozenScore.objects.filter(freeze=freeze).count() == len(SCORED)
    assert AuditRecord.objects.filter(action="score.freeze").count() == 1
    frozen_s1 = FrozenScore.objects.get(freeze=freeze, organisation=district.s1)
    assert frozen_s1.total == live["S1"].breakdown.total
    assert rules.Inputs.from_dict(frozen_s1.inputs) == live["S1"].inputs

    # After the close P1 returns S1's package again, and the scheme can no longer change.
    package = submission_for(organisation=district.s1, cycle=district.cycle)
    submission_return(submission=package, comment="再次补正", acting_user=district.p1_leader)
    with pytest.raises(ValidationError, match="评分已固定"):
        scheme_update(cycle=district.cycle, values={"gap_points": 3}, acting_user=district.supervision_staff)
    recomputed = by_unit(cycle_scores(cycle=district.cycle, scheme=freeze.params(), as_of=freeze.as_of))
    assert recomputed["S1"].inputs.returns == 2  # what a live computation would now count
    table = score_table(user=district.bureau_leader, cycle=district.cycle)
    assert table.freeze == freeze
    shown = by_unit(table.rows)
    assert shown["S1"].inputs.returns == 1
    assert {code: row.breakdown for code, row in shown.items()} == {
        code: row.breakdown for code, row in live.items()
    }

    # Reopened and closed again, the cycle keeps the scores of its first close.
    cycle_update(cycle=district.cycle, values={"status": CycleStatus.OPEN}, acting_user=district.sysadmin)
    with pytest.raises(ValidationError, match="已在结束时固定"):
        scheme_update(cycle=district.cycle, values={"gap_points": 3}, acting_user=district.supervision_staff)
    close(district)
    assert ScoreFreeze.objects.get(cycle=district.cycle) == freeze
    assert scores_freeze(cycle=district.cycle, acting_user=None) == freeze
    assert AuditRecord.objects.filter(action="score.freeze").count() == 1


def test_counterpart_sees_its_units_ranked_in_the_district(round_played):
    district = round_played
    everyone = by_unit(score_table(user=district.supervision_staff, cycle=district.cycle).rows)
    own = by_unit(score_table(user=district.counterpart_a, cycle=district.cycle).rows)
    assert sorted(own) == ["P1", "S1", "S2", "T"]
    assert all(row.rank == everyone[code].rank for code, row in own.items())
    assert score_table(user=district.s1_leader, cycle=district.cycle).rows == []


def test_unit_breakdown_visibility(district):
    assert (
        unit_score(user=district.s1_filler, cycle=district.cycle, unit_pk=district.s1.pk)[1].organisation
        == district.s1
    )
    assert unit_score(user=district.p1_leader, cycle=district.cycle, unit_pk=district.s1.pk)[1]
    for user, unit in [
        ("s1_filler", "s2"),
        ("s1_filler", "p1"),
        ("counterpart_b", "s1"),
        ("sc_filler", "sc"),
        ("agency_staff", "s3"),
    ]:
        with pytest.raises(Http404):
            unit_score(user=getattr(district, user), cycle=district.cycle, unit_pk=getattr(district, unit).pk)


def test_pages_both_directions(client, round_played):
    district = round_played
    cycle = district.cycle
    table_url = reverse("scores:cycle", args=[cycle.pk])
    client.force_login(district.bureau_leader)
    page = client.get(table_url)
    assert page.status_code == 200
    assert [row.organisation.code for row, _parts in page.context["rows"]] == [
        row.organisation.code for row in score_table(user=district.bureau_leader, cycle=cycle).rows
    ]
    assert "修改评分规则" not in page.content.decode()
    export = client.get(reverse("scores:export", args=[cycle.pk]))
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet.cell(row=4, column=1).value == "名次"
    names = [sheet.cell(row=row, column=2).value for row in range(5, 5 + len(SCORED))]
    assert sorted(names) == sorted(getattr(district, name).name for name in SCORED)
    assert AuditRecord.objects.filter(action="score.export").count() == 1
    assert client.get(reverse("scores:unit", args=[cycle.pk, district.s3.pk])).status_code == 200

    client.force_login(district.s1_filler)
    assert client.get(table_url).status_code == 403
    assert client.get(reverse("scores:export", args=[cycle.pk])).status_code == 403
    index = client.get(reverse("scores:index"))
    assert index.status_code == 302 and index.url == reverse("scores:unit", args=[cycle.pk, district.s1.pk])
    own = client.get(index.url)
    assert own.status_code == 200 and "得分明细" in own.content.decode()
    assert client.get(reverse("scores:unit", args=[cycle.pk, district.s2.pk])).status_code == 404
    assert client.get(reverse("scores:unit", args=[cycle.pk, district.p1.pk])).status_code == 404

    client.force_login(district.counterpart_b)
    assert client.get(reverse("scores:unit", args=[cycle.pk, district.s1.pk])).status_code == 404
    for user in ("sysadmin", "auditor", "nobody", "agency_staff"):
        client.force_login(getattr(district, user))
        assert client.get(table_url).status_code == 403
        assert client.get(reverse("scores:index")).status_code == 403


def test_scheme_page(client, district):
    url = reverse("scores:scheme", args=[district.cycle.pk])
    client.force_login(district.counterpart_a)
    assert client.get(url).status_code == 403
    client.force_login(district.supervision_staff)
    assert client.get(url).status_code == 200
    values = rules.Scheme().as_dict() | {"weight_quality": 25}
    refused = client.post(url, values)
    assert refused.status_code == 400 and "现为 105 分" in refused.content.decode()
    saved = client.post(url, values | {"weight_quality": 15, "weight_warnings": 25})
    assert saved.status_code == 302
    table = client.get(reverse("scores:cycle", args=[district.cycle.pk]))
    assert "报送质量 15 分" in table.content.decode() and "修改评分规则" in table.content.decode()
    close(district)
    assert client.get(url).status_code == 302


def test_menu_entry(client, district):
    for user, shown in [
        ("s1_filler", True),
        ("bureau_leader", True),
        ("sysadmin", False),
        ("auditor", False),
    ]:
        client.force_login(getattr(district, user))
        assert ('href="/scores/"' in client.get("/").content.decode()) is shown


def test_table_query_count_is_flat(client, round_played):
    district = round_played
    client.force_login(district.bureau_leader)
    url = reverse("scores:cycle", args=[district.cycle.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for number in range(4):
        unit = create_organisation(
            OrganisationKind.PRIMARY_UNIT, f"新增单位{number}", counterpart_section=district.section_b
        )
        create_project(unit)
        create_organisation(OrganisationKind.SECONDARY_UNIT, f"新增二级{number}", parent=unit)
    with CaptureQueriesContext(connection) as larger:
        page = client.get(url)
    assert len(page.context["rows"]) == len(SCORED) + 8
    assert len(larger.captured_queries) == len(small.captured_queries)


def test_a_units_own_round_is_not_scored(district):
    own = cycle_open(year=2026, kind=CycleKind.SELF_INITIATED, organisation=district.p1, acting_user=None)
    with pytest.raises(Http404):
        score_table(user=district.bureau_leader, cycle=own)
    with pytest.raises(ValidationError, match="自行开展"):
        scheme_update(cycle=own, values={"gap_points": 3}, acting_user=district.supervision_staff)
    cycle_update(cycle=own, values={"status": CycleStatus.CLOSED}, acting_user=None)
    assert not ScoreFreeze.objects.filter(cycle=own).exists()
