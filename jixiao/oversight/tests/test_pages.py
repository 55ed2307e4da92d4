"""Who sees which oversight actions (lists, pages, files), an agency's projects, and the pages' steps."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jixiao.core.tests.test_chinese_screens import english_on
from jixiao.core.tests.test_navigation import active_items
from jixiao.organisations.models import Role
from jixiao.oversight.models import OversightAction, OversightKind, OversightState
from jixiao.oversight.services import attachment_add, finding_open_rectification, oversight_record_findings
from jixiao.oversight.tests.helpers import pdf, plan, started, with_finding
from jixiao.rectification.models import RectificationItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def actions(district):
    """A planned and a started check of S1, an entrusted tracking of S3, a started check of P2."""
    return {
        "s1_planned": plan(district, internal_note="内部：重点看劳务费"),
        "s1_started": started(district, internal_note="内部：重点看劳务费"),
        "s3_entrusted": plan(district, kind=OversightKind.ENTRUSTED, project=district.project_s3),
        "p2_started": started(district, project=district.project_p2),
    }


EVERYTHING = {"s1_planned", "s1_started", "s3_entrusted", "p2_started"}
SEES = {
    "supervision_staff": EVERYTHING,
    "bureau_leader": EVERYTHING,
    "counterpart_a": {"s1_planned", "s1_started"},
    "counterpart_b": {"s3_entrusted", "p2_started"},
    "s1_filler": {"s1_started"},  # a unit does not see a check that has not started
    "p1_leader": {"s1_started"},
    "town_filler": set(),
    "agency_staff": {"s3_entrusted"},
    "sysadmin": set(),
    "auditor": set(),
    "nobody": set(),
}


@pytest.mark.parametrize("username", sorted(SEES))
def test_each_person_sees_their_actions_and_no_other_id(client, district, actions, username):
    client.force_login(getattr(district, username))
    listed = client.get(reverse("oversight:index"))
    assert listed.status_code == (404 if username in {"sysadmin", "auditor", "nobody"} else 200)
    for name, action in actions.items():
        detail = client.get(reverse("oversight:detail", args=[action.pk]))
        assert detail.status_code == (200 if name in SEES[username] else 404), name
        if listed.status_code == 200:
            assert (action.number in listed.content.decode()) == (name in SEES[username]), name


def test_internal_notes_stay_with_the_bureau(client, district, actions):
    url = reverse("oversight:detail", args=[actions["s1_started"].pk])
    client.force_login(district.counterpart_a)
    assert "内部：重点看劳务费" in client.get(url).content.decode()
    client.force_login(district.s1_filler)
    page = client.get(url).content.decode()
    assert "资金支付与会计凭证" in page and "内部：重点看劳务费" not in page


def test_files_are_served_only_to_those_who_see_the_action(client, district, actions):
    attachment = attachment_add(
        action=actions["p2_started"], upload=pdf(), acting_user=district.supervision_staff
    )
    url = reverse("oversight:attachment", args=[attachment.pk])
    client.force_login(district.counterpart_b)
    assert client.get(url).status_code == 200
    for username in ("counterpart_a", "s1_filler", "agency_staff"):
        client.force_login(getattr(district, username))
        assert client.get(url).status_code == 404


def _project_codes(client) -> set[str]:
    page = client.get(reverse("projects:project_list"))
    assert page.status_code == 200
    return {p.code for p in page.context["page"].object_list} if "page" in page.context else set()


def test_an_agency_sees_only_its_assigned_projects(client, district):
    client.force_login(district.supervision_staff)
    assert (
        client.post(
            reverse("oversight:agencies"),
            {"agency": district.agency.pk, "project_code": district.project_s1.code},
        ).status_code
        == 302
    )
    client.force_login(district.agency_staff)
    listed = client.get(reverse("projects:project_list")).content.decode()
    assert district.project_s1.code in listed and district.project_s3.code in listed
    for other in ("s2", "p1", "p2", "town", "sc"):
        assert district.projects[other].code not in listed
        assert (
            client.get(reverse("projects:project_detail", args=[district.projects[other].pk])).status_code
            == 404
        )
    assert client.get(reverse("projects:project_detail", args=[district.project_s1.pk])).status_code == 200

    client.force_login(district.supervision_staff)
    remove = reverse("oversight:agency_remove", args=[district.agency.pk, district.project_s1.pk])
    assert client.post(remove).status_code == 302
    client.force_login(district.agency_staff)
    assert district.project_s1.code not in client.get(reverse("projects:project_list")).content.decode()
    assert client.get(reverse("projects:project_detail", args=[district.project_s1.pk])).status_code == 404


@pytest.mark.parametrize("username", ["counterpart_a", "bureau_leader", "agency_staff", "s1_filler"])
def test_the_agency_page_is_the_supervision_sections(client, district, username):
    client.force_login(getattr(district, username))
    assert client.get(reverse("oversight:agencies")).status_code == 403
    assert (
        client.post(
            reverse("oversight:agencies"),
            {"agency": district.agency.pk, "project_code": district.project_s1.code},
        ).status_code
        == 403
    )
    assert not district.project_s1.agencies.exists()


def test_the_agency_page_lists_entrusted_projects(client, district):
    client.force_login(district.supervision_staff)
    page = client.get(reverse("oversight:agencies"))
    assert page.status_code == 200
    assert district.project_s3.name in page.content.decode()


def test_plan_through_the_page(client, district):
    client.force_login(district.counterpart_a)
    today = timezone.localdate()
    response = client.post(
        reverse("oversight:plan"),
        {
            "kind": OversightKind.SPOT_CHECK,
            "target": "project",
            "project_code": district.project_s1.code,
            "subject": "抽查 6 月支付凭证",
            "planned_start": today.isoformat(),
            "planned_end": (today + timedelta(days=2)).isoformat(),
            "staff": [district.counterpart_a.pk],
        },
    )
    action = OversightAction.objects.get()
    assert response.status_code == 302 and response.url == action.get_absolute_url()
    assert (action.kind, action.project) == (OversightKind.SPOT_CHECK, district.project_s1)


def test_the_plan_page_shows_the_services_refusal_beside_the_field(client, district):
    client.force_login(district.counterpart_a)
    today = timezone.localdate().isoformat()
    values = {
        "kind": OversightKind.ONSITE,
        "target": "project",
        "project_code": district.project_s1.code,
        "subject": "核查",
        "planned_start": today,
        "planned_end": today,
    }
    response = client.post(reverse("oversight:plan"), values)
    assert response.status_code == 400
    assert response.context["form"].errors["staff"] == ["请选择检查人员。"]
    # Another section's unit's project is not found at all.
    client.force_login(district.counterpart_b)
    values.update(project_code=district.project_s1.code, staff=[district.counterpart_b.pk])
    response = client.post(reverse("oversight:plan"), values)
    assert response.status_code == 400 and "project_code" in response.context["form"].errors
    assert not OversightAction.objects.exists()


def test_units_and_agencies_are_offered_no_planning(client, district):
    for username in ("s1_filler", "agency_staff", "bureau_leader"):
        client.force_login(getattr(district, username))
        assert "plan-action" not in client.get(reverse("oversight:index")).content.decode()
        assert client.get(reverse("oversight:plan")).status_code == 403
        assert client.post(reverse("oversight:plan"), {}).status_code == 403
    assert not OversightAction.objects.exists()


def test_the_rectify_button_is_the_supervision_sections(client, district):
    action, finding = with_finding(district, by=district.counterpart_a, staff=[district.counterpart_a])
    url = reverse("oversight:detail", args=[action.pk])
    client.force_login(district.counterpart_a)
    assert f"rectify-form-{finding.pk}" not in client.get(url).content.decode()
    refused = client.post(
        reverse("oversight:rectify", args=[finding.pk]),
        {f"rectify-{finding.pk}-requirement": "整改", f"rectify-{finding.pk}-due_date": "2099-01-01"},
    )
    assert refused.status_code == 403
    client.force_login(district.supervision_staff)
    assert f"rectify-form-{finding.pk}" in client.get(url).content.decode()
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    done = client.post(
        reverse("oversight:rectify", args=[finding.pk]),
        {f"rectify-{finding.pk}-requirement": "补齐凭证", f"rectify-{finding.pk}-due_date": due},
    )
    assert done.status_code == 302
    assert RectificationItem.objects.get().organisation == district.s1
    client.force_login(district.s1_filler)
    assert client.post(reverse("oversight:rectify", args=[finding.pk]), {}).status_code == 403


def test_the_unit_answers_an_inquiry_on_its_page(client, district, make_user):
    action = started(district, kind=OversightKind.INQUIRY, unit=district.s1)
    url = reverse("oversight:act", args=[action.pk, "answer"])
    client.force_login(make_user(district.s2, Role.FILLER))
    assert client.post(url, {"answer-answer": "答复"}).status_code == 404
    client.force_login(district.s1_leader)
    assert client.post(url, {"answer-answer": ""}).status_code == 400
    assert client.post(url, {"answer-answer": "已按合同支付"}).status_code == 302
    action.refresh_from_db()
    assert action.answer == "已按合同支付"
    oversight_record_findings(action=action, actual_end=None, acting_user=district.supervision_staff)
    action.refresh_from_db()
    assert action.state == OversightState.FINDINGS


def _list_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("oversight:index")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("username", ["supervision_staff", "agency_staff", "s1_filler"])
def test_the_list_takes_the_same_number_of_queries_for_more_actions(client, district, username):
    started(district)
    started(
        district, kind=OversightKind.ENTRUSTED, project=district.project_s3, by=district.supervision_staff
    )
    few = _list_queries(client, getattr(district, username))
    for attr in ("s1", "s2", "p2", "town"):
        started(district, project=district.projects[attr])
        _action, finding = with_finding(district, unit=getattr(district, attr))
        finding_open_rectification(
            finding=finding,
            requirement="整改",
            due_date=timezone.localdate() + timedelta(days=9),
            acting_user=district.supervision_staff,
        )
    assert _list_queries(client, getattr(district, username)) == few


def test_the_pages_speak_chinese_and_mark_their_menu_section(client, district):
    action, finding = with_finding(district, kind=OversightKind.INQUIRY, unit=district.s1)
    finding_open_rectification(
        finding=finding,
        requirement="整改",
        due_date=timezone.localdate() + timedelta(days=9),
        acting_user=district.supervision_staff,
    )
    pages = [
        ("supervision_staff", reverse("oversight:index")),
        ("supervision_staff", reverse("oversight:plan")),
        ("supervision_staff", reverse("oversight:agencies")),
        ("supervision_staff", reverse("oversight:detail", args=[action.pk])),
        ("s1_filler", reverse("oversight:detail", args=[action.pk])),
        ("agency_staff", reverse("oversight:index")),
        ("supervision_staff", reverse("oversight:edit", args=[plan(district).pk])),
    ]
    for username, url in pages:
        client.force_login(getattr(district, username))
        html = client.get(url).content.decode()
        assert english_on(html) == [], url
        assert active_items(client, url) == ["监督检查"], url


def test_a_refused_file_is_said_on_the_page(client, district):
    action = started(district)
    client.force_login(district.supervision_staff)
    response = client.post(
        reverse("oversight:attachment_upload", args=[action.pk]), {"file": pdf("底稿.pdf", b"MZ not a pdf")}
    )
    assert response.status_code == 400
    assert "扩展名与内容不符" in response.content.decode()
    assert not action.attachments.exists()
    done = client.post(reverse("oversight:attachment_upload", args=[action.pk]), {"file": pdf()})
    assert done.status_code == 302 and action.attachments.count() == 1
    client.force_login(district.s1_filler)
    assert (
        client.post(reverse("oversight:attachment_upload", args=[action.pk]), {"file": pdf()}).status_code
        == 403
    )


def test_the_plan_is_changed_on_its_page_until_the_check_starts(client, district):
    action = plan(district)
    url = reverse("oversight:edit", args=[action.pk])
    client.force_login(district.s1_filler)
    assert client.get(url).status_code == 404  # a planned check does not exist for the unit
    client.force_login(district.bureau_leader)
    assert client.get(url).status_code == 403
    client.force_login(district.supervision_staff)
    assert "edit-action" in client.get(reverse("oversight:detail", args=[action.pk])).content.decode()
    values = {
        "subject": "改为核查 7 月凭证",
        "planned_start": action.planned_start.isoformat(),
        "planned_end": action.planned_end.isoformat(),
        "staff": [district.supervision_staff.pk],
    }
    assert client.post(url, values).status_code == 302
    action.refresh_from_db()
    assert action.subject == "改为核查 7 月凭证"
    assert client.post(url, values | {"staff": []}).status_code == 400
    started_action = started(district)
    response = client.get(reverse("oversight:edit", args=[started_action.pk]))
    assert response.status_code == 302 and response.url == started_action.get_absolute_url()
