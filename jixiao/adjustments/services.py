"""Goal adjustment (第十四条): the unit reports the objective cause, its response plan and the new targets;
the counterpart section and the supervision section each approve once, in either order, or refuse with a
reason; the second approval makes the goal's next version, and the reports still with the unit move to it.

Every write locks the request, checks the actor through `policy`, writes the change, its 办理记录 row and
its audit record in one transaction (`transition_record`) and notifies after commit.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from jixiao.adjustments.models import (
    OPEN_STATES,
    AdjustedIndicator,
    AdjustmentState,
    AdjustmentTransition,
    Cause,
    GoalAdjustment,
)
from jixiao.adjustments.policy import (
    COUNTERPART,
    SECTION_LABELS,
    can_approve,
    can_edit,
    can_refuse,
    can_request,
    can_submit,
    deciding_section,
)
from jixiao.core.errors import ServiceError
from jixiao.monitoring.models import CycleStatus, MonitoringCycle
from jixiao.monitoring.services import reports_follow_target
from jixiao.notifications.services import people_of, transition_record
from jixiao.organisations.models import Membership, Organisation, Role, User
from jixiao.organisations.selectors import UNIT_ROLES, memberships_of
from jixiao.projects.models import Indicator, Project, ValueType
from jixiao.projects.services import IndicatorSpec, target_version_create
from jixiao.projects.targets import TargetTextError, parse_target

REFUSED_INPUT = "申请有填写错误，请按提示修改。"


def adjustment_url(adjustment: GoalAdjustment) -> str:
    return reverse("adjustments:detail", args=[adjustment.pk])


def counterpart_section_of(unit: Organisation) -> Organisation | None:
    """The unit's counterpart section, or that of the nearest unit above it (a second-level unit is served
    by its first-level unit's section)."""
    while unit is not None:
        if unit.counterpart_section_id:
            return unit.counterpart_section
        unit = unit.parent
    return None


def _people_with(roles) -> list[User]:
    """Active people holding one of `roles` in any active organisation (the district-wide sections)."""
    held = Membership.objects.filter(role__in=roles, organisation__is_active=True)
    return list(User.objects.filter(is_active=True, pk__in=held.values("user")).order_by("pk"))


def _unit_people(adjustment: GoalAdjustment) -> list[User]:
    return people_of(adjustment.project.owner_id, UNIT_ROLES)


def _deciders(adjustment: GoalAdjustment, section: str | None = None) -> list[User]:
    """The people of both sections, or of the one not yet decided when `section` has just decided."""
    people = []
    if section != COUNTERPART:
        people += people_of(adjustment.counterpart_section_id, {Role.COUNTERPART_STAFF})
    if section is None or section == COUNTERPART:
        people += _people_with({Role.SUPERVISION_STAFF})
    return _distinct(people)


def _section_organisation(user, adjustment: GoalAdjustment, section: str) -> Organisation | None:
    """The bureau section the decider acts for, for the 办理记录 and the audit record."""
    if section == COUNTERPART:
        return adjustment.counterpart_section
    return next((m.organisation for m in memberships_of(user) if m.role == Role.SUPERVISION_STAFF), None)


def _distinct(people) -> list[User]:
    return list({person.pk: person for person in people}.values())


def _clean_request(*, project: Project, values: dict, targets: dict[int, str]) -> tuple[dict, list]:
    """The request's fields and its adjusted indicators, or a ServiceError naming each wrong field.

    `targets` maps an indicator of the version in force to its new target as written (`≥400人`); a blank
    one is not adjusted. A new target keeps its indicator's value type, so what the reports filled stays
    meaningful against it.
    """
    version = project.current_target
    errors = {}
    cause = values.get("cause") or ""
    if cause not in Cause.values:
        errors["cause"] = "请选择导致绩效目标难以实现的客观原因。"
    cause_description = (values.get("cause_description") or "").strip()
    if not cause_description:
        errors["cause_description"] = "请说明客观原因及其对绩效目标的影响。"
    response_plan = (values.get("response_plan") or "").strip()
    if not response_plan:
        errors["response_plan"] = "请填写应对方案。"
    new_goal = (values.get("new_goal") or "").strip()
    if new_goal == version.annual_goal:
        new_goal = ""
    indicators = {i.pk: i for i in version.indicators.all()}
    if set(targets) - set(indicators):
        raise ServiceError("所选指标不属于该项目现行的绩效目标，请刷新页面后重新填写。")
    rows = []
    for indicator_id, text in targets.items():
        text = (text or "").strip()
        if not text:
            continue
        indicator, field = indicators[indicator_id], f"target_{indicator_id}"
        try:
            parsed = parse_target(text)
        except TargetTextError as exc:
            errors[field] = str(exc)
            continue
        if parsed["value_type"] != indicator.value_type:
            kind = indicator.get_value_type_display()
            errors[field] = (
                f"“{indicator.name}”是{kind}指标，新指标值须以比较符号开头，写作如“{indicator.target_display}”。"
                if parsed["value_type"] == ValueType.TEXT
                else f"“{indicator.name}”是{kind}指标，新指标值也须为{kind}（原为“{indicator.target_display}”）。"
            )
            continue
        unit = parsed.get("unit") or ("%" if indicator.value_type == ValueType.PERCENT else indicator.unit)
        row = AdjustedIndicator(
            indicator=indicator,
            old_target=indicator.target_display,
            comparator=parsed["comparator"],
            value_type=parsed["value_type"],
            unit=unit if indicator.value_type in (ValueType.NUMBER, ValueType.PERCENT) else "",
            target_number=parsed.get("target_number"),
            target_date=parsed.get("target_date"),
            target_text=parsed.get("target_text", ""),
        )
        candidate = Indicator(**{**_spec_fields(indicator), **_target_fields(row)})
        try:
            candidate.clean()
        except ValidationError as exc:
            errors[field] = " ".join(exc.messages)
            continue
        if row.new_target == row.old_target:
            errors[field] = f"“{indicator.name}”的新指标值与原指标值相同。"
            continue
        rows.append(row)
    if not errors and not rows and not new_goal:
        raise ServiceError("请至少调整一个指标的指标值，或填写调整后的年度总体目标。")
    if errors:
        raise ServiceError(REFUSED_INPUT, errors)
    fields = {
        "cause": cause,
        "cause_description": cause_description,
        "response_plan": response_plan,
        "new_goal": new_goal,
    }
    return fields, rows


TARGET_FIELDS = ["comparator", "value_type", "unit", "target_number", "target_date", "target_text"]


def _target_fields(row: AdjustedIndicator) -> dict:
    return {name: getattr(row, name) for name in TARGET_FIELDS}


def _spec_fields(indicator: Indicator) -> dict:
    return {name: getattr(indicator, name) for name in IndicatorSpec.__dataclass_fields__}


def _summary(rows: list[AdjustedIndicator], new_goal: str) -> dict:
    changes = {row.indicator.name: [row.old_target, row.new_target] for row in rows}
    if new_goal:
        changes["年度总体目标"] = "调整"
    return changes


@transaction.atomic
def adjustment_create(
    *, project: Project, cycle: MonitoringCycle, values: dict, targets: dict[int, str], acting_user
) -> GoalAdjustment:
    """A unit's draft request against the version of the goal now in force (one open request a project)."""
    project = (
        Project.objects.select_for_update(of=("self",))
        .select_related("owner__parent__parent", "owner__counterpart_section", "current_target")
        .get(pk=project.pk)
    )
    can_request(acting_user, project).enforce()
    if cycle.year != project.year:
        raise ServiceError("监控周期的年度与项目年度不一致。")
    if cycle.status != CycleStatus.OPEN:
        raise ServiceError("该监控周期已结束，请在进行中的监控周期内申请。")
    if GoalAdjustment.objects.filter(project=project, state__in=OPEN_STATES).exists():
        raise ServiceError("该项目已有一份尚未办结的绩效目标调整申请，请在原申请中办理。")
    section = counterpart_section_of(project.owner)
    if section is None:
        raise ServiceError("该单位尚未指定对口服务股室，请联系区财政局设置后再申请。")
    fields, rows = _clean_request(project=project, values=values, targets=targets)
    adjustment = GoalAdjustment.objects.create(
        project=project,
        cycle=cycle,
        counterpart_section=section,
        base_version=project.current_target,
        urgent=fields["cause"] == Cause.EMERGENCY,
        created_by=acting_user,
        **fields,
    )
    for row in rows:
        row.adjustment = adjustment
    AdjustedIndicator.objects.bulk_create(rows)
    transition_record(
        history=AdjustmentTransition,
        subject=adjustment,
        action="adjustment.create",
        acting_user=acting_user,
        organisation=project.owner,
        to_state=adjustment.state,
        changes=_summary(rows, fields["new_goal"]),
    )
    return adjustment


def _locked(adjustment: GoalAdjustment) -> GoalAdjustment:
    return (
        GoalAdjustment.objects.select_for_update(of=("self",))
        .select_related("project__owner", "project__current_target", "counterpart_section", "base_version")
        .get(pk=adjustment.pk)
    )


@transaction.atomic
def adjustment_update(
    *, adjustment: GoalAdjustment, values: dict, targets: dict[int, str], acting_user
) -> GoalAdjustment:
    """Change a draft: its fields and the whole set of adjusted indicators."""
    adjustment = _locked(adjustment)
    can_edit(acting_user, adjustment).enforce()
    if adjustment.project.current_target_id != adjustment.base_version_id:
        raise ServiceError("申请填写后该项目的绩效目标已更新，请删除原申请内容后按现行绩效目标重新填写。")
    fields, rows = _clean_request(project=adjustment.project, values=values, targets=targets)
    for name, value in fields.items():
        setattr(adjustment, name, value)
    adjustment.urgent = adjustment.cause == Cause.EMERGENCY
    adjustment.save(update_fields=[*fields, "urgent"])
    adjustment.indicators.all().delete()
    for row in rows:
        row.adjustment = adjustment
    AdjustedIndicator.objects.bulk_create(rows)
    transition_record(
        history=AdjustmentTransition,
        subject=adjustment,
        action="adjustment.edit",
        acting_user=acting_user,
        organisation=adjustment.project.owner,
        changes=_summary(rows, fields["new_goal"]),
    )
    return adjustment


@transaction.atomic
def adjustment_submit(*, adjustment: GoalAdjustment, acting_user) -> GoalAdjustment:
    """Send the request to both sections; an urgent one (突发事件) is flagged at once to the supervision
    section and the bureau leaders too."""
    adjustment = _locked(adjustment)
    can_submit(acting_user, adjustment).enforce()
    if adjustment.project.current_target_id != adjustment.base_version_id:
        raise ServiceError("申请填写后该项目的绩效目标已更新，请按现行绩效目标修改申请后再报送。")
    previous = adjustment.state
    adjustment.state = AdjustmentState.SUBMITTED
    adjustment.submitted_at = timezone.now()
    adjustment.save(update_fields=["state", "submitted_at"])
    project = adjustment.project
    recipients = _deciders(adjustment)
    message = f"{project.owner.name}申请调整“{project.name}”的绩效目标（{adjustment.get_cause_display()}），请审批。"
    if adjustment.urgent:
        leaders = _people_with({Role.BUREAU_LEADER})
        recipients = _distinct([*recipients, *leaders])
        message = f"【紧急】{message}"
    transition_record(
        history=AdjustmentTransition,
        subject=adjustment,
        action="adjustment.submit",
        acting_user=acting_user,
        organisation=project.owner,
        from_state=previous,
        to_state=adjustment.state,
        comment="紧急：突发事件" if adjustment.urgent else "",
        notice=(recipients, message, adjustment_url(adjustment)),
    )
    return adjustment


def _new_version(adjustment: GoalAdjustment, acting_user):
    """The next version: the version requested against, with the approved targets and goal."""
    adjusted = {row.indicator_id: row for row in adjustment.indicators.all()}
    specs = []
    for indicator in adjustment.base_version.indicators.order_by("position"):
        fields = _spec_fields(indicator)
        if indicator.pk in adjusted:
            fields |= _target_fields(adjusted[indicator.pk])
        specs.append(IndicatorSpec(**fields))
    reason = f"绩效目标调整申请 #{adjustment.pk}（{adjustment.get_cause_display()}）：{adjustment.cause_description}"
    return target_version_create(
        project=adjustment.project,
        annual_goal=adjustment.new_goal or adjustment.base_version.annual_goal,
        indicators=specs,
        reason=reason[:200],
        source_url=adjustment_url(adjustment),
        acting_user=acting_user,
    )


@transaction.atomic
def adjustment_approve(*, adjustment: GoalAdjustment, acting_user, comment: str = "") -> GoalAdjustment:
    """One section's approval; the second makes the new version of the goal (exactly once) and moves the
    reports not yet sent onto it."""
    adjustment = _locked(adjustment)
    can_approve(acting_user, adjustment).enforce()
    section = deciding_section(acting_user, adjustment)
    now = timezone.now()
    previous = adjustment.state
    if section == COUNTERPART:
        adjustment.counterpart_approved_at = now
    else:
        adjustment.supervision_approved_at = now
    both = adjustment.counterpart_approved_at is not None and adjustment.supervision_approved_at is not None
    project = adjustment.project
    if both:
        adjustment.state = AdjustmentState.APPROVED
        adjustment.decided_at = now
        adjustment.new_version = _new_version(adjustment, acting_user)
        moved = reports_follow_target(
            project=project, acting_user=acting_user, comment=f"绩效目标调整申请 #{adjustment.pk} 批准"
        )
        notice = (
            _distinct([*_unit_people(adjustment), *_deciders(adjustment)]),
            f"“{project.name}”的绩效目标调整已批准，现行为第{adjustment.new_version.number}版"
            + (f"，{len(moved)} 张未报送的监控分析表已改按新目标。" if moved else "。"),
            adjustment_url(adjustment),
        )
    else:
        adjustment.state = (
            AdjustmentState.COUNTERPART_APPROVED
            if section == COUNTERPART
            else AdjustmentState.SUPERVISION_APPROVED
        )
        notice = (
            _deciders(adjustment, section),
            f"{SECTION_LABELS[section]}已同意“{project.name}”的绩效目标调整申请，请审批。",
            adjustment_url(adjustment),
        )
    adjustment.save(
        update_fields=[
            "state",
            "counterpart_approved_at",
            "supervision_approved_at",
            "decided_at",
            "new_version",
        ]
    )
    transition_record(
        history=AdjustmentTransition,
        subject=adjustment,
        action="adjustment.approve",
        acting_user=acting_user,
        organisation=_section_organisation(acting_user, adjustment, section),
        from_state=previous,
        to_state=adjustment.state,
        comment=(comment or "").strip(),
        notice=notice,
    )
    return adjustment


@transaction.atomic
def adjustment_refuse(*, adjustment: GoalAdjustment, reason: str, acting_user) -> GoalAdjustment:
    """A section does not agree: the reason is required and the request ends (the unit may ask again)."""
    adjustment = _locked(adjustment)
    can_refuse(acting_user, adjustment).enforce()
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("请填写不同意的理由。", {"reason": "请填写不同意的理由。"})
    section = deciding_section(acting_user, adjustment)
    previous = adjustment.state
    adjustment.state = AdjustmentState.REFUSED
    adjustment.refusal_reason = reason
    adjustment.decided_at = timezone.now()
    adjustment.save(update_fields=["state", "refusal_reason", "decided_at"])
    project = adjustment.project
    transition_record(
        history=AdjustmentTransition,
        subject=adjustment,
        action="adjustment.refuse",
        acting_user=acting_user,
        organisation=_section_organisation(acting_user, adjustment, section),
        from_state=previous,
        to_state=adjustment.state,
        comment=reason,
        notice=(
            _distinct([*_unit_people(adjustment), *_deciders(adjustment, section)]),
            f"{SECTION_LABELS[section]}不同意“{project.name}”的绩效目标调整申请：{reason}",
            adjustment_url(adjustment),
        ),
    )
    return adjustment
