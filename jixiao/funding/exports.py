"""The bureau's list of projects on hold (暂缓拨款 / 停止拨款) as an .xlsx that prints on A4 landscape."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jixiao.audit.services import audit_record
from jixiao.core.xlsx import (
    BORDER,
    CENTER,
    FMT_TEXT,
    FONT,
    WRAP,
    put_value,
    text_height,
    titled_sheet,
    titled_sheet_bytes,
)
from jixiao.funding.models import BASIS_KINDS, FundingStatus
from jixiao.funding.selectors import funding_hold_list
from jixiao.organisations.selectors import primary_organisation

HEADERS = [
    ("序号", 6),
    ("预算年度", 9),
    ("项目编码", 18),
    ("项目名称", 28),
    ("实施单位", 20),
    ("主管部门", 18),
    ("拨款状态", 10),
    ("决定时间", 17),
    ("决定人", 10),
    ("决定原因", 36),
    ("决定依据", 40),
]


def basis_text(basis: list[dict]) -> str:
    return "\n".join(f"【{BASIS_KINDS.get(item['kind'], item['kind'])}】{item['label']}" for item in basis)


def hold_list_xlsx(statuses: list[FundingStatus]) -> bytes:
    """One row per held project, in the order given (the page's)."""
    workbook, sheet = titled_sheet(
        sheet_name="暂缓停止拨款项目",
        title=f"{settings.DISTRICT_NAME}暂缓及停止拨款项目清单",
        subtitle=f"截至 {timezone.localtime():%Y-%m-%d %H:%M}，共 {len(statuses)} 个项目",
        headers=HEADERS,
    )
    row = 4
    for number, status in enumerate(statuses, start=1):
        project, owner = status.project, status.project.owner
        values = [
            number,
            project.year,
            project.code,
            project.name,
            owner.name,
            owner.parent.name if owner.parent_id else owner.name,
            status.get_status_display(),
            f"{timezone.localtime(status.set_at):%Y-%m-%d %H:%M}" if status.set_at else "",
            status.set_by_name,
            status.reason,
            basis_text(status.basis),
        ]
        for column, value in enumerate(values, start=1):
            cell = put_value(sheet.cell(row=row, column=column), value)
            cell.font, cell.border = FONT, BORDER
            cell.alignment = CENTER if column in (1, 2, 7) else WRAP
            if column == 3:
                cell.number_format = FMT_TEXT
        sheet.row_dimensions[row].height = max(
            text_height(str(value), HEADERS[index][1]) for index, value in enumerate(values)
        )
        row += 1
    return titled_sheet_bytes(workbook, sheet, last_column=len(HEADERS), last_row=row - 1)


@transaction.atomic
def hold_list_export(*, acting_user) -> tuple[bytes, str]:
    """The held projects the person sees as .xlsx, and its file name; the export is audited."""
    statuses = list(funding_hold_list(user=acting_user))
    organisation = primary_organisation(acting_user)
    audit_record(
        actor=acting_user,
        action="funding.export",
        target=organisation or acting_user,
        organisation=organisation,
        comment=f"{len(statuses)} 个项目",
    )
    return hold_list_xlsx(statuses), f"暂缓及停止拨款项目_{timezone.localdate():%Y%m%d}.xlsx"
