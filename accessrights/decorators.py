from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .rules import can_change_settings


def settings_right_required(view):
    """A page of CRM settings: sign-in required, then 403 without the settings right."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_change_settings(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
