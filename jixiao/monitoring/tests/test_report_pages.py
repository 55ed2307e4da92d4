"""The download, upload and print pages of 附件1: what each role gets, and 404 for what it may not see."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from jixiao.audit.models import AuditRecord
from jixiao.monitoring.models import AnalysisReport

pytestmark = pytest.mark.django_db


def url(name, district, *args):
    return reverse(f"monitoring:{name}", args=[district.cycle.pk, *args])


def test_export_is_a_workbook_named_after_the_project(client, district):
    client.force_login(district.s1_filler)
    response = client.get(url("report_export", district, district.project_s1.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    texts = {str(c.value) for row in workbook.worksheets[0].iter_rows() for c in row if c.value}
    assert district.project_s1.code in texts
    assert AuditRecord.objects.filter(action="report.export").count() == 1


@pytest.mark.parametrize("name", ["report_export", "report_print", "report_edit"])
def test_outsiders_get_404(client, district, name):
    client.force_login(district.counterpart_b)
    assert client.get(url(name, district, district.project_s1.pk)).status_code == 404


def test_unit_export_zips_every_visible_project(client, district, django_capture_on_commit_callbacks):
    client.force_login(district.p1_leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("unit_export", district, district.p1.pk))
    job_page = response.url
    assert client.get(job_page).status_code == 200
    response = client.get(job_page + "download/")
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    codes = {name.split("_")[0] for name in names}
    assert codes == {district.project_p1.code, district.project_s1.code, district.project_s2.code}
    assert AuditRecord.objects.filter(action="unit.export").count() == 1


def test_unit_export_of_an_invisible_unit_is_404(client, district):
    client.force_login(district.s1_filler)
    assert client.post(url("unit_export", district, district.p1.pk)).status_code == 404


def test_unit_export_is_asked_for_by_post(client, district):
    client.force_login(district.p1_leader)
    assert client.get(url("unit_export", district, district.p1.pk)).status_code == 405


def test_print_view_is_the_paper_layout(client, district):
    client.force_login(district.s1_filler)
    content = client.get(url("report_print", district, district.project_s1.pk)).content.decode()
    assert "项目预算绩效监控分析表" in content and "A4" in content
    assert "偏差原因分析" in content and "单位负责人" in content


def test_import_page_round_trip_and_broken_file(client, district):
    client.force_login(district.s1_filler)
    exported = client.get(url("report_export", district, district.project_s1.pk)).content
    broken = SimpleUploadedFile(
        "坏文件.xlsx", b"not a workbook at all", content_type="application/octet-stream"
    )
    good = SimpleUploadedFile("附件1.xlsx", exported)
    response = client.post(url("report_import", district), {"files": [good, broken]})
    content = response.content.decode()
    assert response.status_code == 200
    assert "已导入" in content and "未导入" in content
    assert "不是有效的 .xlsx 工作簿" in content
    assert AnalysisReport.objects.filter(project=district.project_s1).count() == 1


def test_import_of_another_units_project_writes_nothing(client, district):
    client.force_login(district.p1_leader)
    exported = client.get(url("report_export", district, district.project_s1.pk)).content
    client.force_login(district.town_filler)
    response = client.post(
        url("report_import", district), {"files": [SimpleUploadedFile("x.xlsx", exported)]}
    )
    assert "未导入" in response.content.decode()
    assert not AnalysisReport.objects.exists()
