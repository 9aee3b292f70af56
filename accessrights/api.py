from rest_framework.permissions import SAFE_METHODS, BasePermission

from .rules import can_change_settings


class SettingsRightOrReadOnly(BasePermission):
    """Any signed-in user may read CRM settings; only the settings right may change them."""

    message = "You do not have the right to change CRM settings."

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or can_change_settings(request.user)
