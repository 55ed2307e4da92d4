"""Who may load what: the bureau's data manager (数据管理) loads the business data, and only the system
administrator loads people's accounts — neither may do the other's (三权分立)."""

from jixiao.loads.models import LoadKind
from jixiao.organisations.models import Role
from jixiao.organisations.selectors import roles_of

LOAD_ROLES = {Role.DATA_MANAGER}
ACCOUNT_LOAD_ROLES = {Role.SYSADMIN}
# The budget and treasury systems' data, which the data manager loads (pages, commands and the API).
DATA_KINDS = [kind for kind in LoadKind.values if kind != LoadKind.ACCOUNTS]


def can_load(user) -> bool:
    """Upload, preview, confirm and read the load history of the business data."""
    return bool(roles_of(user) & LOAD_ROLES)


def can_load_accounts(user) -> bool:
    """Upload, preview and confirm account sheets and read their history."""
    return bool(roles_of(user) & ACCOUNT_LOAD_ROLES)


def loadable_kinds(user) -> set[str]:
    kinds = set(DATA_KINDS) if can_load(user) else set()
    if can_load_accounts(user):
        kinds.add(LoadKind.ACCOUNTS)
    return kinds
