"""The organisation tree: materialised paths, kind/parent rules, counterpart sections, audit."""

import pytest
from django.core.exceptions import ValidationError

from jixiao.audit.models import AuditRecord
from jixiao.organisations.models import Organisation, OrganisationKind
from jixiao.organisations.services import organisation_save

K = OrganisationKind


def fresh(org: Organisation) -> Organisation:
    return Organisation.objects.get(pk=org.pk)


def db_state() -> list[tuple]:
    return list(Organisation.objects.order_by("pk").values_list("pk", "kind", "parent_id", "path", "name"))


# ---------------------------------------------------------------- paths


def test_root_path_is_its_own_id(district):
    for org in (district.bureau, district.town, district.p1, district.p2, district.agency):
        assert org.path == f"/{org.pk}/"
        assert fresh(org).path == f"/{org.pk}/"


def test_child_path_is_parent_path_plus_own_id(district):
    assert fresh(district.s1).path == f"/{district.p1.pk}/{district.s1.pk}/"
    assert fresh(district.s3).path == f"/{district.p2.pk}/{district.s3.pk}/"
    assert fresh(district.section_a).path == f"/{district.bureau.pk}/{district.section_a.pk}/"
    for child in (
        district.s1,
        district.s2,
        district.sc,
        district.s3,
        district.section_a,
        district.supervision,
    ):
        child = fresh(child)
        assert child.path == f"{child.parent.path}{child.pk}/"


def test_path_set_on_the_returned_instance(make_organisation, district):
    unit = make_organisation(K.SECONDARY_UNIT, "新单位", parent=district.town)
    assert unit.path == f"/{district.town.pk}/{unit.pk}/"
    assert unit.path == fresh(unit).path


def test_is_within(district):
    s1, p1 = fresh(district.s1), fresh(district.p1)
    assert s1.is_within(p1)
    assert s1.is_within(s1)
    assert not p1.is_within(s1)
    assert not s1.is_within(fresh(district.p2))
    assert not fresh(district.s2).is_within(s1)


def test_moving_a_unit_changes_its_path_and_nothing_else(district):
    before = {o.pk: o.path for o in Organisation.objects.exclude(pk=district.s1.pk)}
    s1 = fresh(district.s1)
    s1.parent = fresh(district.p2)
    organisation_save(organisation=s1, acting_user=None)

    assert s1.path == f"/{district.p2.pk}/{district.s1.pk}/"
    assert fresh(s1).path == s1.path
    assert fresh(s1).parent_id == district.p2.pk
    after = {o.pk: o.path for o in Organisation.objects.exclude(pk=district.s1.pk)}
    assert after == before  # siblings S2/SC, P1, P2 and S3 untouched


def test_moving_a_unit_moves_its_whole_subtree(district):
    # Today's kind rules allow no node with children to take a parent, so a deeper level (as a 三级单位
    # would be) is fabricated directly; the path code must carry it along whatever the kind rules become.
    s1 = fresh(district.s1)
    child = Organisation.objects.create(code="S1-1", name="下属单位", kind=K.SECONDARY_UNIT, parent=s1)
    Organisation.objects.filter(pk=child.pk).update(path=f"{s1.path}{child.pk}/")
    grandchild = Organisation.objects.create(
        code="S1-1-1", name="再下属", kind=K.SECONDARY_UNIT, parent=child
    )
    Organisation.objects.filter(pk=grandchild.pk).update(path=f"{s1.path}{child.pk}/{grandchild.pk}/")
    s2_path, sc_path = fresh(district.s2).path, fresh(district.sc).path

    s1.parent = fresh(district.p2)
    organisation_save(organisation=s1, acting_user=None)

    moved = f"/{district.p2.pk}/{district.s1.pk}/"
    assert fresh(district.s1).path == moved
    assert fresh(child).path == f"{moved}{child.pk}/"
    assert fresh(grandchild).path == f"{moved}{child.pk}/{grandchild.pk}/"
    assert fresh(district.s2).path == s2_path
    assert fresh(district.sc).path == sc_path


def test_saving_a_stale_instance_cannot_write_a_wrong_path(district):
    """Two edits of S1 loaded at the same time, both moving it to P2: the second must not undo the path."""
    first, second = fresh(district.s1), fresh(district.s1)
    first.parent = fresh(district.p2)
    organisation_save(organisation=first, acting_user=None)

    second.parent = fresh(district.p2)
    second.contact_person = "张三"
    organisation_save(organisation=second, acting_user=None)

    s1 = fresh(district.s1)
    assert s1.parent_id == district.p2.pk
    # A wrong path would put S1 in P1's scope (and out of P2's) for every visibility check.
    assert s1.path == f"/{district.p2.pk}/{district.s1.pk}/"


def test_changing_a_name_keeps_the_path(district):
    p1 = fresh(district.p1)
    p1.name = "区教育和体育局"
    organisation_save(organisation=p1, acting_user=None)
    assert fresh(p1).path == f"/{p1.pk}/"
    assert fresh(district.s1).path == f"/{p1.pk}/{district.s1.pk}/"


# ---------------------------------------------------------------- parent cycles


def test_own_parent_is_refused_and_nothing_changes(district):
    before = db_state()
    s1 = fresh(district.s1)
    s1.parent = s1
    with pytest.raises(ValidationError) as exc:
        organisation_save(organisation=s1, acting_user=None)
    assert "parent" in exc.value.message_dict
    assert any("循环" in m for m in exc.value.message_dict["parent"])
    assert db_state() == before


def test_child_of_own_descendant_is_refused_and_nothing_changes(district):
    before = db_state()
    audits = AuditRecord.objects.count()
    p1 = fresh(district.p1)
    p1.parent = fresh(district.s1)
    with pytest.raises(ValidationError) as exc:
        organisation_save(organisation=p1, acting_user=None)
    assert any("循环" in m for m in exc.value.message_dict["parent"])
    assert db_state() == before
    assert AuditRecord.objects.count() == audits


def test_child_of_own_grandchild_is_refused(district):
    # The cycle check looks at the whole subtree, not only direct children (deeper node fabricated directly).
    s1 = fresh(district.s1)
    child = Organisation.objects.create(code="S1-1", name="下属单位", kind=K.SECONDARY_UNIT, parent=s1)
    Organisation.objects.filter(pk=child.pk).update(path=f"{s1.path}{child.pk}/")
    before = db_state()
    p1 = fresh(district.p1)
    p1.parent = fresh(child)
    with pytest.raises(ValidationError) as exc:
        organisation_save(organisation=p1, acting_user=None)
    assert any("循环" in m for m in exc.value.message_dict["parent"])
    assert db_state() == before


# ---------------------------------------------------------------- kind / parent rules


@pytest.mark.parametrize(
    ("kind", "parent_attr", "allowed"),
    [
        (K.SECONDARY_UNIT, "p1", True),
        (K.SECONDARY_UNIT, "town", True),
        (K.SECONDARY_UNIT, None, False),
        (K.SECONDARY_UNIT, "s1", False),
        (K.SECONDARY_UNIT, "bureau", False),
        (K.SECONDARY_UNIT, "agency", False),
        (K.TOWN, None, True),
        (K.TOWN, "p1", False),
        (K.TOWN, "bureau", False),
        (K.PRIMARY_UNIT, None, True),
        (K.PRIMARY_UNIT, "p2", False),
        (K.PRIMARY_UNIT, "town", False),
        (K.COUNTERPART_SECTION, "bureau", True),
        (K.COUNTERPART_SECTION, None, False),
        (K.COUNTERPART_SECTION, "p1", False),
        (K.COUNTERPART_SECTION, "supervision", False),
        (K.SUPERVISION_SECTION, "bureau", True),
        (K.SUPERVISION_SECTION, None, False),
        (K.FINANCE_BUREAU, None, True),
        (K.FINANCE_BUREAU, "bureau", False),
        (K.AGENCY, None, True),
        (K.AGENCY, "bureau", False),
    ],
)
def test_kind_parent_rules(district, make_organisation, kind, parent_attr, allowed):
    parent = getattr(district, parent_attr) if parent_attr else None
    count = Organisation.objects.count()
    if allowed:
        org = make_organisation(kind, "新机构", parent=parent)
        assert fresh(org).parent_id == (parent.pk if parent else None)
        assert Organisation.objects.count() == count + 1
    else:
        with pytest.raises(ValidationError) as exc:
            make_organisation(kind, "新机构", parent=parent)
        assert "parent" in exc.value.message_dict
        assert Organisation.objects.count() == count


def test_a_town_cannot_be_given_a_parent_later(district):
    town = fresh(district.town)
    town.parent = fresh(district.p1)
    with pytest.raises(ValidationError):
        organisation_save(organisation=town, acting_user=None)
    assert fresh(town).parent_id is None


def test_kind_change_that_strands_subordinates_is_refused(district):
    """P1 has S1, S2, SC below it; turning P1 into a secondary unit under P2 would leave secondary units
    under a secondary unit, which the kind rules forbid."""
    before = db_state()
    p1 = fresh(district.p1)
    p1.kind = K.SECONDARY_UNIT
    p1.parent = fresh(district.p2)
    p1.counterpart_section = None
    with pytest.raises(ValidationError):
        organisation_save(organisation=p1, acting_user=None)
    assert db_state() == before


# ---------------------------------------------------------------- counterpart section


@pytest.mark.parametrize(
    ("kind", "parent_attr", "section_attr", "allowed"),
    [
        (K.TOWN, None, "section_a", True),
        (K.PRIMARY_UNIT, None, "section_b", True),
        (K.PRIMARY_UNIT, None, None, True),
        (K.PRIMARY_UNIT, None, "supervision", False),
        (K.PRIMARY_UNIT, None, "bureau", False),
        (K.PRIMARY_UNIT, None, "p2", False),
        (K.TOWN, None, "agency", False),
        (K.SECONDARY_UNIT, "p1", "section_a", False),
        (K.AGENCY, None, "section_a", False),
        (K.COUNTERPART_SECTION, "bureau", "section_a", False),
    ],
)
def test_counterpart_section_rules(district, make_organisation, kind, parent_attr, section_attr, allowed):
    parent = getattr(district, parent_attr) if parent_attr else None
    section = getattr(district, section_attr) if section_attr else None
    count = Organisation.objects.count()
    if allowed:
        org = make_organisation(kind, "新机构", parent=parent, counterpart_section=section)
        assert fresh(org).counterpart_section_id == (section.pk if section else None)
    else:
        with pytest.raises(ValidationError) as exc:
            make_organisation(kind, "新机构", parent=parent, counterpart_section=section)
        assert "counterpart_section" in exc.value.message_dict
        assert Organisation.objects.count() == count


def test_reassigning_counterpart_section(district):
    p1 = fresh(district.p1)
    p1.counterpart_section = fresh(district.section_b)
    organisation_save(organisation=p1, acting_user=None)
    assert fresh(p1).counterpart_section_id == district.section_b.pk

    p1.counterpart_section = fresh(district.supervision)
    with pytest.raises(ValidationError):
        organisation_save(organisation=p1, acting_user=None)
    assert fresh(p1).counterpart_section_id == district.section_b.pk


# ---------------------------------------------------------------- audit


def test_each_save_writes_one_audit_record(district, make_user):
    admin = make_user()
    count = AuditRecord.objects.count()
    unit = Organisation(code="NEW", name="新单位", kind=K.SECONDARY_UNIT, parent=fresh(district.p2))
    organisation_save(organisation=unit, acting_user=admin)
    assert AuditRecord.objects.count() == count + 1
    created = AuditRecord.objects.latest("id")
    assert created.action == "organisation.create"
    assert created.actor == admin
    assert created.object_type == "organisations.organisation"
    assert created.object_id == str(unit.pk)
    assert created.changes == {"parent": district.p2.pk, "path": unit.path, "kind": K.SECONDARY_UNIT}

    unit.parent = fresh(district.p1)
    organisation_save(organisation=unit, acting_user=admin)
    unit.name = "改名单位"
    organisation_save(organisation=unit, acting_user=admin)
    assert AuditRecord.objects.count() == count + 3
    changes = list(AuditRecord.objects.filter(object_id=str(unit.pk)).order_by("id"))
    assert [r.action for r in changes] == [
        "organisation.create",
        "organisation.change",
        "organisation.change",
    ]
    assert changes[1].changes["path"] == f"/{district.p1.pk}/{unit.pk}/"


def test_refused_save_writes_no_audit_record(district):
    count = AuditRecord.objects.count()
    with pytest.raises(ValidationError):
        organisation_save(
            organisation=Organisation(code="X", name="x", kind=K.SECONDARY_UNIT), acting_user=None
        )
    assert AuditRecord.objects.count() == count
