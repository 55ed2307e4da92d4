"""Who decides a project's funding status and who reads the bureau's list of held projects (第十五条).

Everyone who may see a project sees its funding status and its decisions; the predicates here are used by
the service, the pages' buttons and the menu alike.
"""

from jixiao.organisations.models import Role
from jixiao.organisations.selectors import roles_of
from jixiao.projects.models import Project

DECIDE_REFUSED = "只有局领导可以决定暂缓拨款、停止拨款或恢复正常拨款。"
HOLD_LIST_ROLES = {Role.BUREAU_LEADER, Role.SUPERVISION_STAFF, Role.COUNTERPART_STAFF}


def can_decide(user, project: Project) -> bool:
    """局领导 alone decides; a classified unit's project is outside the bureau's reach altogether."""
    return user is not None and Role.BUREAU_LEADER in roles_of(user) and not project.owner.is_classified


def can_see_hold_list(user) -> bool:
    """The leaders and both sections follow the projects on hold (counterpart staff for their units)."""
    return bool(roles_of(user) & HOLD_LIST_ROLES)
