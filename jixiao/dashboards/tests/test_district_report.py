"""The district report: drafted by the supervision section from the figures (with the charts' pictures when
the page sends them, and always their tables), edited versions uploaded, every version kept and
downloadable by the bureau's leaders; others are refused; each version is a row of its 办理记录."""

import io
import struct
import zlib

import docx
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jixiao.audit.models import AuditRecord
from jixiao.dashboards.models import DistrictReport, VersionSource
from jixiao.dashboards.services import district_report_draft, district_report_upload
from jixiao.notifications.models import Notification

pytestmark = pytest.mark.django_db


def png() -> bytes:
    """A 1×1 white PNG (the shape ECharts' getDataURL gives), built without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff"))
        + chunk(b"IEND", b"")
    )


def text_of(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def edited_docx() -> bytes:
    document = docx.Document()
    document.add_paragraph("全区预算绩效运行监控情况报告（修改稿）")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_draft_says_the_figures_with_the_charts(round_, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        version = district_report_draft(
            cycle=round_.cycle, images={"execution": png()}, acting_user=round_.supervision_staff
        )
    assert (version.number, version.source) == (1, VersionSource.DRAFTED)
    data = version.file.read()
    text = text_of(data)
    for part in (
        "一、总体情况",
        "二、预算执行与时间进度",
        "三、预警情况",
        "四、报送完整性与及时性",
        "五、主要问题",
    ):
        assert part in text
    assert "六、整改落实情况" in text and "七、拨款控制情况" in text
    assert "项目8个" in text  # the district's unclassified projects
    assert "报送完整率66.7%，报送及时率33.3%" in text
    assert "尚未核查销号2项，其中超过整改时限1项" in text
    assert "暂缓或停止拨款1个" in text and round_.project_s2.code in text
    assert "图1　执行率与时间进度" in text and "预警类别分布" in text
    assert len(docx.Document(io.BytesIO(data)).inline_shapes) == 1
    assert "保密中心" not in text
    assert Notification.objects.filter(recipient=round_.bureau_leader, message__contains="第 1 版").exists()
    report = DistrictReport.objects.get(cycle=round_.cycle)
    assert [t.action for t in report.transitions.all()] == ["district_report.draft"]
    assert AuditRecord.objects.filter(action="district_report.draft").count() == 1


def test_an_edited_version_is_kept_as_the_next_one(round_):
    district_report_draft(cycle=round_.cycle, images={}, acting_user=round_.supervision_staff)
    version = district_report_upload(
        cycle=round_.cycle,
        upload=SimpleUploadedFile("报告.docx", edited_docx()),
        note="补充了主要问题的分析",
        acting_user=round_.supervision_staff,
    )
    assert (version.number, version.source) == (2, VersionSource.UPLOADED)
    assert "修改稿" in text_of(version.file.read())
    assert DistrictReport.objects.get(cycle=round_.cycle).versions.count() == 2


@pytest.mark.parametrize(
    ("name", "content", "note", "message"),
    [
        ("报告.docx", b"not a zip", "修改", "不是有效的 Word 文档"),
        ("报告.pdf", b"%PDF-1.4", "修改", "须为不超过 10 MB 的 Word 文档"),
        ("报告.docx", None, "  ", "请说明本次修改的内容"),
    ],
)
def test_an_upload_is_checked_before_it_is_kept(round_, name, content, note, message):
    with pytest.raises(ValidationError, match=message):
        district_report_upload(
            cycle=round_.cycle,
            upload=SimpleUploadedFile(name, content or edited_docx()),
            note=note,
            acting_user=round_.supervision_staff,
        )
    assert not DistrictReport.objects.filter(cycle=round_.cycle, versions__isnull=False).exists()


@pytest.mark.parametrize("username", ["bureau_leader", "counterpart_a", "s1_filler"])
def test_only_the_supervision_section_writes_it(round_, username):
    with pytest.raises(PermissionDenied):
        district_report_draft(cycle=round_.cycle, images={}, acting_user=round_.users[username])


def test_pages_draft_upload_and_download(client, round_):
    client.force_login(round_.supervision_staff)
    page = client.get(reverse("cockpit:report"))
    assert page.status_code == 200 and "根据当前数据起草新版本" in page.content.decode()
    client.post(
        reverse("cockpit:report_draft"),
        {
            "cycle": round_.cycle.pk,
            "chart_levels": SimpleUploadedFile("levels.png", png()),
            "chart_scatter": SimpleUploadedFile("scatter.png", b"GIF89a not a png"),
        },
    )
    response = client.post(
        reverse("cockpit:report_upload"),
        {"cycle": round_.cycle.pk, "note": "定稿", "file": SimpleUploadedFile("定稿.docx", edited_docx())},
    )
    assert response.status_code == 302
    versions = list(DistrictReport.objects.get(cycle=round_.cycle).versions.order_by("number"))
    assert [v.source for v in versions] == [VersionSource.DRAFTED, VersionSource.UPLOADED]
    assert len(docx.Document(io.BytesIO(versions[0].file.read())).inline_shapes) == 1

    client.force_login(round_.bureau_leader)
    page = client.get(reverse("cockpit:report")).content.decode()
    assert "第 2 版" in page and "根据当前数据起草新版本" not in page
    download = client.get(reverse("cockpit:report_download", args=[versions[1].pk]))
    assert download["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert "修改稿" in text_of(download.content)
    assert client.post(reverse("cockpit:report_draft"), {"cycle": round_.cycle.pk}).status_code == 403

    client.force_login(round_.counterpart_a)
    assert client.get(reverse("cockpit:report")).status_code == 403
    assert client.get(reverse("cockpit:report_download", args=[versions[1].pk])).status_code == 403
