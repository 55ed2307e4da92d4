from functools import wraps

from django.core.exceptions import PermissionDenied

from jixiao.organisations.selectors import roles_of


def require_roles(*roles: str):
    """Refuse (403) a page to anyone holding none of `roles`."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not roles_of(request.user) & set(roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
