from rest_framework.permissions import SAFE_METHODS, BasePermission

from jixiao.api.models import TokenScope
from jixiao.api.principal import OrganisationPrincipal
from jixiao.violations.policy import can_view_violations


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


class ViolationReaders(BasePermission):
    """The violations register is read by the supervision section's staff and the bureau leaders in person;
    no token reads it, whatever its organisation or scopes."""

    message = "违法违规问题仅供财政监督与绩效管理股和局领导本人查阅，接口令牌不能读取。"

    def has_permission(self, request, view):
        return not isinstance(request.user, OrganisationPrincipal) and can_view_violations(request.user)
