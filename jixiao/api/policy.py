"""Who may do what through the API, one predicate per action."""

from jixiao.api.principal import OrganisationPrincipal
from jixiao.organisations.models import Role
from jixiao.organisations.selectors import roles_of


def can_manage_api_tokens(user) -> bool:
    """Tokens are created and revoked by the system administrator only."""
    return Role.SYSADMIN in roles_of(user)


def is_person(user) -> bool:
    """Writes other than loads are a person's act: a token never saves 附件1 or moves a package."""
    return bool(user.is_authenticated) and not isinstance(user, OrganisationPrincipal)
