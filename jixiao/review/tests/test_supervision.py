"""Step 3: which projects are reviewed, the explained risk ranking, the reproducible sample, key items and the
supervision section's opinions — each rule with the actors allowed and refused."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from random import Random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jixiao.audit.models import AuditRecord
from jixiao.monitoring.models import AnalysisReport, ReportWarning, WarningLevel
from jixiao.notifications.models import Notification
from jixiao.notifications.services import transition_record
from jixiao.organisations.models import OrganisationKind, Role
from jixiao.organisations.selectors import memberships_of
from jixiao.review.models import KeyItem, KeyItemSelection, KeyItemSource, Opinion
from jixiao.review.selectors import (
    key_item_list,
    opinion_list,
    population_digest,
    project_ranking,
    ranking_rows,
    review_unit_list,
    reviewed_projects,
    risk_score,
    sample_draw_of,
    sample_ids,
)
from jixiao.review.services import (
    key_item_mark,
    key_item_unmark,
    key_items_draw,
    opinion_create,
    opinion_delete,
    opinions_send,
)
from jixiao.workflow.models import Step, Submission, SubmissionState, SubmissionTransition
from jixiao.workflow.services import submission_return, submission_submit
from jixiao.workflow.tests.test_review_findings import sent_step_two

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------------
# Helpers shared by the review tests. Packages and reports are set up directly: how they get there is
# the workflow's and the monitoring app's business (and tested there).


def send_package(district, unit, *, late_days: int = 0, state: str = SubmissionState.SUBMITTED) -> Submission:
    """The unit's step-2 package as received by the bureau, `late_days` after its due date."""
    cycle = district.cycle
    sent_on = cycle.due_unit_to_bureau + timedelta(days=late_days)
    return Submission.objects.create(
        cycle=cycle,
        organisation=unit,
        step=Step.UNIT_TO_BUREAU,
        receiver=district.bureau,
        due_date=cycle.due_unit_to_bureau,
        state=state,
        submitted_at=timezone.make_aware(datetime.combine(sent_on, time(10))),
    )


def accept_subordinate(district, unit) -> Submission:
    """A second-level unit's step-1 package accepted by its first-level unit."""
    cycle = district.cycle
    return Submission.objects.create(
        cycle=cycle,
        organisation=unit,
        step=Step.UNIT_TO_PRIMARY,
        receiver=unit.parent,
        due_date=cycle.due_unit_to_primary,
        state=SubmissionState.ACCEPTED,
        submitted_at=timezone.make_aware(datetime.combine(cycle.due_unit_to_primary, time(10))),
    )


def file_report(district, project, level: str = WarningLevel.GREEN, messages=()) -> AnalysisReport:
    """The project's 附件1 at a warning level, with its warning messages."""
    report = AnalysisReport.objects.create(
        cycle=district.cycle, project=project, target_version=project.current_target, level=level
    )
    ReportWarning.objects.bulk_create(
        ReportWarning(report=report, code="EXEC_LAG", level=level, message=message) for message in messages
    )
    return report


def return_package(package: Submission, times: int = 1) -> None:
    """Returns on record in the package's own history, written by the helper every transition uses."""
    for _ in range(times):
        transition_record(
            history=SubmissionTransition,
            subject=package,
            action="submission.return",
            acting_user=None,
            from_state=SubmissionState.SUBMITTED,
            to_state=SubmissionState.RETURNED,
        )


@pytest.fixture
def reviewed(district):
    """Town and P1 sent their packages; S1 was accepted by P1, S2 was not; P2 has not sent yet."""
    for attr in ("town", "p1", "p2", "s1", "s2", "s3", "sc"):
        file_report(district, district.projects[attr])
    send_package(district, district.town)
    send_package(district, district.p1)
    accept_subordinate(district, district.s1)
    accept_subordinate(district, district.sc)
    return district


def ranked_ids(district, user, **filters) -> list[int]:
    return [r.project_id for r in project_ranking(user=user, cycle=district.cycle, **filters)]


# ---------------------------------------------------------------------------------------------------
# Risk score


def test_risk_score_explains_every_component():
    score = risk_score(
        level=WarningLevel.RED, budget=Decimal("12000000.00"), late_days=3, returns=1, is_key=True
    )
    assert score.total == 40 + 15 + 6 + 5 + 20
    assert (
        score.explanation
        == "红色预警 +40；预算 1,200.00万元 +15；报送逾期 3 天 +6；退回 1 次 +5；重点项目 +20"
    )


@pytest.mark.parametrize(
    ("fields", "total", "explanation"),
    [
        ({"level": "green", "budget": Decimal("999999.99")}, 0, "无加分因素"),
        ({"level": "yellow", "budget": Decimal("5000000")}, 30, "黄色预警 +20；预算 500.00万元 +10"),
        (
            {"level": "green", "budget": Decimal("1000000"), "late_days": 30},
            25,
            "预算 100.00万元 +5；报送逾期 30 天 +20",
        ),
        ({"level": None, "budget": Decimal("0"), "returns": 7}, 15, "退回 7 次 +15"),
    ],
)
def test_risk_score_tiers_and_caps(fields, total, explanation):
    score = risk_score(**{"late_days": 0, "returns": 0, "is_key": False, **fields})
    assert (score.total, score.explanation) == (total, explanation)


# ---------------------------------------------------------------------------------------------------
# Which projects are reviewed, and the ranking


def test_only_projects_whose_material_reached_the_bureau_are_ranked(reviewed):
    d = reviewed
    expected = {d.project_town.pk, d.project_p1.pk, d.project_s1.pk}
    assert set(ranked_ids(d, d.supervision_staff)) == expected
    assert (
        set(reviewed_projects(user=d.bureau_leader, cycle=d.cycle).values_list("pk", flat=True)) == expected
    )
    # A counterpart section sees its own units' projects only.
    assert set(ranked_ids(d, d.counterpart_a)) == expected
    assert ranked_ids(d, d.counterpart_b) == []


def test_a_returned_package_takes_its_projects_out_of_review(reviewed):
    d = reviewed
    Submission.objects.filter(organisation=d.p1, step=Step.UNIT_TO_BUREAU).update(
        state=SubmissionState.RETURNED
    )
    assert set(ranked_ids(d, d.supervision_staff)) == {d.project_town.pk}


def test_classified_units_never_appear(reviewed, make_organisation, make_project):
    d = reviewed
    secret = make_organisation(
        OrganisationKind.PRIMARY_UNIT, "保密局", is_classified=True, counterpart_section=d.section_a
    )
    project = make_project(secret)
    file_report(d, project, WarningLevel.RED, ["执行滞后"])
    send_package(d, secret)
    for user in (d.supervision_staff, d.bureau_leader, d.counterpart_a):
        assert project.pk not in ranked_ids(d, user)
        assert d.project_sc.pk not in ranked_ids(d, user)
        assert secret not in review_unit_list(user=user)
    with pytest.raises(ValidationError):
        key_item_mark(
            cycle=d.cycle, project=project, source=KeyItemSource.MANUAL, acting_user=d.supervision_staff
        )
    selection = key_items_draw(cycle=d.cycle, size=3, acting_user=d.supervision_staff)
    assert set(selection.items.values_list("project_id", flat=True)) == {
        d.project_town.pk,
        d.project_p1.pk,
        d.project_s1.pk,
    }


def test_ranking_orders_by_explained_score(reviewed):
    d = reviewed
    AnalysisReport.objects.filter(project=d.project_town).update(level=WarningLevel.RED)
    AnalysisReport.objects.filter(project=d.project_p1).update(level=WarningLevel.YELLOW)
    town_package = Submission.objects.get(organisation=d.town, step=Step.UNIT_TO_BUREAU)
    Submission.objects.filter(pk=town_package.pk).update(
        submitted_at=town_package.submitted_at + timedelta(days=3)
    )
    return_package(town_package)
    d.project_s1.is_key_project = True
    d.project_s1.initial_fiscal = Decimal("12000000.00")
    d.project_s1.save()

    ranking = project_ranking(user=d.supervision_staff, cycle=d.cycle)
    assert [r.project_id for r in ranking] == [d.project_town.pk, d.project_s1.pk, d.project_p1.pk]
    town, s1, p1 = ranking
    assert town.score.explanation == "红色预警 +40；预算 100.00万元 +5；报送逾期 3 天 +6；退回 1 次 +5"
    assert s1.score.explanation == "预算 1,200.00万元 +15；重点项目 +20"
    assert p1.score.explanation == "黄色预警 +20；预算 100.00万元 +5"


def test_a_second_level_units_project_carries_its_first_level_units_lateness(reviewed):
    d = reviewed
    package = Submission.objects.get(organisation=d.p1, step=Step.UNIT_TO_BUREAU)
    Submission.objects.filter(pk=package.pk).update(submitted_at=package.submitted_at + timedelta(days=2))
    return_package(package, times=2)
    scores = {r.project_id: r.score for r in project_ranking(user=d.supervision_staff, cycle=d.cycle)}
    assert "报送逾期 2 天 +4；退回 2 次 +10" in scores[d.project_s1.pk].explanation
    assert "逾期" not in scores[d.project_town.pk].explanation


def test_ranking_filters_by_unit_and_level(reviewed):
    d = reviewed
    AnalysisReport.objects.filter(project=d.project_s1).update(level=WarningLevel.RED)
    assert set(ranked_ids(d, d.supervision_staff, unit=d.p1)) == {d.project_p1.pk, d.project_s1.pk}
    assert ranked_ids(d, d.supervision_staff, level=WarningLevel.RED) == [d.project_s1.pk]
    assert ranked_ids(d, d.supervision_staff, unit=d.town, level=WarningLevel.RED) == []


def _ranking_queries(district, user) -> int:
    memberships_of(user)  # loaded once per request
    with CaptureQueriesContext(connection) as queries:
        ranking = project_ranking(user=user, cycle=district.cycle)
        page = Paginator(ranking, 50).get_page(1)
        rows = ranking_rows(page=page, cycle=district.cycle)
        assert [row.project.owner.name for row in rows]
    return len(queries)


def test_ranking_query_count_does_not_grow_with_projects(reviewed, make_project):
    d = reviewed
    for _ in range(2):
        file_report(d, make_project(d.town), WarningLevel.YELLOW)
    small = _ranking_queries(d, d.supervision_staff)
    for owner in [d.town, d.p1, d.s1] * 9:
        file_report(d, make_project(owner), WarningLevel.RED)
    assert _ranking_queries(d, d.supervision_staff) == small


# ---------------------------------------------------------------------------------------------------
# The random sample


def test_sample_is_reproducible_from_the_stored_seed(reviewed, make_project):
    d = reviewed
    for _ in range(10):
        file_report(d, make_project(d.town))
    selection = key_items_draw(cycle=d.cycle, size=4, acting_user=d.supervision_staff)

    population = sorted(
        reviewed_projects(user=d.supervision_staff, cycle=d.cycle).values_list("pk", flat=True)
    )
    expected = Random(selection.seed).sample(population, 4)
    sampled = selection.items.filter(source=KeyItemSource.SAMPLE).values_list("project_id", flat=True)
    assert (
        set(sampled) == set(expected) == set(sample_ids(seed=selection.seed, population=population, size=4))
    )
    assert 0 <= selection.seed < 2**32 and selection.sample_size == 4

    record = AuditRecord.objects.get(action="key_items.sample")
    assert record.changes["seed"] == selection.seed
    assert record.changes["population"] == len(population) == 13
    assert record.changes["population_sha256"] == population_digest(population)
    assert record.changes["sample"] == expected
    assert all(item.reasons or item.risk_score == 0 for item in selection.items.all())

    stored = KeyItemSelection.objects.get(pk=selection.pk)  # the draw itself keeps what re-draws it
    assert stored.population == population and stored.population_size == 13
    assert stored.population_digest == population_digest(population)
    draw = sample_draw_of(stored)
    assert (draw.seed, draw.size, draw.population, draw.digest, draw.drawn_by) == (
        selection.seed,
        4,
        13,
        population_digest(population),
        str(d.supervision_staff),
    )


def test_redraw_replaces_the_sample_and_keeps_risk_and_manual_picks(reviewed, make_project):
    d = reviewed
    for _ in range(20):
        file_report(d, make_project(d.town))
    staff = d.supervision_staff
    key_item_mark(cycle=d.cycle, project=d.project_p1, source=KeyItemSource.RISK, acting_user=staff)
    key_item_mark(cycle=d.cycle, project=d.project_s1, source=KeyItemSource.MANUAL, acting_user=staff)
    first = key_items_draw(cycle=d.cycle, size=5, acting_user=staff)
    first_seed = first.seed
    second = key_items_draw(cycle=d.cycle, size=3, acting_user=staff)

    assert KeyItemSelection.objects.count() == 1
    assert second.seed != first_seed
    population = reviewed_projects(user=staff, cycle=d.cycle).values_list("pk", flat=True)
    drawn = set(sample_ids(seed=second.seed, population=population, size=3))
    items = {item.project_id: item.source for item in second.items.all()}
    assert items[d.project_p1.pk] == KeyItemSource.RISK
    assert items[d.project_s1.pk] == KeyItemSource.MANUAL
    assert {pk for pk, source in items.items() if source == KeyItemSource.SAMPLE} == drawn - {
        d.project_p1.pk,
        d.project_s1.pk,
    }


@pytest.mark.parametrize("size", [0, 4])
def test_sample_size_must_fit_the_population(reviewed, size):
    with pytest.raises(ValidationError):
        key_items_draw(cycle=reviewed.cycle, size=size, acting_user=reviewed.supervision_staff)


# ---------------------------------------------------------------------------------------------------
# Marking key items


def test_mark_stores_the_score_and_its_reasons(reviewed):
    d = reviewed
    AnalysisReport.objects.filter(project=d.project_town).update(level=WarningLevel.RED)
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


def test_a_sampled_project_marked_by_hand_stays_through_redraws(reviewed):
    d = reviewed
    staff = d.supervision_staff
    selection = key_items_draw(cycle=d.cycle, size=3, acting_user=staff)
    item = key_item_mark(
        cycle=d.cycle, project=d.project_town, source=KeyItemSource.MANUAL, acting_user=staff
    )
    assert item.source == KeyItemSource.MANUAL
    assert selection.items.count() == 3
    with pytest.raises(ValidationError, match="随机抽取的项目不能单独取消"):
        key_item_unmark(item=selection.items.get(project=d.project_p1), acting_user=staff)
    key_item_unmark(item=item, acting_user=staff)
    assert not selection.items.filter(project=d.project_town).exists()
    assert AuditRecord.objects.filter(action="key_item.unmark", from_state="manual").exists()


def test_projects_that_did_not_reach_the_bureau_cannot_be_marked(reviewed):
    d = reviewed
    for project in (d.project_s2, d.project_p2, d.project_sc):
        with pytest.raises(ValidationError):
            key_item_mark(
                cycle=d.cycle, project=project, source=KeyItemSource.MANUAL, acting_user=d.supervision_staff
            )
    assert not KeyItem.objects.exists()


@pytest.mark.parametrize(
    "user", ["counterpart_a", "bureau_leader", "p1_leader", "agency_staff", "sysadmin", "nobody"]
)
def test_only_supervision_staff_choose_key_items(reviewed, user):
    d = reviewed
    actor = getattr(d, user)
    with pytest.raises(PermissionDenied):
        key_items_draw(cycle=d.cycle, size=1, acting_user=actor)
    with pytest.raises(PermissionDenied):
        key_item_mark(cycle=d.cycle, project=d.project_town, source=KeyItemSource.RISK, acting_user=actor)
    manual = key_item_mark(
        cycle=d.cycle, project=d.project_p1, source=KeyItemSource.MANUAL, acting_user=d.supervision_staff
    )
    with pytest.raises(PermissionDenied):
        key_item_unmark(item=manual, acting_user=actor)


# ---------------------------------------------------------------------------------------------------
# Opinions


def write_opinion(district, unit, project=None, problem="进度滞后", requirement="加快执行"):
    return opinion_create(
        cycle=district.cycle,
        unit=unit,
        project=project,
        problem=problem,
        requirement=requirement,
        acting_user=district.supervision_staff,
    )


def test_opinions_are_drafts_until_sent_then_the_counterpart_section_is_told(
    reviewed, django_capture_on_commit_callbacks
):
    d = reviewed
    on_project = write_opinion(d, d.p1, d.project_s1)
    on_unit = write_opinion(d, d.p1, problem="整体报告未分析下属单位情况", requirement="补充分析")
    assert list(opinion_list(user=d.supervision_staff, cycle=d.cycle, unit=d.p1)) == [on_project, on_unit]
    assert list(opinion_list(user=d.counterpart_a, cycle=d.cycle, unit=d.p1)) == []

    with django_capture_on_commit_callbacks(execute=True):
        sent = opinions_send(cycle=d.cycle, unit=d.p1, acting_user=d.supervision_staff)
    assert sent == 2
    assert not Opinion.objects.filter(sent_at__isnull=True).exists()
    assert list(opinion_list(user=d.counterpart_a, cycle=d.cycle, unit=d.p1)) == [on_project, on_unit]
    notice = Notification.objects.get(recipient=d.counterpart_a)
    assert "区教育局" in notice.message and "2 条" in notice.message
    assert not Notification.objects.filter(recipient=d.counterpart_b).exists()
    record = AuditRecord.objects.get(action="opinion.send")
    assert record.changes == {"opinions": [on_project.pk, on_unit.pk]}
    assert record.organisation == d.supervision

    with pytest.raises(ValidationError, match="没有待送出的意见"):
        opinions_send(cycle=d.cycle, unit=d.p1, acting_user=d.supervision_staff)
    with pytest.raises(ValidationError, match="不能删除"):
        opinion_delete(opinion=on_project, acting_user=d.supervision_staff)


def test_a_draft_opinion_can_be_deleted(reviewed):
    d = reviewed
    opinion = write_opinion(d, d.town, d.project_town)
    opinion_delete(opinion=opinion, acting_user=d.supervision_staff)
    assert not Opinion.objects.exists()
    assert AuditRecord.objects.filter(action="opinion.delete").exists()


def test_opinions_concern_the_units_own_package(reviewed):
    d = reviewed
    with pytest.raises(ValidationError, match="不在本单位"):
        write_opinion(d, d.p1, d.project_town)
    with pytest.raises(ValidationError, match="不在本单位"):
        write_opinion(d, d.p1, d.project_s2)
    with pytest.raises(ValidationError, match="尚未报送"):
        write_opinion(d, d.p2)
    with pytest.raises(ValidationError):
        write_opinion(d, d.s1)
    with pytest.raises(ValidationError, match="请填写"):
        write_opinion(d, d.town, problem="  ")


@pytest.mark.parametrize("user", ["counterpart_a", "bureau_leader", "town_filler", "nobody"])
def test_only_supervision_staff_write_and_send_opinions(reviewed, user):
    d = reviewed
    actor = getattr(d, user)
    with pytest.raises(PermissionDenied):
        opinion_create(
            cycle=d.cycle, unit=d.town, project=None, problem="问题", requirement="要求", acting_user=actor
        )
    write_opinion(d, d.town)
    with pytest.raises(PermissionDenied):
        opinions_send(cycle=d.cycle, unit=d.town, acting_user=actor)
    with pytest.raises(PermissionDenied):
        opinion_delete(opinion=Opinion.objects.get(), acting_user=actor)


def test_supervision_staff_hold_the_role_in_their_section(reviewed, make_user):
    """A second supervision person works the same way; the role, not the person, decides."""
    d = reviewed
    colleague = make_user(d.supervision, Role.SUPERVISION_STAFF)
    key_item_mark(cycle=d.cycle, project=d.project_town, source=KeyItemSource.MANUAL, acting_user=colleague)
    assert KeyItem.objects.get().project == d.project_town


def test_a_return_through_the_workflow_counts_in_the_risk_score(district, make_user):
    """The score counts returns from the package's own transition rows, as the return service writes them."""
    package = sent_step_two(district, make_user)

    def returns_reason() -> str:
        scores = {
            r.project_id: r.score
            for r in project_ranking(user=district.supervision_staff, cycle=district.cycle)
        }
        return scores[district.project_p1.pk].explanation

    assert "退回" not in returns_reason()
    returned = submission_return(
        submission=package, comment="请补充整体报告", acting_user=district.counterpart_a
    )
    submission_submit(submission=returned, acting_user=district.p1_leader, confirmed=True)

    assert "退回 1 次 +5" in returns_reason()
    assert returned.returns.get().transition == returned.transitions.get(action="submission.return")
