"""The packages pages: each side sees and does what it should; outsiders get 404; documents download."""

import io
from datetime import date

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from jixiao.organisations.models import Role
from jixiao.testing import EXPLANATION, exported, fill_ready_report
from jixiao.workflow.models import Submission, SubmissionState

pytestmark = pytest.mark.django_db


def package_url(district, unit):
    return reverse("workflow:package", args=[district.cycle.pk, unit.pk])


def test_index_lists_own_and_incoming_packages(client, district):
    client.force_login(district.p1_leader)
    content = client.get(reverse("workflow:index")).content.decode()
    assert "本单位报送" in content and "区教育局" in content
    assert "第一中学" in content and "第二中学" in content
    assert "保密中心" not in content  # classified units expect no package


def test_step_one_round_through_the_pages(client, district):
    fill_ready_report(district, district.project_s1, district.s1_filler)
    url = package_url(district, district.s1)

    client.force_login(district.s1_filler)
    page = client.get(url).content.decode()
    assert "书面说明材料" in page and "材料由单位负责人确认后报送" in page
    client.post(url, {"action": "explain", **EXPLANATION})

    client.force_login(district.s1_leader)
    client.post(url, {"action": "submit"})
    assert Submission.objects.get(organisation=district.s1).state == SubmissionState.SUBMITTED

    client.force_login(district.p1_leader)
    page = client.get(url).content.decode()
    assert 'id="review"' in page and 'id="sign-package"' in page
    assert Submission.objects.get(organisation=district.s1).opened_at is None  # reading writes nothing
    client.post(url, {"action": "sign"})
    assert Submission.objects.get(organisation=district.s1).opened_at is not None
    assert 'id="sign-package"' not in client.get(url).content.decode()
    response = client.post(url, {"action": "return", "comment": ""}, follow=True)
    assert "退回时请写明" in response.content.decode()
    client.post(url, {"action": "return", "comment": "请补充制度建设情况"})
    assert Submission.objects.get(organisation=district.s1).state == SubmissionState.RETURNED

    client.force_login(district.s1_leader)
    assert "请补充制度建设情况" in client.get(url).content.decode()
    client.post(url, {"action": "submit"})
    client.force_login(district.p1_leader)
    client.post(url, {"action": "accept", "comment": "同意"})
    submission = Submission.objects.get(organisation=district.s1)
    assert submission.state == SubmissionState.ACCEPTED
    timeline = client.get(url).content.decode()
    for label in ("报送", "签收", "退回补正", "审核通过"):
        assert label in timeline


@pytest.mark.parametrize("username", ["counterpart_b", "town_filler", "agency_staff", "sysadmin"])
def test_outsiders_get_404(client, district, username):
    client.force_login(district.users[username])
    assert client.get(package_url(district, district.s1)).status_code == 404


def test_classified_unit_has_no_package_page(client, district):
    client.force_login(district.sc_filler)
    assert client.get(package_url(district, district.sc)).status_code == 404


def test_sender_cannot_decide_its_own_package(client, district):
    fill_ready_report(district, district.project_s1, district.s1_filler)
    client.force_login(district.s1_leader)
    url = package_url(district, district.s1)
    client.post(url, {"action": "explain", **EXPLANATION})
    client.post(url, {"action": "submit"})
    assert client.post(url, {"action": "accept"}).status_code == 403


def test_step_two_documents_and_overall_report(client, district, make_user):
    leader = make_user(district.p1, Role.UNIT_LEADER)
    client.force_login(leader)
    url = package_url(district, district.p1)
    page = client.get(url).content.decode()
    assert "整体绩效运行监控分析报告" in page and "一、基本情况" in page
    workbook = load_workbook(
        io.BytesIO(
            exported(
                client, reverse("workflow:aggregated_table", args=[district.cycle.pk, district.p1.pk])
            ).content
        )
    )
    cells = [str(c.value) for row in workbook.active.iter_rows() for c in row if c.value]
    assert any("汇总表" in c for c in cells) and district.project_p1.code in cells and "合计" in cells
    client.post(
        url, {"action": "overall_report", "overall_report": "区教育局整体报告\n一、基本情况\n总体平稳。"}
    )
    report = exported(client, reverse("workflow:overall_report", args=[district.cycle.pk, district.p1.pk]))
    document = Document(io.BytesIO(report.content))
    assert [p.text for p in document.paragraphs][:2] == ["区教育局整体报告", "一、基本情况"]


def test_uploaded_final_report_must_be_a_docx(client, district, make_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    leader = make_user(district.p1, Role.UNIT_LEADER)
    client.force_login(leader)
    url = package_url(district, district.p1)
    fake = SimpleUploadedFile("报告.docx", b"MZ not a document")
    response = client.post(
        url, {"action": "overall_report", "overall_report": "x", "overall_report_file": fake}, follow=True
    )
    assert "不是有效的 Word 文档" in response.content.decode()
    assert not Submission.objects.filter(organisation=district.p1).exclude(overall_report_file="").exists()


def test_bureau_extends_a_units_due_date(client, district):
    client.force_login(district.counterpart_a)
    url = package_url(district, district.p1)
    client.post(url, {"action": "extend", "due_date": "2026-12-20", "reason": "机构改革"})
    submission = Submission.objects.get(organisation=district.p1)
    assert submission.due_date == date(2026, 12, 20) and submission.extension_reason == "机构改革"
    client.force_login(district.p1_leader)
    assert (
        client.post(url, {"action": "extend", "due_date": "2027-01-20", "reason": "再延"}).status_code == 403
    )


def test_overall_report_draft_quotes_the_units_deviation_analyses(district):
    from jixiao.workflow.documents import overall_report_draft

    fill_ready_report(district, district.project_p1, district.p1_leader)
    draft = overall_report_draft(unit=district.p1, cycle=district.cycle)
    assert "经费保障方面：资金拨付滞后" in draft
    assert "1. 加快拨付" in draft
    assert "区教育局项目（2026-P1-01）" in draft
