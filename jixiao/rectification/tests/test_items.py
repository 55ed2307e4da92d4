"""Items that do not come from 附件2: a 监督检查 finding, a first-level unit's requirement to its
second-level unit (第七条), a unit's own finding. Who opens each, who answers, who verifies (the issuing
side), in both directions, and who sees it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from jixiao.audit.models import AuditRecord
from jixiao.notifications.models import Notification
from jixiao.organisations.models import Role
from jixiao.rectification.models import RectificationSource, RectificationState
from jixiao.rectification.selectors import rectification_item_list
from jixiao.rectification.services import (
    item_open,
    rectification_respond,
    rectification_send_back,
    rectification_verify,
)

pytestmark = pytest.mark.django_db

PARENT, SELF, OVERSIGHT = RectificationSource.PARENT, RectificationSource.SELF, RectificationSource.OVERSIGHT


def due(days=20):
    return timezone.localdate() + timedelta(days=days)


def open_item(actor, kind, organisation, **values):
    values = {"problem": "食堂经费未单独核算", "requirement": "单独建账", "due_date": due()} | values
    return item_open(actor=actor, kind=kind, organisation=organisation, **values)


def answer(item, user):
    return rectification_respond(
        item=item,
        response="已单独建账",
        completed_on=timezone.localdate(),
        no_evidence_reason="制度文件已公开",
        acting_user=user,
    )


# ---------------------------------------------------------------------------------------------------
# Opening


def test_a_first_level_unit_requires_rectification_of_its_second_level_unit(
    district, make_user, django_capture_on_commit_callbacks
):
    s1_leader = district.s1_leader
    with django_capture_on_commit_callbacks(execute=True):
        item = open_item(district.p1_leader, PARENT, district.s1, source_label="2026年学校经费专项检查")
    assert (item.kind, item.organisation, item.issuing_organisation, item.state) == (
        PARENT,
        district.s1,
        district.p1,
        RectificationState.OPEN,
    )
    assert item.source_label == "2026年学校经费专项检查" and item.opened_by == district.p1_leader
    record = AuditRecord.objects.get(action="rectification.open")
    assert (record.to_state, record.organisation, record.actor) == ("open", district.p1, district.p1_leader)
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        district.s1_filler.pk,
        s1_leader.pk,
    }
    filler = make_user(district.p1, Role.FILLER)
    assert open_item(filler, PARENT, district.s2).issuing_organisation == district.p1


@pytest.mark.parametrize(
    ("username", "unit"),
    [
        ("s1_filler", "s2"),  # a sibling
        ("s1_leader", "s1"),  # itself
        ("counterpart_a", "s1"),
        ("supervision_staff", "s1"),
        ("p1_leader", "s3"),  # another first-level unit's school
        ("nobody", "s1"),
    ],
)
def test_only_the_parents_people_require_rectification(district, username, unit):
    with pytest.raises(PermissionDenied):
        open_item(district.users[username], PARENT, getattr(district, unit))
    assert not AuditRecord.objects.filter(action="rectification.open").exists()


@pytest.mark.parametrize("unit", ["p1", "town"])
def test_a_requirement_goes_only_to_a_second_level_unit(district, unit):
    with pytest.raises(ValidationError, match="二级预算单位"):
        open_item(district.p1_leader, PARENT, getattr(district, unit))


def test_a_unit_records_what_it_found_itself_and_its_leader_closes_it(district):
    item = open_item(district.s1_filler, SELF, district.s1)
    assert (item.issuing_organisation, item.source_label.startswith("单位自查发现")) == (district.s1, True)
    answer(item, district.s1_filler)
    for username in ("s1_filler", "p1_leader", "counterpart_a", "supervision_staff"):
        with pytest.raises(PermissionDenied, match="第一中学的单位负责人"):
            rectification_verify(item=item, acting_user=district.users[username])
    assert (
        rectification_verify(item=item, acting_user=district.s1_leader).state == RectificationState.VERIFIED
    )


@pytest.mark.parametrize(
    ("username", "unit"), [("p1_leader", "s1"), ("counterpart_a", "s1"), ("s1_filler", "s2")]
)
def test_nobody_else_records_a_units_own_finding(district, username, unit):
    with pytest.raises(PermissionDenied):
        open_item(district.users[username], SELF, getattr(district, unit))


def test_the_supervision_section_records_oversight_findings_verified_by_the_bureau(district):
    with pytest.raises(PermissionDenied):
        open_item(district.counterpart_a, OVERSIGHT, district.town)
    item = open_item(district.supervision_staff, OVERSIGHT, district.town, cycle=district.cycle)
    assert (item.issuing_organisation, item.cycle) == (district.bureau, district.cycle)
    answer(item, district.town_filler)
    for username in ("counterpart_b", "town_filler", "bureau_leader"):
        with pytest.raises(PermissionDenied):
            rectification_send_back(item=item, comment="不全", acting_user=district.users[username])
    back = rectification_send_back(item=item, comment="不全", acting_user=district.counterpart_a)
    assert back.state == RectificationState.SENT_BACK
    answer(item, district.town_filler)
    assert rectification_verify(item=item, acting_user=district.supervision_staff).state == "verified"


@pytest.mark.parametrize("unit", ["sc", "section_a"])
def test_oversight_findings_go_to_unclassified_budget_units(district, unit):
    with pytest.raises(ValidationError):
        open_item(district.supervision_staff, OVERSIGHT, getattr(district, unit))


def test_feedback_items_are_never_opened_by_hand(district):
    with pytest.raises(PermissionDenied, match="反馈表下达时自动生成"):
        open_item(district.counterpart_a, RectificationSource.FEEDBACK, district.town)


def test_an_item_needs_its_texts_a_due_date_not_past_and_a_project_of_the_unit(district):
    with pytest.raises(ValidationError) as refused:
        open_item(district.p1_leader, PARENT, district.s1, problem=" ", requirement="", due_date=None)
    assert set(refused.value.message_dict) >= {"problem", "requirement", "due_date"}
    with pytest.raises(ValidationError) as refused:
        open_item(
            district.p1_leader,
            PARENT,
            district.s1,
            due_date=due(-1),
            project=district.project_s2,
        )
    assert "不能早于今天" in refused.value.message_dict["due_date"][0]
    assert "不属于第一中学" in refused.value.message_dict["project"][0]
    assert open_item(district.p1_leader, PARENT, district.s1, project=district.project_s1).project == (
        district.project_s1
    )


# ---------------------------------------------------------------------------------------------------
# Answering and verifying a requirement


def test_the_school_answers_and_the_first_level_unit_verifies(
    district, make_user, django_capture_on_commit_callbacks
):
    item = open_item(district.p1_leader, PARENT, district.s1)
    for user in (district.p1_leader, make_user(district.s2, Role.FILLER), district.counterpart_a):
        with pytest.raises(PermissionDenied):
            answer(item, user)
    Notification.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        answer(item, district.s1_filler)
    assert set(Notification.objects.values_list("recipient", flat=True)) == {district.p1_leader.pk}
    for username in ("s1_leader", "counterpart_a", "supervision_staff", "bureau_leader"):
        with pytest.raises(PermissionDenied, match="区教育局的填报人或负责人"):
            rectification_verify(item=item, acting_user=district.users[username])
    verified = rectification_verify(item=item, acting_user=district.p1_leader, comment="已核实")
    assert verified.state == RectificationState.VERIFIED
    record = AuditRecord.objects.get(action="rectification.verify")
    assert record.organisation == district.p1


# ---------------------------------------------------------------------------------------------------
# Scope


def test_the_unit_and_the_units_above_it_see_its_items(district, make_user):
    item = open_item(district.p1_leader, PARENT, district.s1)
    own = open_item(district.sc_filler, SELF, district.sc)
    sees = {
        "s1_filler": {item},
        "p1_leader": {item},
        "counterpart_a": {item},
        "supervision_staff": {item},
        "bureau_leader": {item},
        "sc_filler": {own},
        "counterpart_b": set(),
        "agency_staff": set(),
        "nobody": set(),
    }
    for username, expected in sees.items():
        assert set(rectification_item_list(user=district.users[username])) == expected, username
    assert set(rectification_item_list(user=make_user(district.s2, Role.FILLER))) == set()
