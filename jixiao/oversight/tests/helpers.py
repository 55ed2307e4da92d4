"""Oversight actions built through the services, for the tests of this app."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jixiao.oversight.models import OversightKind, OversightTarget
from jixiao.oversight.services import finding_add, oversight_plan, oversight_start

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "工作底稿.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def plan(district, *, by=None, kind=OversightKind.ONSITE, project=None, unit=None, **values):
    """An action planned by the supervision section: on `project` (default the S1 project) or on `unit`."""
    today = timezone.localdate()
    by = by or district.supervision_staff
    if unit is not None:
        values.update(target=OversightTarget.UNIT, organisation=unit)
    else:
        values.update(target=OversightTarget.PROJECT, project=project or district.project_s1)
    if kind == OversightKind.ENTRUSTED:
        values.setdefault("agency", district.agency)
    else:
        values.setdefault("staff", [district.supervision_staff])
    values.setdefault("subject", "资金支付与会计凭证")
    return oversight_plan(
        acting_user=by, kind=kind, planned_start=today, planned_end=today + timedelta(days=5), **values
    )


def started(district, **kwargs):
    action = plan(district, **kwargs)
    return oversight_start(
        action=action, actual_start=None, acting_user=kwargs.get("by") or district.supervision_staff
    )


def with_finding(district, **kwargs):
    action = started(district, **kwargs)
    finding = finding_add(
        action=action,
        text="部分支出无原始凭证",
        severity="major",
        acting_user=kwargs.get("by") or district.supervision_staff,
    )
    return action, finding
