"""Who may change CRM settings (reference lists, pipelines, later rights and web forms).

For now the right belongs to active superusers; the access-rights issue turns it into a role
permission without changing any caller.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def can_change_settings(user) -> bool:
    """True when ``user`` may change CRM settings."""
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


def check_settings_right(user) -> None:
    """Raise PermissionDenied unless ``user`` may change CRM settings."""
    if not can_change_settings(user):
        raise PermissionDenied(_("You do not have the right to change CRM settings."))
