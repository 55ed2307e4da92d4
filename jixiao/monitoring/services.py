from functools import partial
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import transaction

from jixiao.audit.services import audit_record
from jixiao.core.errors import ServiceError
from jixiao.jobs.models import Job
from jixiao.jobs.services import job_start
from jixiao.monitoring import plausibility, rules
from jixiao.monitoring.evaluation import indicator_figures, record_red_since, store_warnings
from jixiao.monitoring.models import (
    DEVIATION_FIELDS,
    NARRATIVE_FIELDS,
    THRESHOLD_FIELDS,
    AnalysisReport,
    CycleKind,
    CycleStatus,
    IndicatorEntry,
    MonitoringCycle,
    default_due_dates,
)
from jixiao.monitoring.policy import can_fill, can_manage_cycles, can_set_disposition_days
from jixiao.monitoring.recompute import cycle_recompute_warnings
from jixiao.monitoring.rollup import (
    cycle_rollup_rebuild,
    rollup_move_project,
    rollup_of_projects,
    rollup_refresh_units,
)
from jixiao.monitoring.selectors import report_evaluation
from jixiao.monitoring.signals import cycle_closed
from jixiao.monitoring.versions import unit_versions_bump
from jixiao.projects.models import Project


@transaction.atomic
def cycle_open(
    *,
    year: int,
    acting_user,
    period_end_month: int = 8,
    kind: str = CycleKind.ANNUAL,
    organisation=None,
    name: str = "",
    settings: dict | None = None,
) -> MonitoringCycle:
    """Open a cycle with the regulation's default due dates and warning thresholds.

    `settings` overrides any of them (and the status) as the admin screen's form gives them.
    """
    can_manage_cycles(acting_user).enforce()
    if not name:
        scope = organisation.name if organisation else ""
        name = f"{scope}{year}年1—{period_end_month}月预算绩效运行监控"
    cycle = MonitoringCycle(
        year=year,
        kind=kind,
        organisation=organisation,
        name=name,
        period_end_month=period_end_month,
        **{**default_due_dates(year), **(settings or {})},
    )
    cycle.full_clean()
    cycle.save()
    cycle_rollup_rebuild(cycle=cycle)
    audit_record(
        actor=acting_user,
        action="cycle.open",
        target=cycle,
        organisation=organisation,
        to_state="open",
        changes={name: str(value) for name, value in (settings or {}).items()},
    )
    return cycle


# The background recompute of a cycle's warnings (`jobs.py`).
RECOMPUTE_JOB = "monitoring.recompute"


def recompute_params(*, cycle: MonitoringCycle, change_id: int) -> dict:
    """One recompute per threshold change (its audit record): a change made while an earlier recompute
    runs is recomputed again once that one ends."""
    return {"cycle": cycle.pk, "cycle_name": cycle.name, "change": change_id}


class CycleChange(NamedTuple):
    changed: list[str]
    # The background recompute of the cycle's warnings that a threshold change queued.
    recompute: Job | None = None


@transaction.atomic
def cycle_update(*, cycle: MonitoringCycle, values: dict, acting_user) -> CycleChange:
    """Change a cycle's settings (name, dates, status, thresholds): the fields that changed, and the
    recompute they queued.

    Closing the cycle sends `cycle_closed` inside the transaction (the scores are frozen with it).

    When a warning threshold changed, every report of the cycle is recomputed once the change is
    committed: by a background job of the person (a minute at 100,000 projects, with its progress on the
    job's page, retried there if it fails), or right after the commit when no person made the change
    (commands). The change itself stays one short transaction; `manage.py recompute_warnings` runs the
    recompute by hand.
    """
    can_manage_cycles(acting_user).enforce()
    stored = MonitoringCycle.objects.select_for_update().get(pk=cycle.pk)
    changed = [name for name, value in values.items() if getattr(stored, name) != value]
    if not changed:
        return CycleChange([])
    for name in changed:
        setattr(stored, name, values[name])
    stored.full_clean()
    stored.save()
    record = audit_record(
        actor=acting_user,
        action="cycle.change",
        target=stored,
        organisation=stored.organisation,
        changes={name: str(values[name]) for name in changed},
    )
    if "status" in changed and stored.status == CycleStatus.CLOSED:
        cycle_closed.send(sender=MonitoringCycle, cycle=stored, acting_user=acting_user)
    if not set(changed) & set(THRESHOLD_FIELDS):
        return CycleChange(changed)
    if acting_user is None:
        transaction.on_commit(partial(cycle_recompute_warnings, stored))
        return CycleChange(changed)
    job = job_start(
        kind=RECOMPUTE_JOB,
        params=recompute_params(cycle=stored, change_id=record.pk),
        acting_user=acting_user,
    )
    return CycleChange(changed, job)


MAX_DISPOSITION_DAYS = 60


@transaction.atomic
def cycle_set_disposition_days(*, cycle: MonitoringCycle, days: int, acting_user) -> MonitoringCycle:
    """Change the cycle's working days for answering a red warning; dispositions already opened keep the
    due date they were given."""
    can_set_disposition_days(acting_user).enforce()
    if not 1 <= days <= MAX_DISPOSITION_DAYS:
        raise ServiceError(
            f"答复时限须为 1 至 {MAX_DISPOSITION_DAYS} 个工作日。",
            {"days": f"请填写 1 至 {MAX_DISPOSITION_DAYS} 之间的整数。"},
        )
    stored = MonitoringCycle.objects.select_for_update().get(pk=cycle.pk)
    before = stored.disposition_working_days
    if before == days:
        return stored
    stored.disposition_working_days = days
    stored.save(update_fields=["disposition_working_days"])
    audit_record(
        actor=acting_user,
        action="cycle.change",
        target=stored,
        organisation=stored.organisation,
        from_state=str(before),
        to_state=str(days),
        changes={"disposition_working_days": str(days)},
    )
    return stored


class StaleReport(ValidationError):
    """The report changed since the person loaded it (another tab or colleague saved first)."""


REPORT_INPUT_FIELDS = [
    "projected_fiscal",
    "projected_other",
    "goal_progress",
    *(name for name, _label in NARRATIVE_FIELDS),
    *(name for name, _label in DEVIATION_FIELDS),
    "corrective_measures",
    "unit_leader_name",
    "finance_leader_name",
    "filler_name",
    "contact_phone",
    "filled_on",
]
ENTRY_INPUT_FIELDS = [
    "actual_number",
    "actual_date",
    "actual_text",
    "projected_number",
    "projected_date",
    "self_assessment",
    "likelihood",
    *(name for name, _label in DEVIATION_FIELDS),
    "corrective_measures",
    "remark",
]


@transaction.atomic
def report_save(
    *,
    project: Project,
    cycle: MonitoringCycle,
    values: dict,
    entries: dict[int, dict],
    expected_revision: int,
    acting_user,
    source: str = "form",
    comment: str = "",
) -> AnalysisReport:
    """Save a project's 附件1 (creating it on the first save) and recompute its warnings.

    Drafts never require completeness; what is given must be valid and plausible (the checks of
    `plausibility`, which the forms show beside each field). A save based on an older revision is
    refused with StaleReport and writes nothing. `source` "import" records the save as an import, with
    `comment` (the file, who it was done for) in its one audit record.
    """
    can_fill(acting_user, project, cycle=cycle, report=None).enforce()
    if project.year != cycle.year:
        raise ValidationError("项目年度与监控周期不一致。")
    if cycle.kind == CycleKind.SELF_INITIATED and not project.owner.is_within(cycle.organisation):
        raise ValidationError("该项目不属于开展这次自行监控的单位。")
    report = AnalysisReport.objects.select_for_update().filter(project=project, cycle=cycle).first()
    counted_before = rollup_of_projects(cycle=cycle, project_ids=[project.pk])
    if report is None:
        if project.current_target_id is None:
            raise ValidationError("该项目尚未设定绩效目标，不能填报。")
        report = AnalysisReport(project=project, cycle=cycle, target_version_id=project.current_target_id)
    can_fill(acting_user, project, cycle=cycle, report=report).enforce()
    current_revision = report.revision if report.pk else 0
    if current_revision != expected_revision:
        raise StaleReport(
            "该表已在其他页面或由其他人保存过（您打开后已有更新），为避免覆盖，本次保存未执行。"
            "请刷新页面查看最新内容后再修改。"
        )
    for name in REPORT_INPUT_FIELDS:
        if name in values:
            setattr(report, name, values[name])
    filled_on_refusal = plausibility.date_refusal(report.filled_on, year=cycle.year)
    if filled_on_refusal:
        raise ValidationError({"filled_on": filled_on_refusal})
    report.revision = current_revision + 1
    report.updated_by = acting_user
    report.full_clean(exclude=["cycle", "project", "target_version", "updated_by"])
    report.save()

    indicators = {i.pk: i for i in report.target_version.indicators.all()}
    unknown = set(entries) - set(indicators)
    if unknown:
        raise ValidationError("提交的指标不属于该项目的绩效目标。")
    existing = {e.indicator_id: e for e in report.entries.all()}
    errors, to_create, to_update = {}, [], []
    for indicator_id, entry_values in entries.items():
        entry = existing.get(indicator_id) or IndicatorEntry(
            report=report, indicator=indicators[indicator_id]
        )
        stored = [getattr(entry, name) for name in ENTRY_INPUT_FIELDS]
        for name in ENTRY_INPUT_FIELDS:
            if name in entry_values:
                setattr(entry, name, entry_values[name])
        try:
            entry.full_clean(exclude=["report", "indicator"], validate_unique=False)
        except ValidationError as exc:
            errors[indicators[indicator_id].name] = exc.messages
        figures = indicator_figures(indicators[indicator_id], entry)
        refusals = plausibility.entry_refusals(figures, year=cycle.year)
        if refusals:
            errors.setdefault(indicators[indicator_id].name, []).extend(refusals.values())
        if not entry.pk:
            to_create.append(entry)
        elif [getattr(entry, name) for name in ENTRY_INPUT_FIELDS] != stored:
            to_update.append(entry)  # an entry saved as it was is left alone (the update was most of a save)
    if errors:
        raise ValidationError({name: messages for name, messages in errors.items()})
    IndicatorEntry.objects.bulk_create(to_create)
    IndicatorEntry.objects.bulk_update(to_update, ENTRY_INPUT_FIELDS)

    report_recompute(report, counted_before=counted_before)
    audit_record(
        actor=acting_user,
        action="report.import" if source == "import" else "report.save",
        target=report,
        organisation=project.owner,
        to_state=f"r{report.revision}",
        comment=comment or {"form": "网页填报", "import": "导入Excel"}.get(source, source),
    )
    return report


def report_recompute(report: AnalysisReport, *, counted_before: list | None = None) -> list[rules.Warning]:
    """Recompute and store one report's warnings and level from what is saved; the roll-up moves by the
    project's change when what it counted before is known (a save), else its unit is recounted."""
    entries = {e.indicator_id: e for e in report.entries.all()}
    rows = [(indicator, entries.get(indicator.pk)) for indicator in report.target_version.indicators.all()]
    warnings = report_evaluation(
        project=report.project, cycle=report.cycle, projected=report.projected_total, rows=rows
    )
    store_warnings(report, warnings)
    AnalysisReport.objects.filter(pk=report.pk).update(level=report.level)
    record_red_since([report.pk])
    if counted_before is None:
        rollup_refresh_units(cycle=report.cycle, owner_ids=[report.project.owner_id])
    else:
        rollup_move_project(cycle=report.cycle, project=report.project, counted_before=counted_before)
    unit_versions_bump([report.project.owner_id])
    return warnings


@transaction.atomic
def reports_follow_target(*, project: Project, acting_user, comment: str = "") -> list[AnalysisReport]:
    """Move the project's reports that are still with its unit (not sent, cycle open) onto the version of
    its goal now in force, keeping what was filled, and recompute their warnings; sent reports and those
    of closed cycles keep the version they were filled against.

    The new version has the same indicators in the same positions (an adjustment changes their target
    values), so each entry moves to the indicator at its position. The revision goes up, so a page opened
    before the move cannot save over it.
    """
    project = Project.objects.select_for_update().get(pk=project.pk)
    reports = list(
        AnalysisReport.objects.select_for_update()
        .filter(project=project, locked=False, cycle__status=CycleStatus.OPEN)
        .exclude(target_version_id=project.current_target_id)
        .select_related("cycle", "project", "target_version")
    )
    if not reports:
        return []
    new_by_position = {i.position: i for i in project.current_target.indicators.all()}
    for report in reports:
        old_position = dict(report.target_version.indicators.values_list("pk", "position"))
        entries = list(report.entries.all())
        for entry in entries:
            indicator = new_by_position.get(old_position[entry.indicator_id])
            if indicator is None:
                raise ValidationError("新版绩效目标的指标与原版本不对应，不能沿用已填写的监控分析表。")
            entry.indicator = indicator
        IndicatorEntry.objects.bulk_update(entries, ["indicator"])
        previous = report.target_version
        report.target_version = project.current_target
        report.revision += 1
        report.save(update_fields=["target_version", "revision", "updated_at"])
        report_recompute(report)
        audit_record(
            actor=acting_user,
            action="report.retarget",
            target=report,
            organisation=project.owner,
            from_state=str(previous.number),
            to_state=str(project.current_target.number),
            comment=comment,
        )
    return reports
