"""API permission classes for CRM settings: who may read and change configuration."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accessrights.rules import can_change_settings


class SettingsRightOrReadOnly(BasePermission):
    """Any signed-in user may read CRM settings; only the settings right may change them."""

    message = _("You do not have the right to change CRM settings.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return request.method in SAFE_METHODS or can_change_settings(request.user)


class SettingsRight(BasePermission):
    """Only the settings right may read or change: for configuration of who sees what
    (departments, roles), which is itself worth hiding. Anonymous clients get a 401."""

    message = _("You do not have the right to see or change CRM settings.")

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        return can_change_settings(request.user)
