from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from jixiao.api.models import ApiToken, token_digest
from jixiao.api.principal import OrganisationPrincipal
from jixiao.api.services import api_token_record_use

KEYWORD = b"bearer"


class ApiTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <token>`: the request acts as the token's organisation.

    Each request made with a known token leaves exactly one audit row, accepted or refused.
    """

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("接口令牌格式不正确，应为“Authorization: Bearer 令牌”。")
        try:
            raw = parts[1].decode()
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("接口令牌无效。") from exc
        token = ApiToken.objects.select_related("organisation").filter(digest=token_digest(raw)).first()
        if token is None:
            raise exceptions.AuthenticationFailed("接口令牌无效。")
        refusal = token.refusal() or ("" if token.organisation.is_active else "该令牌所属机构已停用。")
        self._record_once(request, token, refusal)
        if refusal:
            raise exceptions.AuthenticationFailed(refusal)
        return OrganisationPrincipal(token), token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'

    @staticmethod
    def _record_once(request, token: ApiToken, refusal: str) -> None:
        underlying = request._request
        if getattr(underlying, "_jixiao_token_recorded", False):
            return
        underlying._jixiao_token_recorded = True
        api_token_record_use(
            token=token, method=request.method, path=underlying.get_full_path()[:150], refusal=refusal
        )
