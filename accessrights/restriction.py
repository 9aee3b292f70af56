"""The one gate for CRM items: ``restrict()`` for reads, ``check()`` for writes.

Every queryset that shows CRM items to a person or a client starts with
``Model.objects.restrict(user, action)``; every service checks ``check(user, action, item)``
before a write and ``ensure_within_reach()`` after it. A model declares ``access_entity``
(``company``, ``contact``, ...) and ``access_owner_field`` (the responsible person); the
user's roles give a scope per entity and action (``accessrights.rights``), and items shared
with them through django-guardian are added on top. Superusers may do everything; inactive and
anonymous users nothing.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from .models import Action
from .rights import rights_of

ACTIONS = tuple(Action.values)


def _is_active_user(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


class RestrictedQuerySet(models.QuerySet):
    """QuerySet of a CRM item; see the module docstring for what the model declares."""

    def restrict(self, user, action: str = "read", shares: bool = True):
        """The rows ``user`` may ``action``, as one SQL query (``shares=False``: by their
        roles alone, without the items shared with them; ``shares="subquery"``: the shared
        items as subqueries, unless already read in this request)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if not _is_active_user(user):
            return self.none()
        rights = rights_of(user)
        if rights.is_superuser:
            return self
        condition = rights.condition(self.model, action, shares=shares)
        return self.none() if condition is None else self.filter(condition)


class OwnedQuerySet(models.QuerySet):
    """QuerySet of rows that belong to a CRM item (a company's or a contact's requisites): a
    user may ``action`` such a row exactly when they may ``action`` the item it belongs to.
    The model names its owners in ``access_owner_relations`` (foreign keys to CRM items)."""

    def restrict(self, user, action: str = "read"):
        """The rows whose owner ``user`` may ``action``, as one SQL query."""
        if not _is_active_user(user):
            return self.none()
        if rights_of(user).is_superuser:
            return self
        condition = models.Q(pk__in=[])
        for name in self.model.access_owner_relations:
            owner = self.model._meta.get_field(name).related_model
            owned = owner.objects.restrict(user, action).values("pk")
            condition |= models.Q(**{f"{name}__in": owned})
        return self.filter(condition)


class AttachedQuerySet(models.QuerySet):
    """QuerySet of rows attached to a CRM item of any type and given to one person (an
    activity: a call on a company, a task on a deal). The model names the item by a content
    type and an id (``access_item_type_field``, ``access_item_id_field``), the person by
    ``access_assignee_field``, and lists the item models it can be attached to in
    ``access_item_models()`` (the registered item types).

    The rule: a user may read such a row when they may read its item, or when it is theirs;
    they may change or delete it (any other action) when they may update its item, or when it
    is theirs. Attaching a new row to an item needs the right to update the item:
    ``check(user, "update", item)`` before the write, then ``check(user, "update", row)``
    after it, so that no one hands a row out of their own reach.
    """

    def restrict(self, user, action: str = "read", shares: bool = True):
        """The rows ``user`` may ``action``, as one SQL query (``shares``: as for the items)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if not _is_active_user(user):
            return self.none()
        if rights_of(user).is_superuser:
            return self
        model = self.model
        item_action = "read" if action == "read" else "update"
        condition = models.Q(**{f"{model.access_assignee_field}_id": user.pk})
        for item_model in model.access_item_models():
            # A correlated EXISTS, one index probe per row: "IN (the items one may read)"
            # would be a list of every open item, and OR-ed lists are no join.
            readable = item_model.objects.restrict(user, item_action, shares=shares).filter(
                pk=models.OuterRef(model.access_item_id_field)
            )
            item_type = ContentType.objects.get_for_model(item_model)
            condition |= models.Q(**{model.access_item_type_field: item_type}) & models.Exists(
                readable
            )
        return self.filter(condition)


def may(user, action: str, model, item=None) -> bool:
    """Whether ``user`` may ``action`` at least some items of ``model`` (menus, buttons).

    For a model with rights per partition (deals: per pipeline), ``item`` (saved or not)
    narrows it to the item's partition; without one, any partition counts.
    """
    if not _is_active_user(user):
        return False
    rights = rights_of(user)
    if rights.is_superuser:
        return True
    if not hasattr(model, "access_partitions"):
        entities = [model.access_entity]
    elif item is not None:
        entities = [model.access_entity_of(item)]
    else:
        entities = list(rights.partitions(model))
    return any(rights.scopes_for(entity, action) for entity in entities)


def allowed(user, action: str, item=None, model=None, shares: bool = True) -> bool:
    """Whether ``user`` may ``action`` ``item`` (or add a ``model``): ``check`` without raising.
    ``shares=False``: by the user's roles alone."""
    model = model or type(item)
    if item is None or item.pk is None:
        return may(user, action, model, item)
    if _reached_by_role(user, action, item):
        return True  # decided from the item's values, without a query
    return model.objects.restrict(user, action, shares=shares).filter(pk=item.pk).exists()


def _reached_by_role(user, action: str, item) -> bool:
    """Whether the user's roles reach ``item`` as it is in memory (``Rights.reaches``: the
    rules of ``restrict()`` applied in Python); False means "ask the database" (shares)."""
    if not _is_active_user(user) or not hasattr(type(item), "access_owner_field"):
        return False
    owner, opened, entity = access_key(item)
    return rights_of(user).reaches(entity or type(item).access_entity, action, owner, opened)


def check(user, action: str, item=None, model=None) -> None:
    """Raise PermissionDenied unless ``user`` may ``action`` ``item`` (or add a ``model``)."""
    if not allowed(user, action, item, model):
        raise PermissionDenied(_("You do not have the right to do this."))


def is_crm_item(model) -> bool:
    """Whether ``model`` is a CRM item with rights of its own (a company, a deal, ...)."""
    return model is not None and hasattr(model, "access_owner_field")


def restricted_relations(model) -> dict[str, type]:
    """The foreign keys of ``model`` that point at CRM items (whose readers are restricted):
    field name -> model. Their values are shown only to those who may read them."""
    return {
        field.name: field.related_model
        for field in model._meta.concrete_fields
        if field.many_to_one and is_crm_item(field.related_model)
    }


def access_key(item) -> tuple:
    """What decides who reaches ``item`` by role: its responsible person, its "available to
    everyone" flag and its partition (a deal's pipeline)."""
    model = type(item)
    entity = model.access_entity_of(item) if hasattr(model, "access_partitions") else ""
    return (getattr(item, f"{model.access_owner_field}_id"), item.opened, entity)


def ensure_within_reach(user, action: str, item, before: tuple | None = None) -> None:
    """After a write, inside its transaction: the item must still be one ``user`` may
    ``action``; otherwise PermissionDenied rolls the write back (no handing items away).

    A share lets its holder change the item, not hand it over: when the write changed who
    reaches the item (``before``: its ``access_key()`` before the write, None for a new item),
    the user's roles alone must reach the saved row."""
    if _reached_by_role(user, action, item):
        return  # the roles reach the saved row: decided from its values, no query
    handed_over = before is None or before != access_key(item)
    if not allowed(user, action, item, shares=not handed_over):
        raise PermissionDenied(_("You do not have the right to do this."))
