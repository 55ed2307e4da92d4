from rest_framework.permissions import SAFE_METHODS, BasePermission

from jixiao.api.models import TokenScope
from jixiao.api.principal import OrganisationPrincipal


class TokenScopes(BasePermission):
    """A signed-in person may call everything (the services decide what they may change); a token may read
    with the `read` scope and write nothing but loads, which need the `load` scope."""

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if not isinstance(user, OrganisationPrincipal):
            return True
        needed = getattr(view, "token_scope", TokenScope.READ)
        if needed == TokenScope.READ and request.method not in SAFE_METHODS:
            self.message = "接口令牌只能读取数据；填报和报送须由本人登录后办理。"
            return False
        if needed not in user.api_token.scopes:
            self.message = f"该接口令牌没有“{TokenScope(needed).label}”权限。"
            return False
        return True
