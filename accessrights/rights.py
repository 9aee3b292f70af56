"""What one user may do: the union of their roles, resolved once and kept for the request.

``rights_of(user)`` reads the user's departments and the permissions of every role they hold
(directly, or through a department they belong to or one above it) in two small queries, then
turns a (model, action) into one ``Q`` condition: no per-row work in Python.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from .models import Department, Role, RolePermission, Scope

# Rights change rarely; each change bumps this so that rights cached on a user object in this
# process are read again (other processes get a fresh user object with every request).
_generation = 0
SHARE_VERBS = {"read": "view", "update": "change", "delete": "delete"}
SHARED_IDS_INLINE = 1000  # more shared items than this are matched through a subquery


def rights_changed() -> None:
    global _generation
    _generation += 1


@dataclass
class Rights:
    user_id: int
    is_superuser: bool
    scopes: dict[tuple[str, str], set[str]]
    department_paths: list[str]
    department_ids: set[int] = field(default_factory=set)
    _can_change_settings: bool | None = None
    _members: dict[bool, list[int]] = field(default_factory=dict)
    _partitions: dict = field(default_factory=dict)
    _shares: dict = field(default_factory=dict)

    @property
    def can_change_settings(self) -> bool:
        """Whether a role of theirs may change CRM settings (read when first asked: most
        requests never ask)."""
        if self._can_change_settings is None:
            self._can_change_settings = self.is_superuser or (
                Role.objects.filter(
                    Q(users=self.user_id) | Q(departments__in=self.department_ids),
                    can_change_settings=True,
                ).exists()
            )
        return self._can_change_settings

    def scopes_for(self, entity: str, action: str) -> set[str]:
        return self.scopes.get((entity, action), set()) - {Scope.NONE}

    def partitions(self, model) -> dict:
        """``model.access_partitions()``, read once per request (pipelines change rarely, and
        creating or deleting one calls ``rights_changed()``)."""
        if model not in self._partitions:
            self._partitions[model] = model.access_partitions()
        return self._partitions[model]

    def shared(self, model, action: str, subquery: bool = False) -> list[Q]:
        """Items shared with the user for ``action``, read once per request (sharing calls
        ``rights_changed()``). ``subquery``: unless already read, as subqueries of the
        caller's statement instead of two queries first (for a statement that finds its few
        rows by other indexes, as the client matcher's)."""
        key = (model, action)
        if key not in self._shares:
            if subquery:
                return _shared(model, action, self.user_id, inline=False)
            self._shares[key] = _shared(model, action, self.user_id)
        return self._shares[key]

    def member_ids(self, with_subdepartments: bool) -> list[int]:
        """Users in the user's departments (and in every department below them)."""
        if with_subdepartments not in self._members:
            if with_subdepartments:
                condition = Q(pk__in=[])
                for path in self.department_paths:
                    condition |= Q(path__startswith=path)
                departments = Department.objects.filter(condition)
            else:
                departments = Department.objects.filter(path__in=self.department_paths)
            self._members[with_subdepartments] = sorted(
                set(
                    Department.members.through.objects.filter(
                        department__in=departments
                    ).values_list("user_id", flat=True)
                )
            )
        return self._members[with_subdepartments]

    def condition(self, model, action: str, shares: bool = True) -> Q | None:
        """The rows of ``model`` this user may ``action``; None when there are none.

        A model whose rights are given per partition (deals: per pipeline) declares
        ``access_partitions()``: each partition's rows are matched with its own scopes.
        ``shares=False``: what the user's roles alone reach (what they may pass on to others,
        and where they may hand an item to); ``shares="subquery"``: see ``shared()``.
        """
        if not hasattr(model, "access_partitions"):
            conditions = self._scope_conditions(model, self.scopes_for(model.access_entity, action))
        else:
            conditions = self._partitioned_conditions(model, action, self.partitions(model))
        if Q() in conditions:  # everything: Q() | Q(...) would narrow it to the Q(...)
            return Q()
        if shares:
            conditions.extend(self.shared(model, action, subquery=shares == "subquery"))
        if not conditions:
            return None
        combined = conditions[0]
        for condition in conditions[1:]:
            combined |= condition
        return combined

    def reaches(self, entity: str, action: str, owner_id, opened: bool) -> bool:
        """Whether the roles reach an item of rights entity ``entity`` with responsible
        ``owner_id`` and "available to everyone" ``opened``: the same rules as
        ``condition()``, decided in Python from the item's values (a deleted item, whose row
        is gone, is judged on what it was)."""
        if self.is_superuser:
            return True
        scopes = self.scopes_for(entity, action)
        if Scope.ALL in scopes:
            return True
        return bool(scopes) and (
            owner_id == self.user_id
            or (Scope.DEPARTMENT in scopes and owner_id in self.member_ids(False))
            or (Scope.SUBDEPARTMENTS in scopes and owner_id in self.member_ids(True))
            or (Scope.OPEN in scopes and opened)
        )

    def _scope_conditions(self, model, scopes: set[str]) -> list[Q]:
        """What ``scopes`` reach, as conditions to OR (``[Q()]`` for everything)."""
        if Scope.ALL in scopes:
            return [Q()]
        owner = model.access_owner_field
        conditions = []
        if scopes:
            conditions.append(Q(**{owner: self.user_id}))
        if Scope.DEPARTMENT in scopes:
            conditions.append(Q(**{f"{owner}__in": self.member_ids(False)}))
        if Scope.SUBDEPARTMENTS in scopes:
            conditions.append(Q(**{f"{owner}__in": self.member_ids(True)}))
        if Scope.OPEN in scopes:
            conditions.append(Q(opened=True))
        return conditions

    def _partitioned_conditions(self, model, action: str, partitions: dict[str, Q]) -> list[Q]:
        # Partitions with the same scopes share one condition, and scopes every partition
        # has need no partition test at all: the common case stays one simple condition.
        by_scopes: dict[frozenset, list[Q]] = {}
        for entity, partition in partitions.items():
            scopes = frozenset(self.scopes_for(entity, action))
            if scopes:
                by_scopes.setdefault(scopes, []).append(partition)
        conditions = []
        for scopes, chosen in by_scopes.items():
            reach = self._scope_conditions(model, set(scopes))
            if len(chosen) == len(partitions):
                conditions.extend(reach)
                continue
            where = chosen[0]
            for partition in chosen[1:]:
                where |= partition
            combined = reach[0]
            for condition in reach[1:]:
                combined |= condition
            conditions.append(where & combined)
        return conditions


def _shared(model, action: str, user_id: int, inline: bool = True) -> list[Q]:
    """Items shared with the user, or with a group of theirs, for ``action`` (django-guardian
    direct foreign-key tables); only OR-ed into a scope, never narrowing it.

    A share for any action also lets them read the item: a change or delete right on
    something one may not see would be a write through a blind door (the API, bulk ids)."""
    verbs = SHARE_VERBS.values() if action == "read" else [SHARE_VERBS.get(action)]
    user_model = get_user_obj_perms_model(model)
    if None in verbs or user_model.objects.is_generic():
        return []
    permission_ids = [share_permission(model, verb).pk for verb in verbs]
    group_model = get_group_obj_perms_model(model)
    by_user = user_model.objects.filter(user_id=user_id, permission_id__in=permission_ids)
    by_group = group_model.objects.filter(group__user=user_id, permission_id__in=permission_ids)
    ids = set()
    if inline:
        ids = set(by_user.values_list("content_object_id", flat=True)[: SHARED_IDS_INLINE + 1])
        ids |= set(by_group.values_list("content_object_id", flat=True)[: SHARED_IDS_INLINE + 1])
    if inline and len(ids) <= SHARED_IDS_INLINE:
        # A short list of ids lets PostgreSQL combine indexes (BitmapOr); a subquery here made
        # it guess half the table matches and scan a million rows for a user with few items.
        return [Q(pk__in=sorted(ids))] if ids else []
    return [
        Q(pk__in=by_user.values("content_object_id")),
        Q(pk__in=by_group.values("content_object_id")),
    ]


_permissions: dict[tuple, Permission] = {}


def share_permission(model, verb: str) -> Permission:
    """Django's ``view_/change_/delete_<model>`` permission, cached for the process."""
    key = (model._meta.label, verb)
    if key not in _permissions:
        _permissions[key] = Permission.objects.get(
            content_type=ContentType.objects.get_for_model(model),
            codename=f"{verb}_{model._meta.model_name}",
        )
    return _permissions[key]


def rights_of(user) -> Rights:
    """The rights of an active, signed-in user, in two small queries (cached on the user
    object)."""
    cached = getattr(user, "_crm_rights", None)
    if cached is not None and cached[0] == _generation:
        return cached[1]
    paths = list(Department.objects.filter(members=user).values_list("path", flat=True))
    department_ids = {int(part) for path in paths for part in path.strip("/").split("/") if part}
    rows = RolePermission.objects.filter(
        Q(role__users=user) | Q(role__departments__in=department_ids)
    ).values_list("entity", "action", "scope")
    scopes: dict[tuple[str, str], set[str]] = {}
    for entity, action, scope in rows.distinct():
        scopes.setdefault((entity, action), set()).add(scope)
    rights = Rights(user.pk, user.is_superuser, scopes, paths, department_ids)
    user._crm_rights = (_generation, rights)
    return rights
