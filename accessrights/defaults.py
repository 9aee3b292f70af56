"""The roles a new install starts with (data migration)."""

from .models import Action, Entity, Scope


def _grid(**scope_by_action) -> dict[tuple[str, str], str]:
    return {
        (entity, action): scope_by_action.get(action, scope_by_action.get("default"))
        for entity in Entity.values
        for action in Action.values
    }


DEFAULT_ROLES = (
    ("Administrator", True, _grid(default=Scope.ALL)),
    ("Manager", False, _grid(read=Scope.OPEN, default=Scope.OWN)),
    ("Supervisor", False, _grid(default=Scope.SUBDEPARTMENTS)),
)


def install_default_roles(role_model, permission_model) -> None:
    for name, can_change_settings, grid in DEFAULT_ROLES:
        role = role_model.objects.create(name=name, can_change_settings=can_change_settings)
        permission_model.objects.bulk_create(
            permission_model(role=role, entity=entity, action=action, scope=scope)
            for (entity, action), scope in grid.items()
        )
