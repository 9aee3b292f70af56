"""The permission classes of the REST API: who may change the CRM settings.

The rights endpoints themselves (departments, roles, shares) are in ``crm.rights_api``.
"""

from .permissions import SettingsRight, SettingsRightOrReadOnly

__all__ = ["SettingsRight", "SettingsRightOrReadOnly"]
