from django.urls import reverse

from accessrights.restriction import may
from accessrights.rules import can_change_settings
from crm.entities import entity_types


def navigation(request):
    """What the base layout needs to draw the navigation for the current user: a link to
    the main page of each registered item type they may read."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = request.resolver_match
    here = match.url_name or "" if match is not None else ""
    return {
        "can_change_settings": can_change_settings(user),
        "item_links": [
            {
                "label": entity_type.label,
                "url": reverse(entity_type.list_url),
                "current": here.startswith(entity_type.model._meta.model_name),
            }
            for entity_type in entity_types()
            if may(user, "read", entity_type.model)
        ],
    }
