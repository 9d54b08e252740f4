from .navigation import nav_for_role
from .scoping import scope_for


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    scope = scope_for(user)
    role = scope.role if scope else None
    return {"nav_items": nav_for_role(role) if role else [], "user_role": role}
