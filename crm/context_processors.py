from accessrights.restriction import may
from accessrights.rules import can_change_settings
from companies.models import Company, Contact
from deals.models import Deal, Lead


def navigation(request):
    """What the base layout needs to draw the navigation for the current user."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "can_change_settings": can_change_settings(user),
        "can_read_companies": may(user, "read", Company),
        "can_read_contacts": may(user, "read", Contact),
        "can_read_deals": may(user, "read", Deal),
        "can_read_leads": may(user, "read", Lead),
    }
