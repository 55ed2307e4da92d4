"""Setting and removing the bureau's own days; each change is one audit record."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction

from jixiao.audit.services import audit_record
from jixiao.core.errors import ServiceError
from jixiao.workdays.models import BureauDay, DayKind
from jixiao.workdays.policy import can_manage_days

REFUSED = "只有财政监督与绩效管理股可以调整局定工作日。"


@transaction.atomic
def bureau_day_set(*, day: date, kind: str, note: str, acting_user) -> BureauDay:
    """Declare `day` a bureau rest day or working day (a day already set is changed)."""
    if not can_manage_days(acting_user):
        raise PermissionDenied(REFUSED)
    note = (note or "").strip()
    errors = {}
    if kind not in DayKind.values:
        errors["kind"] = "请选择类型。"
    if not note:
        errors["note"] = "请说明原因，如“区委统一安排放假”。"
    if errors:
        raise ServiceError("未保存：请补正标出的内容。", errors)
    stored = BureauDay.objects.select_for_update().filter(day=day).first()
    before = stored.get_kind_display() if stored else ""
    if stored is None:
        stored = BureauDay.objects.create(day=day, kind=kind, note=note, created_by=acting_user)
    else:
        stored.kind, stored.note, stored.created_by = kind, note, acting_user
        stored.save(update_fields=["kind", "note", "created_by"])
    audit_record(
        actor=acting_user,
        action="workday.set",
        target=stored,
        from_state=before,
        to_state=str(stored.get_kind_display()),
        comment=note,
    )
    return stored


@transaction.atomic
def bureau_day_remove(*, bureau_day: BureauDay, acting_user) -> None:
    """The day follows the national calendar again."""
    if not can_manage_days(acting_user):
        raise PermissionDenied(REFUSED)
    stored = BureauDay.objects.select_for_update().filter(pk=bureau_day.pk).first()
    if stored is None:
        raise ServiceError("该日期的设定已删除。")
    audit_record(
        actor=acting_user,
        action="workday.remove",
        target=stored,
        from_state=str(stored.get_kind_display()),
        comment=stored.note,
    )
    stored.delete()
