"""Who may load data: the bureau's data manager (数据管理) only — not the system administrator (三权分立)."""

from jixiao.organisations.models import Role
from jixiao.organisations.selectors import roles_of

LOAD_ROLES = {Role.DATA_MANAGER}


def can_load(user) -> bool:
    """Upload, preview, confirm and read the load history."""
    return bool(roles_of(user) & LOAD_ROLES)
