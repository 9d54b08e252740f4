from rest_framework.permissions import BasePermission

from core.models import Role
from core.scoping import user_has_role


class PlannersOnly(BasePermission):
    """DTM data is the planning side: managers and admins of the organisation."""

    message = "Only managers and administrators read DTM data."

    def has_permission(self, request, view) -> bool:
        return user_has_role(request.user, Role.MANAGER, Role.ADMIN)


class StaffOnly(BasePermission):
    """Target areas are read by staff inside their areas; partner organisations do not read them."""

    message = "Target areas are read by staff of the organisation."

    def has_permission(self, request, view) -> bool:
        return user_has_role(request.user, Role.FIELD_STAFF, Role.DESK_OFFICER, Role.MANAGER, Role.ADMIN)
