from accessrights.rules import can_change_settings


def navigation(request):
    """What the base layout needs to draw the navigation for the current user."""
    user = getattr(request, "user", None)
    return {"can_change_settings": bool(user and can_change_settings(user))}
