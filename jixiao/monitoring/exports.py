"""Exports of 附件1: each writes its own audit record, whichever page or command asks for it."""

from django.db import transaction

from jixiao.audit.services import audit_record
from jixiao.monitoring.models import AnalysisReport, MonitoringCycle
from jixiao.monitoring.workbook import export_filename, export_report_bytes
from jixiao.monitoring.workbook.export import unit_zip_projects, write_projects_zip
from jixiao.organisations.models import Organisation
from jixiao.projects.models import Project


@transaction.atomic
def report_export_workbook(
    *, project: Project, cycle: MonitoringCycle, report: AnalysisReport | None, acting_user
) -> tuple[bytes, str]:
    """One project's 附件1 as the paper-like workbook (content, file name), prefilled with what is saved.

    The caller has read `project` and `report` through the person's scoped selectors."""
    content = export_report_bytes(project=project, cycle=cycle, report=report)
    audit_record(
        actor=acting_user, action="report.export", target=report or project, organisation=project.owner
    )
    return content, export_filename(project)


def unit_export_filename(*, unit: Organisation, cycle: MonitoringCycle) -> str:
    return f"{unit.code}_{unit.name}_附件1_{cycle.period_label}.zip"


def unit_export_zip(
    *, unit: Organisation, cycle: MonitoringCycle, acting_user, target, progress=None
) -> None:
    """Every project's 附件1 of a unit and the units below it that the person sees, streamed as a zip into
    `target` (a background job: progress after each project, the audit record once the file is written)."""
    projects = unit_zip_projects(unit=unit, cycle=cycle, user=acting_user)
    write_projects_zip(projects, cycle, target, progress)
    audit_record(actor=acting_user, action="unit.export", target=unit, organisation=unit)
