"""Background jobs of monitoring: the zip of a unit's 附件1 workbooks (hundreds of files) and the recompute
of a cycle's warnings after its thresholds change (every report of the cycle)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from jixiao.jobs.registry import job_kind
from jixiao.monitoring.exports import unit_export_filename, unit_export_zip
from jixiao.monitoring.models import MonitoringCycle
from jixiao.monitoring.policy import can_manage_cycles
from jixiao.monitoring.recompute import cycle_recompute_warnings
from jixiao.monitoring.selectors import cycle_get
from jixiao.monitoring.services import RECOMPUTE_JOB
from jixiao.organisations.selectors import organisation_get


def _subjects(user, params: dict):
    """The cycle and unit of the job, read through the person's scope (another unit's id is a 404)."""
    return cycle_get(user=user, pk=params["cycle"]), organisation_get(user=user, pk=params["unit"])


def _describe(params: dict) -> str:
    return f"导出附件1（zip）：{params['unit_name']} {params['period']}"


@job_kind("monitoring.unit_zip", describe=_describe, check=_subjects)
def unit_zip(run) -> None:
    cycle, unit = _subjects(run.user, run.params)
    with run.result_file(unit_export_filename(unit=unit, cycle=cycle), "application/zip") as target:
        unit_export_zip(unit=unit, cycle=cycle, acting_user=run.user, target=target, progress=run.progress)


def unit_zip_params(*, unit, cycle) -> dict:
    return {"cycle": cycle.pk, "unit": unit.pk, "unit_name": unit.name, "period": cycle.period_label}


def _managed_cycle(user, params: dict) -> MonitoringCycle:
    """The cycle whose thresholds the person manages (every cycle, for the system administrator)."""
    can_manage_cycles(user).enforce()
    return get_object_or_404(MonitoringCycle, pk=params["cycle"])


@job_kind(
    RECOMPUTE_JOB,
    describe=lambda params: f"重新计算预警：{params['cycle_name']}",
    check=_managed_cycle,
    result_page=lambda params: (
        "返回监控周期设置",
        reverse("admin:monitoring_monitoringcycle_change", args=[params["cycle"]]),
    ),
)
def recompute(run) -> None:
    cycle_recompute_warnings(_managed_cycle(run.user, run.params), progress=run.progress)
