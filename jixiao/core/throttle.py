"""Login throttling: too many failed sign-ins for one account or from one address lock it out for a while.

Counts live in the cache (Redis in production, so every worker shares them).
"""

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, ip: str | None) -> list[str]:
    keys = [f"login-fail:user:{username.strip().lower()}"]
    if ip:
        keys.append(f"login-fail:ip:{ip}")
    return keys


def is_locked_out(username: str, ip: str | None) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT
    counts = cache.get_many(_keys(username, ip))
    user_key, *ip_key = _keys(username, ip)
    if counts.get(user_key, 0) >= limit:
        return True
    # One address may try several accounts (a shared office), so it gets a larger allowance.
    return bool(ip_key) and counts.get(ip_key[0], 0) >= limit * 4


def record_failure(username: str, ip: str | None) -> None:
    for key in _keys(username, ip):
        cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def clear_failures(username: str) -> None:
    cache.delete(_keys(username, None)[0])
