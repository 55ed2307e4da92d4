"""Who may manage people's accounts: the system administrator (三权分立: not the data manager, not the
auditor, nobody who handles business data)."""

from jixiao.organisations.models import Role
from jixiao.organisations.selectors import roles_of

ACCOUNT_ROLES = {Role.SYSADMIN}


def can_manage_accounts(user) -> bool:
    """Create, change, reset, deactivate and reactivate accounts.

    `user` None is the operator at the command line; a superuser without a post is the installation's
    first administrator, who sets up the others.
    """
    if user is None:
        return True
    return bool(roles_of(user) & ACCOUNT_ROLES) or bool(user.is_superuser)
