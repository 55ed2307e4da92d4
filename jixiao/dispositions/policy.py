"""Who may answer and acknowledge a red-warning disposition, and when: one predicate per action.

The pages show the form or button only when its predicate allows it, and the services refuse with the
same predicate (see `jixiao.workflow.policy.Verdict`).
"""

from jixiao.dispositions.models import DispositionState, WarningDisposition
from jixiao.monitoring.models import AnalysisReport, CycleStatus, MonitoringCycle, WarningLevel
from jixiao.organisations.models import Organisation, Role
from jixiao.organisations.selectors import DISTRICT_WIDE_ROLES, UNIT_ROLES, roles_of
from jixiao.projects.models import Project
from jixiao.workflow.policy import ALLOWED, Verdict, forbid, holds, refuse

# The bureau people who read dispositions and the funding-decision list.
BUREAU_ROLES = {Role.COUNTERPART_STAFF, Role.SUPERVISION_STAFF, Role.BUREAU_LEADER}


def counterpart_section_id(unit: Organisation) -> int | None:
    """The section serving a unit: its own (towns, first-level units) or its first-level unit's."""
    if unit.counterpart_section_id:
        return unit.counterpart_section_id
    return unit.parent.counterpart_section_id if unit.parent_id else None


def is_unit_of(user, project: Project) -> bool:
    """The project's own unit answers for it: its 填报人 and 单位负责人."""
    return holds(user, project.owner_id, UNIT_ROLES)


def is_bureau_of(user, unit: Organisation) -> bool:
    """The unit's counterpart section, the supervision section and the bureau's leaders."""
    return holds(user, counterpart_section_id(unit), {Role.COUNTERPART_STAFF}) or bool(
        roles_of(user) & DISTRICT_WIDE_ROLES
    )


def can_answer(
    user,
    project: Project,
    *,
    cycle: MonitoringCycle,
    report: AnalysisReport | None,
    disposition: WarningDisposition | None,
) -> Verdict:
    """First answer while the project's 附件1 stands at red; revisions until the bureau acknowledges."""
    if not is_unit_of(user, project):
        return forbid(f"只有{project.owner.name}的填报人或负责人可以答复红色预警处置意见。")
    if cycle.status != CycleStatus.OPEN:
        return refuse("该监控周期已结束，不能再答复。")
    if disposition is None:
        if report is None or report.level != WarningLevel.RED:
            return refuse("该项目本周期没有红色预警，无需答复处置意见。")
        return ALLOWED
    if disposition.state != DispositionState.ANSWERED:
        return refuse("区财政局已受理处置意见，不能再修改；如有变化请联系对口服务股室。")
    return ALLOWED


def can_acknowledge(user, disposition: WarningDisposition) -> Verdict:
    """受理 closes the unit's revisions; the funding decision itself is the leader's, on its own page."""
    if not is_bureau_of(user, disposition.organisation):
        return forbid("只有该单位的对口服务股室、财政监督与绩效管理股或局领导可以受理处置意见。")
    if disposition.state != DispositionState.ANSWERED:
        return refuse("处置意见已受理。")
    return ALLOWED
