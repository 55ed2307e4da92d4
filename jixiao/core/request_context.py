"""The client address of the request being served, for audit records written deep inside services."""

from contextvars import ContextVar

from django.conf import settings

_client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)


def current_ip() -> str | None:
    return _client_ip.get()


def client_ip_of(request) -> str | None:
    """The client's address; behind N trusted proxies (TRUSTED_PROXY_COUNT), the Nth hop from the right of
    X-Forwarded-For, which those proxies appended and the client cannot forge."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _client_ip.set(client_ip_of(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)
