"""View guards. Data scoping itself lives in ``core.scoping``; these only check who may open a page."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .scoping import user_has_role


def role_required(*roles: str) -> Callable:
    """Signed-in users holding one of ``roles``; everyone else gets 403 (or the login page)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not user_has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = frozenset(roles)
        return wrapped

    return decorator
