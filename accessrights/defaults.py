"""The roles a new install starts with (data migration), for the given rights entities."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_noop

from .models import Action, Scope

# name (a msgid: written in the installation's language), may change settings, scope by action
# ("default": every other action)
DEFAULT_ROLES = (
    (gettext_noop("Administrator"), True, {"default": Scope.ALL}),
    (gettext_noop("Manager"), False, {"read": Scope.OPEN, "default": Scope.OWN}),
    (gettext_noop("Supervisor"), False, {"default": Scope.SUBDEPARTMENTS}),
)


def default_role_name(name: str) -> str:
    """A default role's name as the installation writes it, in its ``LANGUAGE_CODE`` (a
    Russian install's manager role is «Менеджер»), like the reference lists' defaults."""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(name)


def install_default_roles(role_model, permission_model, entities) -> None:
    """Give the default roles their scopes for each of ``entities`` (rights entity codes: a
    data migration names those of its time, so a later item type adds its own). A role
    missing is created; rows a role has already (an admin may have changed them) are kept."""
    for msgid, can_change_settings, scopes in DEFAULT_ROLES:
        name = default_role_name(msgid)
        role = role_model.objects.filter(name=name).first() or role_model.objects.create(
            name=name, can_change_settings=can_change_settings
        )
        existing = set(
            permission_model.objects.filter(role=role, entity__in=entities)
            .values_list("entity", "action")
        )  # fmt: skip
        permission_model.objects.bulk_create(
            permission_model(
                role=role, entity=entity, action=action,
                scope=scopes.get(action, scopes["default"]),
            )
            for entity in entities
            for action in Action.values
            if (entity, action) not in existing
        )  # fmt: skip
