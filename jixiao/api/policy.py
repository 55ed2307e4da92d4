"""Who may do what through the API, one predicate per action."""

from jixiao.organisations.models import Role
from jixiao.organisations.selectors import roles_of


def can_manage_api_tokens(user) -> bool:
    """Tokens are created and revoked by the system administrator only."""
    return Role.SYSADMIN in roles_of(user)
