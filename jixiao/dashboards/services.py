"""The district report's versions: drafted from the data, or an edited Word file uploaded; each is a row of
the report's 办理记录 and an audit record, and the bureau's leaders are told after commit."""

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jixiao.core.errors import ServiceError
from jixiao.core.files import office_kind
from jixiao.dashboards.cockpit import CockpitFilters, cockpit_build
from jixiao.dashboards.district_report import district_report_docx
from jixiao.dashboards.models import (
    DistrictReport,
    DistrictReportTransition,
    DistrictReportVersion,
    VersionSource,
)
from jixiao.dashboards.policy import can_write_district_report
from jixiao.monitoring.models import MonitoringCycle
from jixiao.notifications.services import transition_record
from jixiao.organisations.models import Organisation, OrganisationKind, Role, User

DOCX_MAX_BYTES = 10 * 1024 * 1024


def _locked_report(cycle: MonitoringCycle) -> DistrictReport:
    DistrictReport.objects.get_or_create(cycle=cycle)
    return DistrictReport.objects.select_for_update().get(cycle=cycle)


def _leaders() -> list[User]:
    bureau = Organisation.objects.filter(kind=OrganisationKind.FINANCE_BUREAU, parent__isnull=True)
    return list(
        User.objects.filter(
            is_active=True, memberships__organisation__in=bureau, memberships__role=Role.BUREAU_LEADER
        ).distinct()
    )


def _add_version(
    report: DistrictReport, *, source: str, content: bytes, note: str, action: str, acting_user
) -> DistrictReportVersion:
    number = (report.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = DistrictReportVersion(
        report=report, number=number, source=source, note=note, created_by=acting_user
    )
    version.file.save(
        f"全区监控情况报告_{report.cycle.year}_第{number}版_{timezone.localdate():%Y%m%d}.docx",
        ContentFile(content),
        save=False,
    )
    version.save()
    transition_record(
        history=DistrictReportTransition,
        subject=report,
        action=action,
        acting_user=acting_user,
        to_state=f"r{number}",
        comment=note,
        notice=(
            _leaders(),
            f"{report.cycle.name}的全区监控情况报告有了第 {number} 版（{version.get_source_display()}）。",
            f"{reverse('cockpit:report')}?cycle={report.cycle_id}",
        ),
    )
    return version


@transaction.atomic
def district_report_draft(
    *, cycle: MonitoringCycle, images: dict[str, bytes], acting_user
) -> DistrictReportVersion:
    """Draft the next version from the district's figures now, with the chart pictures given."""
    can_write_district_report(acting_user, cycle).enforce()
    report = _locked_report(cycle)
    cockpit = cockpit_build(user=acting_user, filters=CockpitFilters(cycle=cycle, district=True))
    content = district_report_docx(cockpit=cockpit, user=acting_user, images=images)
    return _add_version(
        report,
        source=VersionSource.DRAFTED,
        content=content,
        note="根据监控数据起草",
        action="district_report.draft",
        acting_user=acting_user,
    )


@transaction.atomic
def district_report_upload(
    *, cycle: MonitoringCycle, upload, note: str, acting_user
) -> DistrictReportVersion:
    """Keep an edited version (a real .docx, checked on its bytes) as the next version."""
    can_write_district_report(acting_user, cycle).enforce()
    note = (note or "").strip()
    if not note:
        raise ServiceError("请说明本次修改的内容。", {"note": "请说明本次修改的内容。"})
    if not (upload.name or "").lower().endswith(".docx") or upload.size > DOCX_MAX_BYTES:
        raise ServiceError("修改稿须为不超过 10 MB 的 Word 文档（.docx）。", {"file": "请上传 .docx 文件。"})
    content = upload.read()
    if office_kind(content) != "docx":
        raise ServiceError(
            "文件不是有效的 Word 文档（.docx），请在 Word 中另存为 .docx 后再上传。", {"file": "文件无效。"}
        )
    report = _locked_report(cycle)
    return _add_version(
        report,
        source=VersionSource.UPLOADED,
        content=content,
        note=note[:200],
        action="district_report.upload",
        acting_user=acting_user,
    )
