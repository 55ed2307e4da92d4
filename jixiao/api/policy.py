"""Who may do what through the API, one predicate per action."""

from jixiao.api.principal import OrganisationPrincipal
from jixiao.loads.policy import can_load
from jixiao.organisations.models import OrganisationKind, Role
from jixiao.organisations.selectors import roles_of


def can_manage_api_tokens(user) -> bool:
    """Tokens are created and revoked by the system administrator only."""
    return Role.SYSADMIN in roles_of(user)


def load_refusal(user) -> str:
    """Why the caller may not load data through the API ("" when it may): a person must be the bureau's
    data manager (the loads' own rule); a token must belong to the finance bureau (its `load` scope is
    checked with the other scopes)."""
    if isinstance(user, OrganisationPrincipal):
        if user.api_token.organisation.kind != OrganisationKind.FINANCE_BUREAU:
            return "只有区财政局的接口令牌可以加载数据。"
        return ""
    return "" if can_load(user) else "只有区财政局的数据管理岗可以加载数据。"
