"""Who may change CRM settings (reference lists, pipelines, rights, later web forms):
active superusers and holders of a role with "may change CRM settings"."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .rights import rights_of


def can_change_settings(user) -> bool:
    """True when ``user`` may change CRM settings."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return rights_of(user).can_change_settings


def check_settings_right(user) -> None:
    """Raise PermissionDenied unless ``user`` may change CRM settings."""
    if not can_change_settings(user):
        raise PermissionDenied(_("You do not have the right to change CRM settings."))
