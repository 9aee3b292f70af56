"""The REST API of access rights: departments, roles and their grids, shares of single items.

``permissions`` holds the permission classes other apps' APIs use; ``views`` and ``urls`` the
departments and roles endpoints; ``shares`` a viewset mixin giving any restricted CRM item
viewset its ``/<id>/shares/`` endpoints.
"""

from .permissions import SettingsRight, SettingsRightOrReadOnly

__all__ = ["SettingsRight", "SettingsRightOrReadOnly"]
