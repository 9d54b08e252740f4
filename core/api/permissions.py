"""Token scopes: a token may call an endpoint only if it holds the scope the endpoint names.

Viewsets declare ``read_scope`` (reading) and ``write_scope`` (changing). A token calling an
endpoint that declares neither is refused: new endpoints are closed to tokens until they say otherwise.
Signed-in browser users are not limited by scopes; their data is scoped by ``core.scoping`` as always.
"""

from rest_framework import permissions

from core.models import ApiToken


class TokenScopePermission(permissions.BasePermission):
    message = "This token does not have the scope this endpoint needs."

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken):
            return True
        needed = (
            getattr(view, "read_scope", None)
            if request.method in permissions.SAFE_METHODS
            else getattr(view, "write_scope", None)
        )
        return bool(needed) and needed in token.scopes
