"""The violations register (第十七条): every transition allowed and refused by actor and state, its
办理记录 and audit rows (which never carry the facts), and who sees it — page, id, search, export and API:
the supervision section and the bureau leaders yes, everyone else 404 (403 through the API) and no rows."""

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jixiao.api.tests.helpers import make_token, person_client, token_client
from jixiao.audit.models import AuditRecord
from jixiao.core.errors import ServiceError
from jixiao.notifications.models import Notification
from jixiao.organisations.models import Role
from jixiao.violations.models import CaseState, Law, ViolationCase, ViolationTransition
from jixiao.violations.selectors import ViolationFilters, violation_list, violation_search
from jixiao.violations.services import (
    violation_close,
    violation_edit,
    violation_handle,
    violation_investigate,
    violation_refer,
    violation_register,
)

pytestmark = pytest.mark.django_db

FACTS = "2026年6月将专项资金12万元用于弥补日常公用经费。"
READERS = ["supervision_staff", "bureau_leader"]
OUTSIDERS = [
    "counterpart_a",
    "counterpart_b",
    "s1_filler",
    "p1_leader",
    "town_filler",
    "agency_staff",
    "sysadmin",
    "auditor",
    "nobody",
]


def values(district, **changes) -> dict:
    return {
        "title": "挤占挪用专项资金",
        "facts": FACTS,
        "law": Law.FISCAL_PENALTY,
        "article": "第十四条",
        "amount": Decimal("120000.00"),
        "project": district.project_s1,
    } | changes


def register(district, unit=None, **changes) -> ViolationCase:
    return violation_register(
        organisation=unit or district.s1,
        values=values(district, **changes),
        acting_user=district.supervision_staff,
    )


@pytest.fixture
def case(district):
    return register(district)


def steps(case) -> list[tuple[str, str, str]]:
    return list(case.transitions.order_by("at", "id").values_list("action", "from_state", "to_state"))


# ---------------------------------------------------------------------------------------------------
# Services


def test_the_supervision_section_registers_with_a_transition_and_an_audit_row(
    district, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = register(district)
    assert (case.state, case.organisation, case.project, case.registered_by) == (
        CaseState.REGISTERED,
        district.s1,
        district.project_s1,
        district.supervision_staff,
    )
    assert case.number == f"违规〔{timezone.localdate().year}〕{case.pk}号"
    assert steps(case) == [("violation.register", "", CaseState.REGISTERED)]
    assert case.transitions.get().organisation == district.supervision
    record = AuditRecord.objects.get(action="violation.register")
    assert (record.object_id, record.to_state, record.actor) == (
        str(case.pk),
        "registered",
        district.supervision_staff,
    )
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["bureau_leader"]


@pytest.mark.parametrize("user", ["bureau_leader", "counterpart_a", "s1_leader", "data_manager", "auditor"])
def test_nobody_else_registers(district, make_user, user):
    actor = (
        make_user(district.bureau, Role.DATA_MANAGER) if user == "data_manager" else getattr(district, user)
    )
    with pytest.raises(PermissionDenied):
        violation_register(organisation=district.s1, values=values(district), acting_user=actor)
    assert not ViolationCase.objects.exists()
    assert not AuditRecord.objects.filter(action__startswith="violation.").exists()


def test_what_is_wrong_is_said_field_by_field_and_nothing_is_written(district):
    with pytest.raises(ServiceError) as refused:
        register(district, facts=" ", law="", article="", project=district.project_s3, amount=Decimal("-1"))
    assert set(refused.value.field_errors) == {"facts", "law", "article", "project", "amount"}
    with pytest.raises(ServiceError) as classified:
        register(district, unit=district.sc, project=None)
    assert set(classified.value.field_errors) == {"organisation"}
    assert not ViolationCase.objects.exists()


def test_investigated_handled_and_closed(district, case):
    case = violation_investigate(case=case, comment="调取会计凭证", acting_user=district.supervision_staff)
    case = violation_handle(
        case=case, handling="责令改正，收回资金12万元", acting_user=district.supervision_staff
    )
    case = violation_close(
        case=case, conclusion="资金已收回，整改到位", acting_user=district.supervision_staff
    )
    assert (case.state, case.handling, case.conclusion) == (
        CaseState.CLOSED,
        "责令改正，收回资金12万元",
        "资金已收回，整改到位",
    )
    assert steps(case) == [
        ("violation.register", "", "registered"),
        ("violation.investigate", "registered", "investigating"),
        ("violation.handle", "investigating", "handling"),
        ("violation.close", "handling", "closed"),
    ]
    audited = AuditRecord.objects.filter(object_id=str(case.pk), action__startswith="violation.")
    assert list(audited.order_by("id").values_list("action", flat=True)) == [s[0] for s in steps(case)]


def test_referred_to_the_judicial_organs_is_final(district, case, django_capture_on_commit_callbacks):
    violation_investigate(case=case, acting_user=district.supervision_staff)
    with django_capture_on_commit_callbacks(execute=True):
        case = violation_refer(
            case=case,
            referred_to="区公安局经侦大队",
            referred_on=timezone.localdate(),
            comment="涉嫌骗取财政资金",
            acting_user=district.supervision_staff,
        )
    assert (case.state, case.referred_to) == (CaseState.REFERRED, "区公安局经侦大队")
    assert steps(case)[-1] == ("violation.refer", "investigating", "referred")
    assert Notification.objects.filter(
        recipient=district.bureau_leader, message__contains="移送司法机关"
    ).exists()
    for attempt in (
        lambda: violation_close(case=case, conclusion="结案", acting_user=district.supervision_staff),
        lambda: violation_edit(case=case, values=values(district), acting_user=district.supervision_staff),
    ):
        with pytest.raises(ValidationError):
            attempt()
    assert ViolationTransition.objects.filter(subject=case).count() == 3


def test_the_edit_page_of_a_final_case_says_why_it_is_closed(client, district, case):
    violation_investigate(case=case, acting_user=district.supervision_staff)
    violation_close(case=case, conclusion="查无实据", acting_user=district.supervision_staff)
    client.force_login(district.supervision_staff)
    response = client.get(reverse("violations:edit", args=[case.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("violations:detail", args=[case.pk])
    assert "不能修改" in response.content.decode()


def test_steps_out_of_order_or_incomplete_are_refused(district, case):
    actor = district.supervision_staff
    with pytest.raises(ValidationError):
        violation_handle(case=case, handling="处理", acting_user=actor)
    with pytest.raises(ValidationError):
        violation_refer(
            case=case,
            referred_to="区检察院",
            referred_on=timezone.localdate(),
            comment="x",
            acting_user=actor,
        )
    case = violation_investigate(case=case, acting_user=actor)
    with pytest.raises(ServiceError) as refused:
        violation_refer(
            case=case,
            referred_to="",
            referred_on=timezone.localdate() + timedelta(days=1),
            comment="",
            acting_user=actor,
        )
    assert set(refused.value.field_errors) == {"referred_to", "referred_on", "comment"}
    with pytest.raises(ServiceError):
        violation_handle(case=case, handling=" ", acting_user=actor)
    with pytest.raises(PermissionDenied):
        violation_close(case=case, conclusion="查无实据", acting_user=district.bureau_leader)
    case.refresh_from_db()
    assert case.state == CaseState.INVESTIGATING
    assert len(steps(case)) == 2


def test_an_edit_records_which_fields_changed_but_not_their_text(district, case):
    violation_edit(
        case=case,
        values=values(district, facts="更正后的事实", project=None),
        acting_user=district.supervision_staff,
    )
    case.refresh_from_db()
    assert (case.facts, case.project) == ("更正后的事实", None)
    edit = case.transitions.get(action="violation.edit")
    assert (edit.from_state, edit.to_state, edit.comment) == ("", "", "修改了违法违规事实、涉及项目")
    violation_edit(
        case=case,
        values=values(district, facts="更正后的事实", project=None),
        acting_user=district.supervision_staff,
    )
    assert case.transitions.filter(action="violation.edit").count() == 1  # nothing changed, nothing recorded


def test_the_audit_trail_and_notices_never_carry_the_facts(
    district, case, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        violation_investigate(case=case, acting_user=district.supervision_staff)
        violation_refer(
            case=case,
            referred_to="区公安局",
            referred_on=timezone.localdate(),
            comment="涉嫌犯罪",
            acting_user=district.supervision_staff,
        )
    for record in AuditRecord.objects.filter(action__startswith="violation."):
        assert FACTS not in f"{record.object_repr}{record.comment}{record.changes}"
        assert district.s1.name not in record.object_repr
    assert not Notification.objects.filter(message__contains=district.s1.name).exists()


# ---------------------------------------------------------------------------------------------------
# Who sees the register


@pytest.mark.parametrize("user", READERS)
def test_readers_see_the_cases_on_every_page(client, district, case, user):
    client.force_login(getattr(district, user))
    listed = client.get(reverse("violations:index"))
    assert listed.status_code == 200 and case.number in listed.content.decode()
    detail = client.get(reverse("violations:detail", args=[case.pk]))
    assert detail.status_code == 200 and FACTS in detail.content.decode()
    exported = client.get(reverse("violations:export"))
    assert exported.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(exported.content)).active
    assert [sheet.cell(row=4, column=c).value for c in (1, 3, 6)] == [case.number, district.s1.name, FACTS]
    assert "违法违规" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("user", OUTSIDERS)
def test_everyone_else_gets_404_and_no_menu(client, district, case, user):
    client.force_login(getattr(district, user))
    for url in (
        reverse("violations:index"),
        reverse("violations:detail", args=[case.pk]),
        reverse("violations:edit", args=[case.pk]),
        reverse("violations:export"),
        reverse("violations:register"),
        f"{reverse('violations:index')}?q={case.pk}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("violations:act", args=[case.pk, "investigate"])).status_code == 404
    assert reverse("violations:index") not in client.get(reverse("home")).content.decode()
    assert not violation_list(user=getattr(district, user)).exists()
    assert not AuditRecord.objects.filter(action="violation.export").exists()


def test_the_data_manager_who_sees_every_project_does_not_see_the_register(client, district, case, make_user):
    manager = make_user(district.bureau, Role.DATA_MANAGER)
    client.force_login(manager)
    assert client.get(reverse("violations:detail", args=[case.pk])).status_code == 404
    assert person_client(manager).get("/api/v1/violations/").status_code == 403


def test_the_admin_screens_hold_no_case(admin_client, case):
    """The system administrator handles no business data (三权分立): the register has no admin screen."""
    assert ViolationCase not in admin.site._registry and ViolationTransition not in admin.site._registry
    assert admin_client.get("/admin/violations/violationcase/").status_code == 404


def test_a_leader_reads_but_does_not_handle(client, district, case):
    client.force_login(district.bureau_leader)
    page = client.get(reverse("violations:detail", args=[case.pk])).content.decode()
    assert 'id="investigate-form"' not in page and 'id="edit-case"' not in page
    assert client.get(reverse("violations:register")).status_code == 403
    assert client.post(reverse("violations:act", args=[case.pk, "investigate"])).status_code == 403
    case.refresh_from_db()
    assert case.state == CaseState.REGISTERED


def test_a_classified_units_case_is_not_reachable(client, district, case):
    """Cases follow the units' visibility: the bureau's district roles never see a classified unit."""
    hidden = ViolationCase.objects.create(
        organisation=district.sc,
        title="t",
        facts="f",
        law=Law.OTHER,
        article="a",
        registered_by=district.supervision_staff,
    )
    client.force_login(district.supervision_staff)
    assert client.get(reverse("violations:detail", args=[hidden.pk])).status_code == 404
    assert list(violation_list(user=district.supervision_staff)) == [case]


def test_search_narrows_the_readers_scope(district, case):
    other = register(district, unit=district.p2, project=None, title="虚列支出", law=Law.ACCOUNTING_LAW)
    reader = district.supervision_staff
    assert list(violation_search(user=reader, filters=ViolationFilters(q="虚列"))) == [other]
    assert list(violation_search(user=reader, filters=ViolationFilters(q=district.project_s1.code))) == [case]
    assert list(violation_search(user=reader, filters=ViolationFilters(law=Law.ACCOUNTING_LAW))) == [other]
    assert list(violation_search(user=reader, filters=ViolationFilters(unit=district.s1.pk))) == [case]
    assert set(violation_search(user=reader, filters=ViolationFilters(state=CaseState.REGISTERED))) == {
        case,
        other,
    }
    assert list(violation_search(user=reader, filters=ViolationFilters(q=other.number))) == [other]
    assert list(violation_search(user=reader, filters=ViolationFilters(q=f"{case.pk}号"))) == [case]
    assert not violation_search(user=reader, filters=ViolationFilters(invalid=True)).exists()
    assert not violation_search(user=district.counterpart_a, filters=ViolationFilters(q="虚列")).exists()


def test_a_filter_that_makes_no_sense_lists_nothing(client, district, case):
    client.force_login(district.supervision_staff)
    page = client.get(reverse("violations:index"), {"unit": district.sc.pk, "year": "abc"}).content.decode()
    assert case.number not in page and "没有符合条件的违法违规问题" in page


def test_the_export_is_the_filtered_list_with_title_and_borders(client, district, case):
    register(district, unit=district.p2, project=None, title="虚列支出")
    client.force_login(district.supervision_staff)
    response = client.get(reverse("violations:export"), {"q": "挤占"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "违法违规问题台账" in sheet["A1"].value
    assert sheet["A3"].value == "案件编号" and sheet["A3"].border.left.style == "thin"
    assert sheet["A4"].value == case.number and sheet["A4"].border.bottom.style == "thin"
    assert sheet["H4"].value == 12.0  # 万元
    assert sheet["A5"].value is None
    assert AuditRecord.objects.filter(action="violation.export", comment__contains="1 条").exists()


# ---------------------------------------------------------------------------------------------------
# Pages


def test_register_and_move_through_the_pages(client, district):
    client.force_login(district.supervision_staff)
    refused = client.post(
        reverse("violations:register"),
        {
            "organisation": district.s1.pk,
            "project_code": "NOPE",
            "title": "t",
            "facts": "f",
            "law": "other",
            "article": "a",
        },
    )
    assert refused.status_code == 400 and "没有编码为" in refused.content.decode()
    response = client.post(
        reverse("violations:register"),
        {
            "organisation": district.s1.pk,
            "project_code": district.project_s1.code,
            "title": "挤占挪用专项资金",
            "facts": FACTS,
            "law": Law.BUDGET_LAW,
            "article": "第九十三条",
            "amount": "12",
        },
    )
    case = ViolationCase.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "violations:detail", args=[case.pk]
    )
    assert (case.project, case.amount) == (district.project_s1, Decimal("120000.00"))
    act = reverse("violations:act", args=[case.pk, "investigate"])
    assert client.post(act, {"investigate-comment": "调取凭证"}).status_code == 302
    incomplete = client.post(reverse("violations:act", args=[case.pk, "refer"]), {"refer-referred_to": ""})
    assert incomplete.status_code == 400 and "请填写移送机关" in incomplete.content.decode()
    client.post(
        reverse("violations:act", args=[case.pk, "refer"]),
        {
            "refer-referred_to": "区公安局",
            "refer-referred_on": timezone.localdate().isoformat(),
            "refer-comment": "涉嫌犯罪",
        },
    )
    case.refresh_from_db()
    assert case.state == CaseState.REFERRED
    page = client.get(reverse("violations:detail", args=[case.pk])).content.decode()
    assert "移送司法机关" in page and 'id="case-actions"' not in page
    assert client.post(reverse("violations:act", args=[case.pk, "unknown"])).status_code == 404


def _list_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("violations:index")).status_code == 200
    return len(queries)


def test_the_list_takes_the_same_number_of_queries_for_more_cases(client, district):
    register(district)
    few = _list_queries(client, district.supervision_staff)
    for attr in ("s2", "p2", "town", "s3"):
        register(district, unit=getattr(district, attr), project=None)
        register(district, unit=getattr(district, attr), project=district.projects[attr])
    assert _list_queries(client, district.supervision_staff) == few


# ---------------------------------------------------------------------------------------------------
# API


@pytest.mark.parametrize("user", READERS)
def test_the_api_reads_for_the_readers(district, case, user):
    api = person_client(getattr(district, user))
    listed = api.get("/api/v1/violations/")
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [case.pk]
    row = api.get(f"/api/v1/violations/{case.pk}/").json()
    assert (row["number"], row["facts"], row["law"], row["amount"]) == (
        case.number,
        FACTS,
        "fiscal_penalty",
        "120000.00",
    )
    assert api.get("/api/v1/violations/", {"state": "closed"}).json()["results"] == []


@pytest.mark.parametrize("user", OUTSIDERS)
def test_the_api_refuses_everyone_else(district, case, user):
    api = person_client(getattr(district, user))
    for url in ("/api/v1/violations/", f"/api/v1/violations/{case.pk}/"):
        response = api.get(url)
        assert response.status_code == 403, url
        assert "results" not in response.json() and FACTS not in response.content.decode()


@pytest.mark.parametrize("organisation", ["supervision", "bureau", "section_a", "s1", "agency"])
def test_no_token_reads_the_register(district, case, organisation):
    api = token_client(make_token(getattr(district, organisation)))
    for url in ("/api/v1/violations/", f"/api/v1/violations/{case.pk}/"):
        response = api.get(url)
        assert response.status_code == 403
        assert FACTS not in response.content.decode()
    assert api.get("/api/v1/projects/").status_code == 200  # the token itself works
