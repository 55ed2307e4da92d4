"""Who may act on a goal adjustment (第十四条), and when: one predicate per action.

The pages show a button only when its predicate allows the action, and the services refuse with the same
predicate (`jixiao.monitoring.policy.Verdict`).
"""

from jixiao.adjustments.models import PENDING_STATES, AdjustmentState, GoalAdjustment
from jixiao.monitoring.policy import ALLOWED, Verdict, is_unit_of
from jixiao.organisations.models import Role
from jixiao.organisations.selectors import memberships_of
from jixiao.projects.models import Project

COUNTERPART = "counterpart"
SUPERVISION = "supervision"
SECTION_LABELS = {COUNTERPART: "对口服务股室", SUPERVISION: "财政监督与绩效管理股"}


def forbid(reason: str) -> Verdict:
    return Verdict(reason, forbidden=True)


def sections_of(user, adjustment: GoalAdjustment) -> list[str]:
    """The bureau sections the person decides for on this request: the unit's counterpart section (its
    staff) and the supervision section (its staff, district-wide)."""
    sections = []
    for m in memberships_of(user):
        if not m.organisation.is_active:
            continue
        if m.role == Role.COUNTERPART_STAFF and m.organisation_id == adjustment.counterpart_section_id:
            sections.append(COUNTERPART)
        elif m.role == Role.SUPERVISION_STAFF:
            sections.append(SUPERVISION)
    return sorted(set(sections))


def _approved_by(adjustment: GoalAdjustment, section: str) -> bool:
    stamp = (
        adjustment.counterpart_approved_at if section == COUNTERPART else adjustment.supervision_approved_at
    )
    return stamp is not None


def deciding_section(user, adjustment: GoalAdjustment) -> str | None:
    """The section the person would now decide for: one of theirs that has not yet approved."""
    return next((s for s in sections_of(user, adjustment) if not _approved_by(adjustment, s)), None)


def can_request(user, project: Project) -> Verdict:
    """The project's own unit reports the cause and asks for the change (第十四条)."""
    if not is_unit_of(user, project):
        return forbid("只有项目实施单位的填报人或负责人可以申请调整绩效目标。")
    if project.owner.is_classified:
        return Verdict("涉密单位的项目不纳入绩效监控，不在系统中调整绩效目标。")
    if project.current_target_id is None:
        return Verdict("该项目尚未设定绩效目标，无需调整。")
    return ALLOWED


def _unit_draft(user, adjustment: GoalAdjustment, doing: str) -> Verdict:
    if not is_unit_of(user, adjustment.project):
        return forbid(f"只有项目实施单位的填报人或负责人可以{doing}。")
    if adjustment.state != AdjustmentState.DRAFT:
        return Verdict(f"申请当前为“{adjustment.get_state_display()}”，不能再{doing}。")
    return ALLOWED


def can_edit(user, adjustment: GoalAdjustment) -> Verdict:
    return _unit_draft(user, adjustment, "修改申请")


def can_submit(user, adjustment: GoalAdjustment) -> Verdict:
    return _unit_draft(user, adjustment, "报送申请")


def _can_decide(user, adjustment: GoalAdjustment, doing: str) -> Verdict:
    if not sections_of(user, adjustment):
        return forbid(f"只有该单位的对口服务股室或财政监督与绩效管理股可以{doing}。")
    if adjustment.state not in PENDING_STATES:
        return Verdict(f"申请当前为“{adjustment.get_state_display()}”，不能{doing}。")
    if deciding_section(user, adjustment) is None:
        return Verdict("本股室已同意该申请，等待另一股室审批。")
    return ALLOWED


def can_approve(user, adjustment: GoalAdjustment) -> Verdict:
    """Each section approves once; the second approval makes the new version, so it must still apply to the
    version in force."""
    verdict = _can_decide(user, adjustment, "审批")
    if verdict and adjustment.project.current_target_id != adjustment.base_version_id:
        return Verdict(
            "申请提出后该项目的绩效目标已更新，不能再按本申请调整；请不同意并说明，由单位重新申请。"
        )
    return verdict


def can_refuse(user, adjustment: GoalAdjustment) -> Verdict:
    """Either section may refuse, with a reason, until it has approved; a refusal ends the request."""
    return _can_decide(user, adjustment, "审批")


def adjustment_actions(user, adjustment: GoalAdjustment) -> dict[str, Verdict]:
    """What the person may do to the request now; the page shows exactly these controls."""
    return {
        "edit": can_edit(user, adjustment),
        "submit": can_submit(user, adjustment),
        "approve": can_approve(user, adjustment),
        "refuse": can_refuse(user, adjustment),
    }
