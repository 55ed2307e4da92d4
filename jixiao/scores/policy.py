"""Who reads the scores and who sets the scheme (第十六条).

The supervision section (财政监督与绩效管理股) applies monitoring results (第六条(三)), so it sets the cycle's
weights and deductions, until the cycle closes and the scores are frozen (for good: a reopened cycle keeps
them). The ranked table is the bureau's:
its leaders and both sections (a counterpart section sees its own units); a unit's filler and leader read
their own unit's breakdown (and those of the units below it).
"""

from jixiao.monitoring.models import CycleKind, CycleStatus, MonitoringCycle
from jixiao.organisations.models import Role
from jixiao.organisations.selectors import UNIT_ROLES, roles_of
from jixiao.scores.models import ScoreFreeze
from jixiao.workflow.policy import ALLOWED, Verdict, forbid, refuse

TABLE_ROLES = {Role.SUPERVISION_STAFF, Role.COUNTERPART_STAFF, Role.BUREAU_LEADER}
BREAKDOWN_ROLES = TABLE_ROLES | set(UNIT_ROLES)


def can_view_table(user) -> bool:
    return bool(roles_of(user) & TABLE_ROLES)


def can_view_breakdown(user) -> bool:
    return bool(roles_of(user) & BREAKDOWN_ROLES)


def cycle_scored(cycle: MonitoringCycle) -> bool:
    """Only the bureau's annual round is scored; a unit's own round (自行开展) is not."""
    return cycle.kind == CycleKind.ANNUAL


def can_edit_scheme(user, cycle: MonitoringCycle) -> Verdict:
    if Role.SUPERVISION_STAFF not in roles_of(user):
        return forbid("只有财政监督与绩效管理股可以设置评分规则。")
    if not cycle_scored(cycle):
        return refuse("自行开展的监控不计监控评分。")
    if cycle.status != CycleStatus.OPEN:
        return refuse("监控周期已结束，评分已固定，评分规则不能再修改。")
    if ScoreFreeze.objects.filter(cycle=cycle).exists():
        return refuse("该周期的评分已在结束时固定，重新开启后评分规则也不能再修改。")
    return ALLOWED
