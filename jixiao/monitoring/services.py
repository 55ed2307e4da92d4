from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from jixiao.audit.services import audit_record
from jixiao.monitoring import plausibility, rules
from jixiao.monitoring.evaluation import evaluate, indicator_figures, store_warnings
from jixiao.monitoring.models import (
    DEVIATION_FIELDS,
    NARRATIVE_FIELDS,
    AnalysisReport,
    CycleKind,
    CycleStatus,
    IndicatorEntry,
    MonitoringCycle,
    default_due_dates,
)
from jixiao.organisations.selectors import UNIT_ROLES, memberships_of
from jixiao.projects.models import Project
from jixiao.projects.selectors import paid_to_date


@transaction.atomic
def cycle_open(
    *,
    year: int,
    acting_user,
    period_end_month: int = 8,
    kind: str = CycleKind.ANNUAL,
    organisation=None,
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
    audit_record(
        actor=acting_user, action="cycle.open", target=cycle, organisation=organisation, to_state="open"
    )
    return cycle


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


def user_can_fill(user, project: Project) -> bool:
    """Only the owning unit's own fillers and leaders write its 附件1."""
    return any(
        m.role in UNIT_ROLES and m.organisation_id == project.owner_id and m.organisation.is_active
        for m in memberships_of(user)
    )


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
    if not user_can_fill(acting_user, project):
        raise PermissionDenied("只有项目实施单位的填报人或负责人可以填报监控分析表。")
    if cycle.status != CycleStatus.OPEN:
        raise ValidationError("该监控周期已结束，不能再修改。")
    if project.year != cycle.year:
        raise ValidationError("项目年度与监控周期不一致。")
    if cycle.kind == CycleKind.SELF_INITIATED and not project.owner.is_within(cycle.organisation):
        raise ValidationError("该项目不属于开展这次自行监控的单位。")
    report = AnalysisReport.objects.select_for_update().filter(project=project, cycle=cycle).first()
    if report is None:
        if project.current_target_id is None:
            raise ValidationError("该项目尚未设定绩效目标，不能填报。")
        report = AnalysisReport(project=project, cycle=cycle, target_version_id=project.current_target_id)
    if report.locked:
        raise ValidationError(
            "本单位的监控材料已报送，监控分析表只读；如需修改，请在对方查阅前撤回，或待对方退回后再改。"
        )
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
        (to_update if entry.pk else to_create).append(entry)
    if errors:
        raise ValidationError({name: messages for name, messages in errors.items()})
    IndicatorEntry.objects.bulk_create(to_create)
    IndicatorEntry.objects.bulk_update(to_update, ENTRY_INPUT_FIELDS)

    report_recompute(report)
    audit_record(
        actor=acting_user,
        action="report.import" if source == "import" else "report.save",
        target=report,
        organisation=project.owner,
        to_state=f"r{report.revision}",
        comment=comment or {"form": "网页填报", "import": "导入Excel"}.get(source, source),
    )
    return report


def report_recompute(report: AnalysisReport) -> list[rules.Warning]:
    """Recompute and store one report's warnings and level from what is saved."""
    cycle = report.cycle
    project = report.project
    entries = {e.indicator_id: e for e in report.entries.all()}
    rows = [(indicator, entries.get(indicator.pk)) for indicator in report.target_version.indicators.all()]
    fiscal, other = paid_to_date(project, cycle.period_end_month)
    warnings = evaluate(
        cycle=cycle,
        thresholds=rules.Thresholds.from_cycle(cycle),
        budget=project.budget,
        paid=fiscal + other,
        projected=report.projected_total,
        rows=rows,
    )
    store_warnings(report, warnings)
    AnalysisReport.objects.filter(pk=report.pk).update(level=report.level)
    return warnings
