"""The data manager's pages: who may use them, upload → preview → confirm, column mapping remembered,
hostile files refused cleanly, the project details form."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jixiao.jobs.models import Job
from jixiao.loads import parsing
from jixiao.loads.models import ColumnMapping, LoadRun, LoadStatus
from jixiao.loads.services import load_preview
from jixiao.loads.tests.conftest import csv_bytes
from jixiao.projects.models import Project

pytestmark = pytest.mark.django_db

HEADER = ["预算年度", "项目编码", "项目名称", "单位编码", "项目类型", "年初预算·财政拨款（元）"]
ROW = [2026, "2026-S1-09", "校舍维修", "S1", "部门预算专项", "500000"]


def upload(client, data: bytes, name="projects.csv", kind="projects"):
    return client.post(reverse("loads:upload"), {"kind": kind, "file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize(
    "username",
    [
        "sysadmin",
        "auditor",
        "s1_filler",
        "p1_leader",
        "counterpart_a",
        "supervision_staff",
        "bureau_leader",
        "agency_staff",
        "nobody",
    ],
)
def test_only_the_data_manager_reaches_the_pages(client, district, username):
    client.force_login(district.users[username])
    assert client.get(reverse("loads:index")).status_code == 403
    assert upload(client, csv_bytes([HEADER, ROW])).status_code == 403
    assert client.get(reverse("loads:template", args=["projects", "xlsx"])).status_code == 403
    assert client.get(reverse("loads:project_edit", args=[district.project_s1.pk])).status_code == 403
    assert not LoadRun.objects.exists()


def test_someone_elses_run_is_refused_too(client, district, data_manager):
    client.force_login(data_manager)
    run = LoadRun.objects.get(pk=upload(client, csv_bytes([HEADER, ROW])).url.rstrip("/").split("/")[-1])
    client.force_login(district.sysadmin)
    assert client.get(reverse("loads:detail", args=[run.pk])).status_code == 403
    assert client.post(reverse("loads:confirm", args=[run.pk]), {"checksum": run.checksum}).status_code == 403
    assert not Project.objects.filter(code="2026-S1-09").exists()


def test_upload_preview_confirm_and_history(
    client, district, data_manager, django_capture_on_commit_callbacks
):
    client.force_login(data_manager)
    response = upload(client, csv_bytes([HEADER, ROW]))
    run = LoadRun.objects.get()
    assert response.url == reverse("loads:detail", args=[run.pk])
    page = client.get(response.url).content.decode()
    assert "新增 <strong>1</strong> 条" in page and "确认加载" in page
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("loads:confirm", args=[run.pk]), {"checksum": run.checksum})
    job = Job.objects.get()
    assert confirmed.url == reverse("jobs:detail", args=[job.pk])
    run.refresh_from_db()
    assert run.status == LoadStatus.APPLIED and run.created_by == data_manager
    assert Project.objects.filter(code="2026-S1-09").exists()
    job_page = client.get(confirmed.url).content.decode()
    assert f'href="{reverse("loads:detail", args=[run.pk])}">查看加载结果</a>' in job_page
    history = client.get(reverse("loads:index")).content.decode()
    assert "projects.csv" in history and "已加载" in history
    # a second confirmation of the same run does nothing more
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("loads:confirm", args=[run.pk]), {"checksum": run.checksum}, follow=True)
    assert "该文件已经加载" in again.content.decode()
    assert Project.objects.filter(code="2026-S1-09").count() == 1 and Job.objects.count() == 1


def test_templates_download(client, district, data_manager):
    client.force_login(data_manager)
    xlsx = client.get(reverse("loads:template", args=["payments", "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")
    text = client.get(reverse("loads:template", args=["targets", "csv"])).content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("预算年度,项目编码,年度总体目标")
    assert client.get(reverse("loads:template", args=["people", "csv"])).status_code == 404
    current = client.get(reverse("loads:template", args=["projects", "csv"]) + "?data=1").content
    assert district.project_s1.code in current.decode("utf-8-sig")
    reloaded = load_preview(kind="projects", filename="current.csv", data=current, acting_user=data_manager)
    assert reloaded.counts == {"created": 0, "changed": 0, "unchanged": len(district.projects)}


def test_an_unknown_header_is_mapped_once_and_remembered(client, district, data_manager):
    client.force_login(data_manager)
    header = ["预算年度", "项目标识码", "项目名称", "单位编码", "项目类型", "年初预算·财政拨款（元）", "备注"]
    data = csv_bytes([header, [*ROW, "无"]])
    upload(client, data)
    run = LoadRun.objects.get()
    assert run.status == LoadStatus.REJECTED
    assert run.options["unknown"] == ["项目标识码", "备注"]
    assert "缺少必填列“项目编码”" in run.errors[0]["message"]
    client.post(reverse("loads:columns", args=[run.pk]), {"map-0": "code", "map-1": parsing.IGNORE})
    run.refresh_from_db()
    assert run.status == LoadStatus.PREVIEWED and run.counts["created"] == 1
    assert ColumnMapping.objects.get().mapping == {"项目标识码": "code", "备注": parsing.IGNORE}

    upload(client, csv_bytes([header, [*ROW[:1], "2026-S1-10", *ROW[2:], "无"]]), name="next-month.csv")
    second = LoadRun.objects.get(filename="next-month.csv")
    assert second.status == LoadStatus.PREVIEWED and second.options["unknown"] == []


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (bytes(range(256)) * 64, "projects.xlsx", "不是"),
        (_zip({"word/document.xml": b"<w/>"}), "projects.xlsx", "不是"),
        (
            _zip({"[Content_Types].xml": b"spreadsheetml.sheet.main+xml", "xl/big.xml": b"0" * 30_000_000}),
            "projects.xlsx",
            "压缩比异常",
        ),
        (b"\x00\x01binary\x00" * 100, "projects.csv", "不是 .xlsx 工作簿或 CSV"),
        (b"", "projects.csv", "空文件"),
    ],
    ids=["random-bytes", "not-a-workbook", "zip-bomb", "binary-csv", "empty"],
)
def test_hostile_files_are_refused_cleanly(client, district, data_manager, data, name, message):
    client.force_login(data_manager)
    response = upload(client, data, name=name)
    run = LoadRun.objects.first()
    shown = (
        response.content.decode()
        if response.status_code == 400
        else " ".join(e["message"] for e in run.errors)
    )
    assert message in shown
    assert run is None or run.status == LoadStatus.REJECTED
    assert not Project.objects.filter(code="2026-S1-09").exists()


def test_a_file_over_the_limit_is_refused_before_it_is_read(client, district, data_manager, monkeypatch):
    monkeypatch.setattr(parsing, "MAX_UPLOAD_BYTES", 1000)
    client.force_login(data_manager)
    response = upload(client, csv_bytes([HEADER, *[ROW] * 100]))
    assert response.status_code == 400 and "文件过大" in response.content.decode()
    assert not LoadRun.objects.exists()


def test_project_details_form_changes_details_not_figures(client, district, data_manager):
    project = district.project_s1
    client.force_login(data_manager)
    url = reverse("loads:project_edit", args=[project.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"name": "校舍维修（一期）", "responsible_person": "李华", "responsible_phone": "123", "start_date": "2026-01-01",
         "end_date": "2026-12-31", "is_key_project": "on", "agencies": [district.agency.pk], "initial_fiscal": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "校舍维修（一期）" and project.is_key_project
    assert list(project.agencies.all()) == [district.agency]
    assert project.initial_fiscal == 1000000  # figures change only through a load
    assert client.get(reverse("loads:project_edit", args=[district.project_sc.pk])).status_code == 404


def test_the_navigation_and_home_page_of_the_data_manager(client, district, data_manager):
    client.force_login(data_manager)
    home = client.get(reverse("home"))
    assert home.status_code == 200 and reverse("loads:index") in home.content.decode()
    detail = client.get(reverse("projects:project_detail", args=[district.project_s1.pk])).content.decode()
    assert reverse("loads:project_edit", args=[district.project_s1.pk]) in detail
    client.force_login(district.bureau_leader)
    assert reverse("loads:index") not in client.get(reverse("home")).content.decode()
    detail = client.get(reverse("projects:project_detail", args=[district.project_s1.pk])).content.decode()
    assert reverse("loads:project_edit", args=[district.project_s1.pk]) not in detail
