"""Who may change the bureau's own working days: the supervision section (财政监督与绩效管理股), which sets
the working-day deadlines of result application."""

from jixiao.organisations.models import Role
from jixiao.organisations.selectors import roles_of


def can_manage_days(user) -> bool:
    return Role.SUPERVISION_STAFF in roles_of(user)
