"""The register page (/rectification/): every item the person may see whatever its source, its filters,
paging with a flat query count, the .xlsx export, the bureau's 年末未完成 view, and the pages that open a
first-level unit's requirement or a unit's own finding."""

import io
from datetime import datetime, time, timedelta
from unittest import mock

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jixiao.rectification.models import RectificationItem, RectificationSource, RectificationState
from jixiao.rectification.services import item_open, rectification_respond, rectification_verify
from jixiao.testing import feedback_issued, unit_leader

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate()


def open_item(actor, kind, organisation, *, days=20, problem="食堂经费未单独核算"):
    return item_open(
        actor=actor,
        kind=kind,
        organisation=organisation,
        problem=problem,
        requirement="单独建账",
        due_date=today() + timedelta(days=days),
        cycle=None,
    )


def verify(item, verifier, unit_user):
    rectification_respond(
        item=item,
        response="已整改",
        completed_on=today(),
        no_evidence_reason="无纸质材料",
        acting_user=unit_user,
    )
    return rectification_verify(item=item, acting_user=verifier)


def listed(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("rectification:index"), query)
    assert response.status_code == 200
    return response


def sources(response) -> list[str]:
    return [item.source_label for item in response.context["page"]]


@pytest.fixture
def items(district):
    d = district
    town = feedback_issued(d, d.town, items=2, due=today() - timedelta(days=3))
    parent = open_item(d.p1_leader, RectificationSource.PARENT, d.s1, days=10)
    own = open_item(d.s1_filler, RectificationSource.SELF, d.s1, days=40)
    oversight = open_item(d.supervision_staff, RectificationSource.OVERSIGHT, d.p2, days=5)
    return {"town": town, "parent": parent, "self": own, "oversight": oversight}


def test_everyone_sees_the_items_of_their_scope_whatever_the_source(client, district, items):
    d = district
    expected = {
        "town_filler": 2,
        "s1_filler": 2,
        "p1_leader": 2,
        "counterpart_a": 4,
        "counterpart_b": 1,
        "supervision_staff": 5,
        "bureau_leader": 5,
    }
    for username, count in expected.items():
        assert listed(client, d.users[username]).context["page"].paginator.count == count, username


def test_filters_by_unit_source_state_due_date_and_overdue(client, district, items):
    d, user = district, district.supervision_staff
    assert listed(client, user, unit=d.s1.pk).context["page"].paginator.count == 2
    assert sources(listed(client, user, kind="parent")) == [items["parent"].source_label]
    assert listed(client, user, kind="feedback", overdue="on").context["page"].paginator.count == 2
    assert listed(client, user, overdue="on").context["page"].paginator.count == 2
    window = {"due_from": (today() + timedelta(days=1)).isoformat(), "due_to": (today() + timedelta(days=15))}
    assert {i.kind for i in listed(client, user, **window).context["page"]} == {"parent", "oversight"}
    verify(items["oversight"], d.supervision_staff, unit_leader(d.p2))
    assert [i.kind for i in listed(client, user, state="verified").context["page"]] == ["oversight"]
    text = listed(client, d.town_filler).content.decode()
    assert "已逾期 3 天" in text and ">逾期</span>" in text


def test_a_filter_outside_the_scope_never_widens_it(client, district, items):
    response = listed(client, district.counterpart_b, unit=district.s1.pk)
    assert [i.organisation for i in response.context["page"]] == [district.p2]


def test_the_register_pages_with_the_same_number_of_queries(client, district):
    d = district
    client.force_login(d.supervision_staff)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("rectification:index")).status_code == 200
        return len(queries)

    open_item(d.p1_leader, RectificationSource.PARENT, d.s1)
    small = count()
    for n in range(8):
        open_item(d.p1_leader, RectificationSource.PARENT, d.s2, problem=f"问题{n}")
        open_item(d.supervision_staff, RectificationSource.OVERSIGHT, d.town, problem=f"问题{n}")
    assert count() == small


def test_the_register_exports_what_is_filtered(client, district, items):
    client.force_login(district.counterpart_a)
    response = client.get(reverse("rectification:export"), {"kind": "feedback"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "整改事项台账"
    assert [c.value for c in sheet[3]][:4] == ["序号", "整改单位", "问题来源", "出处"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [(r[0], r[1], r[2], r[9]) for r in rows] == [
        (1, "东镇", "综合意见反馈表", "逾期"),
        (2, "东镇", "综合意见反馈表", "逾期"),
    ]
    assert sheet["B4"].border.left.style == "thin"
    assert sheet["H4"].number_format == "yyyy-mm-dd"


def test_the_bureau_lists_what_was_still_open_at_the_years_end(client, district, items, monkeypatch):
    d = district
    year = today().year
    verify(items["parent"], d.p1_leader, d.s1_filler)  # closed within the year
    after_new_year = timezone.make_aware(
        datetime.combine(today().replace(year=year + 1, month=1, day=3), time(9))
    )
    rectification_respond(
        item=items["self"],
        response="已整改",
        completed_on=today(),
        no_evidence_reason="无纸质材料",
        acting_user=d.s1_filler,
    )
    with mock.patch("django.utils.timezone.now", return_value=after_new_year):
        rectification_verify(item=items["self"], acting_user=d.s1_leader)  # closed only in January
    assert f"?year_end={year}" in listed(client, d.supervision_staff).content.decode()
    response = listed(client, d.supervision_staff, year_end=year)
    assert {i.kind for i in response.context["page"]} == {"feedback", "self", "oversight"}
    assert f"{year}年12月31日仍未销号的整改事项" in response.content.decode()
    export = client.get(reverse("rectification:export"), {"year_end": year})
    assert (
        openpyxl.load_workbook(io.BytesIO(export.content)).active["A1"].value == f"{year}年末未完成整改事项"
    )
    # A unit's register has no such view: the filter is not offered and is ignored.
    unit = listed(client, d.s1_filler, year_end=year)
    assert "year_end" not in unit.context["form"].fields and "year-end" not in unit.content.decode()
    assert unit.context["page"].paginator.count == 2


# ---------------------------------------------------------------------------------------------------
# Opening items by page


def test_a_first_level_unit_opens_a_requirement_for_one_of_its_schools(client, district):
    d = district
    client.force_login(d.p1_leader)
    url = reverse("rectification:new", args=["parent"])
    form = client.get(url).context["form"]
    assert [label for _pk, label in form.fields["organisation"].choices] == ["第一中学", "第二中学"]
    refused = client.post(url, {"organisation": d.s1.pk, "problem": "", "requirement": "x", "due_date": ""})
    assert refused.status_code == 200 and RectificationItem.objects.count() == 0
    response = client.post(
        url,
        {
            "organisation": d.s1.pk,
            "project": d.project_s1.pk,
            "problem": "食堂经费未单独核算",
            "requirement": "单独建账",
            "due_date": (today() + timedelta(days=10)).isoformat(),
            "source_label": "2026年学校经费专项检查",
        },
    )
    item = RectificationItem.objects.get()
    assert response.status_code == 302 and response.url == reverse("rectification:item", args=[item.pk])
    assert (item.kind, item.organisation, item.project) == ("parent", d.s1, d.project_s1)
    client.force_login(d.s1_filler)
    page = client.get(response.url).content.decode()
    assert "2026年学校经费专项检查" in page and "报送整改落实情况</button>" in page
    client.force_login(d.users["counterpart_b"])
    assert client.get(response.url).status_code == 404


@pytest.mark.parametrize(("username", "kind"), [("s1_filler", "parent"), ("counterpart_a", "self")])
def test_people_who_may_not_open_such_items_are_refused(client, district, username, kind):
    client.force_login(district.users[username])
    assert client.get(reverse("rectification:new", args=[kind])).status_code == 403


def test_a_unit_records_its_own_finding_and_answers_it_on_the_item_page(client, district):
    d = district
    client.force_login(d.s1_filler)
    assert client.get(reverse("rectification:new", args=["oversight"])).status_code == 404
    url = reverse("rectification:new", args=["self"])
    assert [label for _pk, label in client.get(url).context["form"].fields["organisation"].choices] == [
        "第一中学"
    ]
    client.post(
        url,
        {
            "organisation": d.s1.pk,
            "problem": "资产未入账",
            "requirement": "补登",
            "due_date": today().isoformat(),
        },
    )
    item = RectificationItem.objects.get(kind="self")
    answered = client.post(
        reverse("rectification:respond", args=[item.pk]),
        {"response": "已补登", "completed_on": today().isoformat(), "no_evidence_reason": "见资产台账"},
    )
    assert answered.url == reverse("rectification:item", args=[item.pk])
    refused = client.post(reverse("rectification:respond", args=[item.pk]), {"response": ""})
    assert refused.status_code == 200 and "不能再报送" in refused.content.decode()
    item.refresh_from_db()
    assert item.state == RectificationState.RESPONDED
