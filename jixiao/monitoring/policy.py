"""Who may fill, import and manage monitoring cycles, and when: one predicate per action.

The 附件1 page shows its inputs, save and import buttons only when `can_fill` allows them, and
`report_save` refuses with the same predicate. Reading and exporting need no predicate of their own:
whoever the scoped selectors let see a project or unit may read and export it (another unit's id is 404).
"""

from jixiao.core.policy import ALLOWED, Verdict, forbid, refuse
from jixiao.monitoring.models import AnalysisReport, CycleStatus, MonitoringCycle
from jixiao.organisations.models import Role
from jixiao.organisations.selectors import UNIT_ROLES, memberships_of, roles_of
from jixiao.projects.models import Project

CYCLE_CLOSED = "该监控周期已结束，不能再修改。"
REPORT_LOCKED = "本单位的监控材料已报送，监控分析表只读；如需修改，请在对方查阅前撤回，或待对方退回后再改。"


def is_unit_of(user, project: Project) -> bool:
    """The person is a filler or leader of the project's own (active) unit."""
    return any(
        m.role in UNIT_ROLES and m.organisation_id == project.owner_id and m.organisation.is_active
        for m in memberships_of(user)
    )


def can_fill(user, project: Project, *, cycle: MonitoringCycle, report: AnalysisReport | None) -> Verdict:
    """Only the owning unit's own fillers and leaders write its 附件1, while the cycle is open and the
    unit's package is with it (`report` is None before the first save)."""
    if not is_unit_of(user, project):
        return forbid("只有项目实施单位的填报人或负责人可以填报监控分析表。")
    if cycle.status != CycleStatus.OPEN:
        return refuse(CYCLE_CLOSED)
    if report is not None and report.locked:
        return refuse(REPORT_LOCKED)
    return ALLOWED


def can_import(user, cycle: MonitoringCycle) -> Verdict:
    """Filled workbooks are taken while the cycle is open; each file's rows still go through `can_fill`."""
    if cycle.status != CycleStatus.OPEN:
        return refuse(CYCLE_CLOSED)
    return ALLOWED


def can_manage_cycles(user) -> Verdict:
    """系统管理员 opens and changes cycles; the system itself (no person: seeding, commands) may too."""
    if user is not None and Role.SYSADMIN not in roles_of(user) and not user.is_superuser:
        return forbid("只有系统管理员可以开启或修改监控周期。")
    return ALLOWED


def can_set_disposition_days(user) -> Verdict:
    """财政监督与绩效管理股 sets how many working days a unit has to answer a red warning."""
    if Role.SUPERVISION_STAFF not in roles_of(user):
        return Verdict("只有财政监督与绩效管理股可以设定红色预警处置答复时限。", forbidden=True)
    return ALLOWED
