from django.db import transaction

from jixiao.audit.services import audit_record
from jixiao.monitoring.models import CycleKind, MonitoringCycle, default_due_dates


@transaction.atomic
def cycle_open(
    *, year: int, acting_user, period_end_month: int = 8, kind: str = CycleKind.ANNUAL, organisation=None,
    name: str = "",
) -> MonitoringCycle:
    """Open a cycle with the regulation's default due dates and warning thresholds."""
    if not name:
        scope = organisation.name if organisation else ""
        name = f"{scope}{year}年1—{period_end_month}月预算绩效运行监控"
    cycle = MonitoringCycle(
        year=year,
        kind=kind,
        organisation=organisation,
        name=name,
        period_end_month=period_end_month,
        **default_due_dates(year),
    )
    cycle.full_clean()
    cycle.save()
    audit_record(actor=acting_user, action="cycle.open", target=cycle, organisation=organisation, to_state="open")
    return cycle
