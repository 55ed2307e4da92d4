"""Funding control on the pages: the leader's decision page (prefilled basis, the red warnings offered,
errors in place), the status on every view of a project (project page and list, unit pages, 附件1 page,
print and workbook, 汇总表), the bureau's list of held projects and its export, each with its scope, and
list pages whose query count does not grow with decisions."""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jixiao.audit.models import AuditRecord
from jixiao.funding.basis import basis_item, basis_query, encode_basis
from jixiao.funding.models import FundingDecision, FundingState, FundingStatus
from jixiao.funding.services import funding_decide
from jixiao.monitoring.models import WarningLevel
from jixiao.monitoring.services import report_save
from jixiao.monitoring.workbook import import_report_workbook
from jixiao.monitoring.workbook.export import export_report_bytes
from jixiao.organisations.models import Role
from jixiao.workflow.documents import aggregated_table_xlsx

pytestmark = pytest.mark.django_db

OVERDUE = basis_item("rectification", "第1项整改逾期 12 天", "/rectification/")


def hold(district, project, status=FundingState.SUSPENDED, reason="整改不及时，暂缓拨款。"):
    return funding_decide(
        project=project, status=status, reason=reason, basis=[OVERDUE], acting_user=district.bureau_leader
    )


def red_report(district, project, user):
    """A saved 附件1 with nothing paid two thirds into the year: red (zero spending)."""
    report = report_save(
        project=project, cycle=district.cycle, values={}, entries={}, expected_revision=0, acting_user=user
    )
    assert report.level == WarningLevel.RED
    return report


def decide_url(project, query=""):
    url = reverse("funding:decide", args=[project.pk])
    return f"{url}?{query}" if query else url


def text(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------------------------------
# The decision page


def test_the_leader_decides_with_the_red_warnings_and_the_prefilled_basis(client, district):
    project = district.project_s1
    report = red_report(district, project, district.s1_filler)
    red = next(w for w in report.warnings.all() if w.level == WarningLevel.RED)
    client.force_login(district.bureau_leader)
    url = decide_url(project, basis_query([OVERDUE]))
    page = client.get(url)
    assert page.status_code == 200
    body = text(page)
    assert red.message in body
    assert f'value="{encode_basis(OVERDUE)}" checked' in body
    warning_value = next(item["value"] for item in page.context["offered"] if item["kind"] == "warning")
    assert not next(item for item in page.context["offered"] if item["kind"] == "warning")["checked"]

    answer = client.post(
        url,
        {
            "status": "suspended",
            "reason": "红色预警且整改逾期。",
            "basis": [encode_basis(OVERDUE), warning_value],
            "other_basis": "实地核查发现资金闲置\n\n",
        },
    )
    assert answer.status_code == 302 and answer.url == reverse("projects:project_detail", args=[project.pk])
    status = FundingStatus.objects.get(project=project)
    assert status.status == FundingState.SUSPENDED
    assert [item["kind"] for item in status.basis] == ["rectification", "warning", "other"]
    assert status.basis[1]["url"] == reverse("monitoring:report_edit", args=[district.cycle.pk, project.pk])
    assert status.basis[2]["label"] == "实地核查发现资金闲置"


def test_a_refused_decision_is_shown_in_place_and_writes_nothing(client, district):
    client.force_login(district.bureau_leader)
    url = decide_url(district.project_s1, basis_query([OVERDUE]))
    answer = client.post(url, {"status": "stopped", "reason": ""})
    assert answer.status_code == 200
    body = text(answer)
    assert "请填写决定原因。" in body
    assert "暂缓或停止拨款须列明依据" in body
    assert (
        f'value="{encode_basis(OVERDUE)}"' in body and f'value="{encode_basis(OVERDUE)}" checked' not in body
    )
    assert not FundingDecision.objects.exists()


def test_the_page_offers_only_a_different_status(client, district):
    hold(district, district.project_s1)
    client.force_login(district.bureau_leader)
    page = client.get(decide_url(district.project_s1))
    assert [value for value, _label in page.context["choices"]] == ["stopped", "normal"]
    assert "整改不及时，暂缓拨款。" in text(page)


@pytest.mark.parametrize("user_attr", ["supervision_staff", "counterpart_a", "s1_leader", "sysadmin"])
def test_only_the_leader_opens_the_decision_page(client, district, user_attr):
    client.force_login(getattr(district, user_attr))
    url = decide_url(district.project_s1)
    assert client.get(url).status_code == 403
    assert client.post(url, {"status": "stopped", "reason": "x", "other_basis": "y"}).status_code == 403
    assert not FundingStatus.objects.exists()


def test_a_project_the_leader_cannot_see_is_not_found(client, district):
    client.force_login(district.bureau_leader)
    assert client.get(decide_url(district.project_sc)).status_code == 404
    assert client.get(reverse("funding:decide", args=[999999])).status_code == 404


# ---------------------------------------------------------------------------------------------------
# The status on every view of the project


def test_the_unit_sees_the_hold_on_its_project_page_and_list(client, district):
    hold(district, district.project_s1)
    client.force_login(district.s1_filler)
    page = text(client.get(reverse("projects:project_detail", args=[district.project_s1.pk])))
    assert "【暂缓拨款】" in page
    assert "整改不及时，暂缓拨款。" in page
    assert "拨款控制记录（1）" in page and OVERDUE["label"] in page
    assert 'id="funding-decide"' not in page
    listing = client.get(reverse("projects:project_list"))
    rows = {p.pk: p.funding_state for p in listing.context["page"]}
    assert rows == {district.project_s1.pk: "suspended"}
    assert text(listing).count("【暂缓拨款】") == 1


def test_another_unit_never_sees_the_project_or_its_status(client, district, make_user):
    hold(district, district.project_s1)
    client.force_login(make_user(district.s2, Role.FILLER))
    assert client.get(reverse("projects:project_detail", args=[district.project_s1.pk])).status_code == 404
    assert "暂缓拨款" not in text(client.get(reverse("projects:project_list")))


def test_the_leader_is_offered_the_decision_from_the_project_page(client, district):
    client.force_login(district.bureau_leader)
    page = text(client.get(reverse("projects:project_detail", args=[district.project_s1.pk])))
    assert "正常拨款" in page
    assert decide_url(district.project_s1) in page


def test_the_report_pages_and_workbook_carry_the_hold(client, district):
    project = district.project_s1
    hold(district, project, FundingState.STOPPED, reason="严重偏离绩效目标。")
    client.force_login(district.s1_filler)
    edit = text(client.get(reverse("monitoring:report_edit", args=[district.cycle.pk, project.pk])))
    assert "【停止拨款】" in edit
    printed = text(client.get(reverse("monitoring:report_print", args=[district.cycle.pk, project.pk])))
    assert "【停止拨款】" in printed and "严重偏离绩效目标。" in printed
    data = export_report_bytes(project=project, cycle=district.cycle, report=None)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = [cell.value for row in sheet.iter_rows(max_row=10) for cell in row if cell.value]
    assert "拨款状态" in values and "【停止拨款】" in values
    result = import_report_workbook(
        file_obj_or_path=io.BytesIO(data), filename="附件1.xlsx", user=district.s1_filler
    )
    assert result.ok, result.errors


def test_a_normal_projects_workbook_has_no_funding_row(district):
    data = export_report_bytes(project=district.project_s2, cycle=district.cycle, report=None)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert "拨款状态" not in [cell.value for row in sheet.iter_rows(max_row=10) for cell in row]


def test_the_aggregated_table_shows_each_projects_status(district):
    hold(district, district.project_p1)
    sheet = openpyxl.load_workbook(
        io.BytesIO(aggregated_table_xlsx(unit=district.p1, cycle=district.cycle))
    ).active
    headers = [cell.value for cell in sheet[3]]
    column = headers.index("拨款状态") + 1
    row = next(c.row for c in sheet["B"] if c.value == district.project_p1.code)
    assert sheet.cell(row, column).value == "暂缓拨款"


def test_unit_pages_count_and_list_the_held_projects(client, district):
    hold(district, district.project_s1)
    client.force_login(district.p1_leader)
    units = text(client.get(reverse("organisations:unit_list")))
    assert units.count("1 个项目暂缓或停止拨款") == 1
    detail = client.get(reverse("organisations:unit_detail", args=[district.p1.pk]))
    assert [s.project for s in detail.context["held_projects"]] == [district.project_s1]
    assert 'id="held-projects"' in text(detail)
    client.force_login(district.counterpart_b)
    assert "暂缓或停止拨款" not in text(client.get(reverse("organisations:unit_list")))


# ---------------------------------------------------------------------------------------------------
# The bureau's list of held projects


@pytest.mark.parametrize("user_attr", ["bureau_leader", "supervision_staff", "counterpart_a"])
def test_the_leaders_and_both_sections_read_the_hold_list(client, district, user_attr):
    hold(district, district.project_p1)
    hold(district, district.project_p2, FundingState.STOPPED)
    client.force_login(getattr(district, user_attr))
    page = client.get(reverse("funding:holds"))
    assert page.status_code == 200
    shown = {s.project for s in page.context["page"]}
    expected = (
        {district.project_p1} if user_attr == "counterpart_a" else {district.project_p1, district.project_p2}
    )
    assert shown == expected


@pytest.mark.parametrize("user_attr", ["s1_filler", "p1_leader", "agency_staff", "sysadmin", "auditor"])
def test_the_hold_list_is_refused_to_others(client, district, user_attr):
    client.force_login(getattr(district, user_attr))
    assert client.get(reverse("funding:holds")).status_code == 403
    assert client.get(reverse("funding:holds_export")).status_code == 403
    assert reverse("funding:holds") not in text(client.get(reverse("home")))


def test_the_menu_offers_the_hold_list(client, district):
    client.force_login(district.supervision_staff)
    assert reverse("funding:holds") in text(client.get(reverse("home")))


def test_the_hold_list_exports_to_excel(client, district):
    hold(district, district.project_p1)
    client.force_login(district.supervision_staff)
    answer = client.get(reverse("funding:holds_export"))
    assert answer.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    row = next(c.row for c in sheet["C"] if c.value == district.project_p1.code)
    assert sheet.cell(row, 7).value == "暂缓拨款"
    assert sheet.cell(row, 10).value == "整改不及时，暂缓拨款。"
    assert OVERDUE["label"] in sheet.cell(row, 11).value
    assert AuditRecord.objects.filter(action="funding.export", actor=district.supervision_staff).count() == 1


# ---------------------------------------------------------------------------------------------------
# Query counts


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url_name", ["projects:project_list", "organisations:unit_list", "funding:holds", "api:project-list"]
)
def test_lists_do_not_grow_with_decisions(client, district, make_project, url_name):
    hold(district, district.project_p1)
    client.force_login(district.bureau_leader)
    url = reverse(url_name)
    before = count_queries(client, url)
    for n in range(12):
        project = make_project(district.s2 if n % 2 else district.town)
        hold(district, project, FundingState.STOPPED if n % 3 else FundingState.SUSPENDED)
        if n % 4 == 0:
            funding_decide(
                project=project,
                status="normal",
                reason="已整改。",
                basis=[],
                acting_user=district.bureau_leader,
            )
    assert count_queries(client, url) == before


def test_the_package_page_and_the_agencys_home_show_the_hold(client, district):
    hold(district, district.project_s1)
    hold(district, district.project_s3, FundingState.STOPPED)
    client.force_login(district.s1_leader)
    package = text(client.get(reverse("workflow:package", args=[district.cycle.pk, district.s1.pk])))
    assert "【暂缓拨款】" in package
    client.force_login(district.agency_staff)
    assert "【停止拨款】" in text(client.get(reverse("home")))


def test_prefilled_items_are_checked_before_they_are_offered(client, district):
    client.force_login(district.bureau_leader)
    query = basis_query(
        [
            basis_item("other", "脚本链接", "javascript:alert(1)"),
            basis_item("rumour", "听说"),
            basis_item("oversight", " 实地核查：资金闲置 "),
        ]
    )
    page = client.get(decide_url(district.project_s1, query))
    # A link is only ever `|/path`: anything else after the bar stays part of the (escaped) text.
    assert [(item["kind"], item["label"], item["url"]) for item in page.context["offered"]] == [
        ("other", "脚本链接|javascript:alert(1)", ""),
        ("oversight", "实地核查：资金闲置", ""),
    ]
    assert all(item["checked"] for item in page.context["offered"])
    assert 'href="javascript:' not in text(page)
