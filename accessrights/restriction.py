"""The one gate for CRM items: ``restrict()`` for reads, ``check()`` for writes.

Every queryset that shows CRM items to a person or a client starts with
``Model.objects.restrict(user, action)``; every service checks ``check(user, action, item)``
before a write and ``ensure_within_reach()`` after it. Until roles arrive (the access-rights
issue), an active signed-in user may do everything and anybody else nothing; that issue fills
in the scopes here without changing any caller.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

ACTIONS = ("read", "add", "update", "delete", "export", "import")


def _is_active_user(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


class RestrictedQuerySet(models.QuerySet):
    """QuerySet of a CRM item; models declare ``access_owner_field`` (the responsible person)."""

    def restrict(self, user, action: str = "read"):
        """The rows ``user`` may ``action``, as one SQL query."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if not _is_active_user(user):
            return self.none()
        return self


def check(user, action: str, item=None, model=None) -> None:
    """Raise PermissionDenied unless ``user`` may ``action`` ``item`` (or add a ``model``)."""
    model = model or type(item)
    if item is None or item.pk is None:
        allowed = _is_active_user(user) and action in ACTIONS
    else:
        allowed = model.objects.restrict(user, action).filter(pk=item.pk).exists()
    if not allowed:
        raise PermissionDenied(_("You do not have the right to do this."))


def ensure_within_reach(user, action: str, item) -> None:
    """After a write, inside its transaction: the item must still be one ``user`` may
    ``action``; otherwise PermissionDenied rolls the write back (no handing items away)."""
    check(user, action, item)
