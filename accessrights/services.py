"""Every change to departments, roles and shares: settings right checked, history written.

Errors: ``ValidationError`` (by field) or ``PermissionDenied``, with nothing changed. Each
change tells ``rights`` to forget what it cached.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from people.naming import person_label
from timeline.models import EventKind
from timeline.services import event_record

from .entities import rights_entities
from .models import Action, Department, Role, RolePermission, Scope
from .restriction import allowed
from .rights import SHARE_VERBS, rights_changed, share_permission
from .rules import check_settings_right

UNSET = object()


def _clean(instance) -> None:
    instance.name = (instance.name or "").strip()
    instance.full_clean(validate_unique=False, validate_constraints=False)


def _people(users) -> str:
    return ", ".join(sorted(person_label(u) for u in users))


# Departments


def _set_path(department: Department) -> None:
    department.path = f"{department.parent.path if department.parent else '/'}{department.pk}/"
    department.save(update_fields=["path"])


@transaction.atomic
def department_create(*, user, name: str, parent=None, head=None, members=()) -> Department:
    """Add a department under ``parent`` (or at the top)."""
    check_settings_right(user)
    department = Department(name=name, parent=parent, head=head)
    _clean(department)
    department.save()
    _set_path(department)
    department.members.set(members)
    rights_changed()
    event_record(item=department, kind=EventKind.CREATED, author=user)
    return department


@transaction.atomic
def department_update(
    *, user, department, name=UNSET, parent=UNSET, head=UNSET, members=UNSET
) -> Department:
    """Rename, move (refused into its own subtree), change the head or the members."""
    check_settings_right(user)
    if parent is not UNSET:
        # Moves are rare: one at a time over the whole tree, and judged on fresh paths, so two
        # crossing moves (A under B, B under A) or a stale parent object never make a cycle.
        _lock_tree()
        parent = Department.objects.get(pk=parent.pk) if parent is not None else None
    department = Department.objects.select_for_update().get(pk=department.pk)
    before = _department_snapshot(department)
    old_path = department.path
    if name is not UNSET:
        department.name = name
    if head is not UNSET:
        department.head = head
    if parent is not UNSET:
        if parent is not None and parent.path.startswith(old_path):
            raise ValidationError(
                {"parent": _("A department cannot move into itself or its sub-departments.")}
            )
        department.parent = parent
    _clean(department)
    department.save()
    if parent is not UNSET:
        _set_path(department)
        Department.objects.filter(path__startswith=old_path).exclude(pk=department.pk).update(
            path=Concat(Value(department.path), Substr("path", len(old_path) + 1))
        )
    if members is not UNSET:
        department.members.set(members)
    rights_changed()
    changes = _changes(before, _department_snapshot(department))
    if changes:
        event_record(item=department, kind=EventKind.UPDATED, author=user, changes=changes)
    return department


def _lock_tree() -> None:
    if connection.vendor == "postgresql":  # SQLite writes one transaction at a time anyway
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {Department._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")


def _department_snapshot(department) -> dict:
    return {
        "name": department.name,
        "parent": str(department.parent or ""),
        "head": person_label(department.head),
        "members": _people(department.members.all()),
    }


def _changes(before: dict, after: dict) -> list[dict]:
    return [
        {"field": key, "label": key, "old": before[key], "new": after[key]}
        for key in before
        if before[key] != after[key]
    ]


@transaction.atomic
def department_delete(*, user, department) -> None:
    """Delete a department without sub-departments; its members and roles are detached."""
    check_settings_right(user)
    if department.children.exists():
        raise ValidationError(_("Move or delete its sub-departments first."))
    event_record(item=department, kind=EventKind.DELETED, author=user)
    department.delete()
    rights_changed()


# Roles


def _grid(role) -> dict[tuple[str, str], str]:
    return {(p.entity, p.action): p.scope for p in role.permissions.all()}


def _clean_permissions(permissions) -> dict[tuple[str, str], str]:
    grid, errors = {}, []
    entities = {code for code, _label in rights_entities()}
    for index, cell in enumerate(permissions or ()):
        entity, action, scope = cell.get("entity"), cell.get("action"), cell.get("scope")
        if entity not in entities or action not in Action.values or scope not in Scope.values:
            errors.append(
                _("Item %(n)d: entity, action or scope unknown (%(e)s, %(a)s, %(s)s).")
                % {"n": index + 1, "e": entity, "a": action, "s": scope}
            )
        else:
            grid[(entity, action)] = scope
    if errors:
        raise ValidationError({"permissions": errors})
    return grid


def _role_snapshot(role) -> dict:
    values = {
        "name": role.name,
        "can_change_settings": _("yes") if role.can_change_settings else _("no"),
        "users": _people(role.users.all()),
        "departments": ", ".join(sorted(str(d) for d in role.departments.all())),
    }
    for (entity, action), scope in sorted(_grid(role).items()):
        values[f"{entity}.{action}"] = scope
    return values


def _write_grid(role, grid: dict) -> None:
    role.permissions.all().delete()
    RolePermission.objects.bulk_create(
        RolePermission(role=role, entity=e, action=a, scope=s)
        for (e, a), s in grid.items()
        if s != Scope.NONE
    )


def permissions_copy(*, source: str, target: str) -> None:
    """Give every role, for rights entity ``target``, the scopes it has for ``source`` (a new
    pipeline starts with the rights of the default one). Called inside the caller's transaction,
    which has checked the settings right."""
    RolePermission.objects.bulk_create(
        RolePermission(role_id=p.role_id, entity=target, action=p.action, scope=p.scope)
        for p in RolePermission.objects.filter(entity=source)
    )
    rights_changed()


def permissions_drop(*, entity: str) -> None:
    """Forget every role's scopes for rights entity ``entity`` (a deleted pipeline)."""
    RolePermission.objects.filter(entity=entity).delete()
    rights_changed()


def _name_taken() -> ValidationError:
    return ValidationError({"name": _("A role with this name exists already.")})


def _save_role(role) -> None:
    """Save a role; a name taken meanwhile by a parallel request (the case-insensitive unique
    index says so) is refused like a name taken before."""
    try:
        with transaction.atomic():  # a savepoint: the transaction stays usable
            role.save()
    except IntegrityError:
        raise _name_taken() from None


@transaction.atomic
def role_create(
    *, user, name: str, can_change_settings=False, permissions=(), users=(), departments=()
) -> Role:
    """Create a role; ``permissions``: ``[{"entity", "action", "scope"}]`` (others: none)."""
    check_settings_right(user)
    role = Role(name=name, can_change_settings=can_change_settings)
    _clean(role)  # before the name is looked up: it may hold what no column can (NUL)
    if Role.objects.filter(name__iexact=role.name).exists():
        raise _name_taken()
    grid = _clean_permissions(permissions)
    _save_role(role)
    _write_grid(role, grid)
    role.users.set(users)
    role.departments.set(departments)
    rights_changed()
    event_record(item=role, kind=EventKind.CREATED, author=user)
    return role


@transaction.atomic
def role_update(
    *,
    user,
    role,
    name=UNSET,
    can_change_settings=UNSET,
    permissions=UNSET,
    users=UNSET,
    departments=UNSET,
) -> Role:
    """Change a role; ``permissions`` replaces the whole grid. History names every cell."""
    check_settings_right(user)
    role = Role.objects.select_for_update().get(pk=role.pk)
    before = _role_snapshot(role)
    if name is not UNSET:
        role.name = name
    if can_change_settings is not UNSET:
        role.can_change_settings = can_change_settings
    _clean(role)  # before the name is looked up: it may hold what no column can (NUL)
    duplicate = Role.objects.filter(name__iexact=role.name).exclude(pk=role.pk)
    if name is not UNSET and duplicate.exists():
        raise _name_taken()
    grid = _clean_permissions(permissions) if permissions is not UNSET else None
    _save_role(role)
    if grid is not None:
        _write_grid(role, grid)
    if users is not UNSET:
        role.users.set(users)
    if departments is not UNSET:
        role.departments.set(departments)
    return _record_role_change(user, role, before)


@transaction.atomic
def role_set_permission(*, user, role, entity: str, action: str, scope: str) -> Role:
    """Change one cell of a role's grid (the rights page's scope chooser)."""
    check_settings_right(user)
    role = Role.objects.select_for_update().get(pk=role.pk)
    before = _role_snapshot(role)
    grid = _grid(role)
    grid.update(_clean_permissions([{"entity": entity, "action": action, "scope": scope}]))
    _write_grid(role, grid)
    return _record_role_change(user, role, before)


def _record_role_change(user, role, before: dict) -> Role:
    after = _role_snapshot(role)
    changes = _changes(
        {**dict.fromkeys(after, ""), **before}, {**dict.fromkeys(before, ""), **after}
    )
    if changes:
        role.version += 1
        role.save(update_fields=["version"])
        event_record(item=role, kind=EventKind.UPDATED, author=user, changes=changes)
    rights_changed()
    return role


@transaction.atomic
def role_delete(*, user, role) -> None:
    check_settings_right(user)
    event_record(item=role, kind=EventKind.DELETED, author=user)
    role.delete()
    rights_changed()


# Sharing single items


def _is_self(user, target) -> bool:
    if isinstance(target, Group):
        return target.user_set.filter(pk=user.pk).exists()
    return target.pk == user.pk


def _target_label(target) -> str:
    return person_label(target) if hasattr(target, "get_username") else f"group {target.name}"


def _share_value(target, actions=None) -> dict:
    """Whom a share names, as history stores it (raw ids, rendered for each reader by
    ``crm.history``): ``{"user": id}`` or ``{"group": id}``, with the actions shared."""
    value = {"group" if isinstance(target, Group) else "user": target.pk}
    return {**value, "actions": list(actions)} if actions else value


@transaction.atomic
def item_share(*, user, item, target, actions=("read",)) -> None:
    """Share ``item`` with a user or a group for ``actions`` (read, update, delete) on top of
    their roles. Needs the right to update the item, by role.

    A share passes on rights, it never makes them: the user may grant only actions their own
    roles give them on this item (a share they hold themselves does not count), and never to
    themselves or to a group they belong to. Refusals: PermissionDenied, nothing written.
    """
    unknown = set(actions) - set(SHARE_VERBS)
    if unknown or not actions:
        raise ValidationError({"actions": _("Share for read, update and/or delete.")})
    if not isinstance(target, get_user_model() | Group):
        raise ValidationError({"user": _("Share with a user or a group.")})
    if not allowed(user, "update", item, shares=False) or not all(
        allowed(user, action, item, shares=False) for action in actions
    ):
        raise PermissionDenied(
            _("You may share an item only for what your own role lets you do with it.")
        )
    if _is_self(user, target):
        raise PermissionDenied(_("You cannot share an item with yourself or your own group."))
    for action in actions:
        assign_perm(share_permission(type(item), SHARE_VERBS[action]), target, item)
    rights_changed()
    event_record(
        item=item,
        kind=EventKind.UPDATED,
        author=user,
        changes=[{"field": "shares", "old": None, "new": _share_value(target, actions)}],
    )


@transaction.atomic
def item_unshare(*, user, item, target) -> None:
    """Stop sharing ``item`` with a user or a group (refused if it was not shared). Needs the
    right to update the item by role, as sharing does."""
    if not allowed(user, "update", item, shares=False):
        raise PermissionDenied(_("You do not have the right to do this."))
    is_group = isinstance(target, Group)
    share_model = (get_group_obj_perms_model if is_group else get_user_obj_perms_model)(item)
    holder = {"group": target} if is_group else {"user": target}
    if not share_model.objects.filter(content_object=item, **holder).exists():
        raise ValidationError(_("This item is not shared with %s.") % _target_label(target))
    for verb in SHARE_VERBS.values():
        remove_perm(share_permission(type(item), verb), target, item)
    rights_changed()
    event_record(
        item=item,
        kind=EventKind.UPDATED,
        author=user,
        changes=[{"field": "shares", "old": _share_value(target), "new": None}],
    )
