"""Step 3: which projects are reviewed, the explained risk ranking, the reproducible sample, key items and the
supervision section's opinions — each rule with the actors allowed and refused."""

from decimal import Decimal
from random import Random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jixiao.audit.models import AuditRecord
from jixiao.monitoring.models import WarningLevel
from jixiao.notifications.models import Notification
from jixiao.organisations.models import OrganisationKind, Role
from jixiao.organisations.selectors import memberships_of
from jixiao.review.models import KeyItem, KeyItemSelection, KeyItemSource, Opinion
from jixiao.review.selectors import (
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
from jixiao.testing import bureau_round, caches_emptied, package_returned, report_filed
from jixiao.workflow.services import submission_for

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def reviewed_round(shared_district, django_db_blocker):
    """The round built once for the module (see `shared_district`): each test's changes are rolled back."""
    with django_db_blocker.unblock():
        return bureau_round(shared_district)


@pytest.fixture
def reviewed(reviewed_round, db):
    return reviewed_round


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
    package_returned(submission_for(organisation=d.p1, cycle=d.cycle))
    assert set(ranked_ids(d, d.supervision_staff)) == {d.project_town.pk}


def test_classified_units_never_appear(reviewed, make_organisation, make_project):
    d = reviewed
    secret = make_organisation(
        OrganisationKind.PRIMARY_UNIT, "保密局", is_classified=True, counterpart_section=d.section_a
    )
    project = make_project(secret)
    report_filed(d, project, WarningLevel.RED)
    with pytest.raises(ValidationError, match="涉密单位"):
        submission_for(organisation=secret, cycle=d.cycle)
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


def _ranking_queries(district, user) -> int:
    memberships_of(user)  # loaded once per request
    caches_emptied()  # the cost before anything of the ranking is kept
    with CaptureQueriesContext(connection) as queries:
        ranking = project_ranking(user=user, cycle=district.cycle)
        page = Paginator(ranking, 50).get_page(1)
        rows = ranking_rows(page=page, cycle=district.cycle)
        assert [row.project.owner.name for row in rows]
    return len(queries)


def test_ranking_query_count_does_not_grow_with_projects(reviewed, make_project):
    d = reviewed
    for _ in range(2):
        report_filed(d, make_project(d.town), WarningLevel.YELLOW)
    small = _ranking_queries(d, d.supervision_staff)
    for owner in [d.town, d.p1, d.s1] * 9:
        report_filed(d, make_project(owner), WarningLevel.RED)
    assert _ranking_queries(d, d.supervision_staff) == small


# ---------------------------------------------------------------------------------------------------
# The random sample


def test_sample_is_reproducible_from_the_stored_seed(reviewed, make_project):
    d = reviewed
    for _ in range(10):
        report_filed(d, make_project(d.town))
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
        report_filed(d, make_project(d.town))
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
