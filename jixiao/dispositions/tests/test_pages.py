"""The pages: the unit's red list and a project's disposition (answer through the page, another unit's
project is a 404, GET writes nothing), the panel the project page loads, the home page count, the
funding-decision list (who may open it, query count flat, the export) and its link to the funding page."""

import io
from datetime import date

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.audit.models import AuditRecord
from jixiao.dispositions.links import funding_decide_url
from jixiao.dispositions.models import Choice, WarningDisposition
from jixiao.dispositions.tests.helpers import answer, make_red
from jixiao.organisations.models import Role

pytestmark = pytest.mark.django_db


def page_url(district, project):
    return reverse("dispositions:project", args=[district.cycle.pk, project.pk])


@pytest.fixture
def red_s1(district):
    return make_red(district, district.project_s1, district.s1_filler)


def test_the_unit_answers_on_the_page(client, district, red_s1):
    client.force_login(district.s1_filler)
    page = client.get(page_url(district, district.project_s1)).content.decode()
    assert 'id="disposition-form"' in page and "还剩 10 个工作日" in page
    url = reverse("dispositions:answer", args=[district.cycle.pk, district.project_s1.pk])
    refused = client.post(url, {"choice": Choice.CANCEL, "reason": ""})
    assert refused.status_code == 200 and "请填写申请取消的理由。" in refused.content.decode()
    done = client.post(url, {"choice": Choice.CANCEL, "reason": "政策调整，项目不再实施。"})
    assert done.status_code == 302
    disposition = WarningDisposition.objects.get()
    assert (disposition.choice, disposition.reason) == (Choice.CANCEL, "政策调整，项目不再实施。")
    page = client.get(page_url(district, district.project_s1)).content.decode()
    assert "修改处置意见" in page and "答复红色预警处置意见" in page  # the form and the 办理记录


def test_reading_the_page_and_the_panel_writes_nothing(client, district, red_s1):
    client.force_login(district.s1_filler)
    records = AuditRecord.objects.count()
    client.get(page_url(district, district.project_s1))
    client.get(reverse("dispositions:panel", args=[district.cycle.pk, district.project_s1.pk]))
    assert not WarningDisposition.objects.exists()
    assert AuditRecord.objects.count() == records


def test_another_units_project_is_not_found(client, district, red_s1, make_user):
    client.force_login(make_user(district.s2, Role.FILLER))
    assert client.get(page_url(district, district.project_s1)).status_code == 404
    url = reverse("dispositions:answer", args=[district.cycle.pk, district.project_s1.pk])
    assert client.post(url, {"choice": Choice.CANCEL, "reason": "理由"}).status_code == 404
    client.force_login(district.counterpart_b)
    assert client.get(page_url(district, district.project_s1)).status_code == 404
    assert not WarningDisposition.objects.exists()


def test_the_bureau_reads_and_acknowledges_but_never_answers(client, district, red_s1):
    client.force_login(district.counterpart_a)
    page = client.get(page_url(district, district.project_s1)).content.decode()
    assert 'id="disposition-form"' not in page and "尚未答复" in page
    url = reverse("dispositions:answer", args=[district.cycle.pk, district.project_s1.pk])
    assert client.post(url, {"choice": Choice.CANCEL, "reason": "理由"}).status_code == 403
    disposition = answer(district, district.project_s1, district.s1_filler, Choice.CANCEL)
    assert 'id="acknowledge-form"' in client.get(page_url(district, district.project_s1)).content.decode()
    client.force_login(district.s1_filler)
    assert 'id="acknowledge-form"' not in client.get(page_url(district, district.project_s1)).content.decode()
    ack = reverse("dispositions:acknowledge", args=[disposition.pk])
    assert client.post(ack).status_code == 403
    client.force_login(district.counterpart_b)
    assert client.post(ack).status_code == 404  # not its unit
    client.force_login(district.counterpart_a)
    assert client.post(ack, {"comment": "已收悉"}).status_code == 302
    disposition.refresh_from_db()
    assert disposition.state == "acknowledged"


def test_the_project_page_loads_the_panel_and_the_home_page_counts_what_waits(client, district, red_s1):
    client.force_login(district.s1_filler)
    project_page = client.get(
        reverse("projects:project_detail", args=[district.project_s1.pk])
    ).content.decode()
    panel_url = reverse("dispositions:panel", args=[district.cycle.pk, district.project_s1.pk])
    assert f'hx-get="{panel_url}"' in project_page
    panel = client.get(panel_url).content.decode()
    assert "红色预警处置" in panel and 'id="disposition-form"' in panel and "处置详情与办理记录" in panel
    home = client.get(reverse("home")).content.decode()
    assert "红色预警待答复处置意见 1 项" in home
    answer(district, district.project_s1, district.s1_filler, Choice.CONTINUE)
    assert "红色预警待答复处置意见" not in client.get(reverse("home")).content.decode()


def test_the_red_list_page(client, district, red_s1):
    client.force_login(district.s1_leader)
    page = client.get(reverse("dispositions:index")).content.decode()
    assert district.project_s1.name in page and 'id="days-form"' not in page
    client.force_login(district.supervision_staff)
    page = client.get(reverse("dispositions:index")).content.decode()
    assert 'id="days-form"' in page


def test_the_working_days_form_both_ways(client, district):
    url = reverse("dispositions:cycle_days", args=[district.cycle.pk])
    client.force_login(district.counterpart_a)
    assert client.post(url, {"days": 5}).status_code == 403
    client.force_login(district.supervision_staff)
    assert client.post(url, {"days": 5}).status_code == 302
    district.cycle.refresh_from_db()
    assert district.cycle.disposition_working_days == 5


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("bureau_leader", 200),
        ("counterpart_a", 200),
        ("supervision_staff", 200),
        ("s1_leader", 403),
        ("agency_staff", 403),
    ],
)
def test_who_opens_the_funding_list(client, district, username, status):
    client.force_login(district.users[username])
    assert client.get(reverse("funding_list:index")).status_code == status
    assert client.get(reverse("funding_list:export", args=[district.cycle.pk])).status_code == status


def _red_projects(district, make_project, count):
    for _n in range(count):
        project = make_project(district.s1)
        make_red(district, project, district.s1_filler)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("url_name", ["funding_list:index", "dispositions:index"])
def test_list_query_count_is_flat(client, district, make_project, url_name):
    client.force_login(district.bureau_leader)
    _red_projects(district, make_project, 2)
    small = _queries(client, reverse(url_name))
    _red_projects(district, make_project, 6)
    make_red(district, district.project_s1, district.s1_filler)
    answer(district, district.project_s1, district.s1_filler, Choice.REALLOCATE)
    assert _queries(client, reverse(url_name)) == small


def test_the_export_lists_the_filtered_rows(client, district, red_s1, make_project):
    answer(district, district.project_s1, district.s1_filler, Choice.CANCEL)
    make_red(district, district.project_town, district.town_filler)
    client.force_login(district.bureau_leader)
    response = client.get(reverse("funding_list:export", args=[district.cycle.pk]), {"reason": "cancel"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == f"{district.cycle.name} 资金处理建议清单"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert len(rows) == 1
    assert rows[0][1:4] == ["第一中学", district.project_s1.code, district.project_s1.name]
    assert rows[0][8] == "申请取消（已答复）" and rows[0][9] == "红色预警；申请取消"
    assert AuditRecord.objects.filter(action="funding_list.export").count() == 1


def test_the_leader_gets_the_funding_link_with_the_reasons(client, district, red_s1):
    project = district.project_s1
    url = funding_decide_url(
        district.bureau_leader, project, [("warning", "红色预警"), ("disposition", "申请取消")]
    )
    assert url == (
        f"/funding/projects/{project.pk}/decide/"
        "?basis=warning%3A%E7%BA%A2%E8%89%B2%E9%A2%84%E8%AD%A6&basis=disposition%3A%E7%94%B3%E8%AF%B7%E5%8F%96%E6%B6%88"
    )
    client.force_login(district.bureau_leader)
    page = client.get(reverse("funding_list:index")).content.decode()
    assert f"/funding/projects/{project.pk}/decide/?basis=warning" in page
    decide = client.get(url).content.decode()
    assert "红色预警" in decide and "申请取消" in decide


def test_the_sections_see_the_list_without_the_leaders_link(client, district, red_s1):
    assert (
        funding_decide_url(district.supervision_staff, district.project_s1, [("warning", "红色预警")]) is None
    )
    client.force_login(district.supervision_staff)
    page = client.get(reverse("funding_list:index")).content.decode()
    assert district.project_s1.name in page and "/decide/" not in page


def test_a_cycle_year_without_the_national_calendar_says_so(client, district, red_s1, monkeypatch):
    from jixiao.dispositions.tests.helpers import today_is

    client.force_login(district.s1_filler)
    with today_is(monkeypatch, date(2027, 3, 1)):
        page = client.get(reverse("dispositions:index")).content.decode()
    assert "工作日暂按周一至周五计算" in page
