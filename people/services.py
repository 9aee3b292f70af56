"""Every change to people: one's own profile, and the employees the settings right manages
(add, invite, rename, departments and roles, deactivate, reactivate, hand their items over).

Errors: ``ValidationError`` (by field) or ``PermissionDenied``, with nothing changed.
Departments and roles change through ``accessrights.services`` (their history and rules);
items through the bulk item services (their rights and history).

What holds against raising one's own rights: these services set no superuser or staff flag
and no password but one's own (through Django's forms) or through a one-time link sent to the
person; a user who is not a superuser cannot change, invite or deactivate a superuser; nobody
deactivates, reactivates or invites themselves. Giving roles follows ``accessrights``: whoever
has the settings right may already change every role.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from accessrights import services as rights_services
from accessrights.models import Department, Role
from accessrights.rules import check_settings_right
from crm.entities import entity_types
from crm.services import items_bulk_update
from timeline.models import EventKind
from timeline.services import event_record

from .models import Profile
from .naming import names_changed, person_label
from .photos import photo_clean
from .regional import forget_profile

UNSET = object()
NAME_FIELDS = ("first_name", "last_name")


# One's own profile


@transaction.atomic
def profile_update(
    *,
    user,
    first_name=UNSET,
    last_name=UNSET,
    language=UNSET,
    time_zone=UNSET,
    phone_region=UNSET,
    photo=UNSET,
) -> Profile:
    """Change ``user``'s own names, language, time zone, phone region (empty: the
    installation's) or photo (an upload, or None to remove it). The profile row is made by
    the first change."""
    person = get_user_model().objects.select_for_update().get(pk=user.pk)
    profile = Profile.objects.filter(user=person).first() or Profile(user=person)
    errors = {}
    for name, value in (("first_name", first_name), ("last_name", last_name)):
        if value is not UNSET:
            setattr(person, name, (value or "").strip())
    for name, value in (
        ("language", language),
        ("time_zone", time_zone),
        ("phone_region", phone_region),
    ):
        if value is not UNSET:
            setattr(profile, name, (value or "").strip())
    profile.phone_region = profile.phone_region.upper()
    old_photo = profile.photo.name if profile.photo else ""
    if photo is not UNSET and photo is not None:
        try:
            cleaned = photo_clean(photo)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    for instance, exclude in ((person, ["password", "username"]), (profile, ["user", "photo"])):
        try:
            instance.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    person.save(update_fields=[*NAME_FIELDS])
    if photo is None:
        profile.photo = ""
    elif photo is not UNSET:
        profile.photo.save(cleaned.name, cleaned, save=False)
    profile.save()
    if old_photo and old_photo != (profile.photo.name if profile.photo else ""):
        transaction.on_commit(lambda: profile.photo.storage.delete(old_photo))
    names_changed()
    forget_profile(user)
    for name in NAME_FIELDS:
        setattr(user, name, getattr(person, name))
    return profile


@transaction.atomic
def api_token_replace(*, user) -> str:
    """A new API token for ``user`` (``Authorization: Token <key>``), the old one ending."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user).key


@transaction.atomic
def api_token_delete(*, user) -> None:
    Token.objects.filter(user=user).delete()


# Employees


def _check_may_manage(user, employee, *, self_refused: str = "") -> None:
    check_settings_right(user)
    if employee.is_superuser and not user.is_superuser:
        raise PermissionDenied(_("Only a superuser may change a superuser."))
    if self_refused and employee.pk == user.pk:
        raise PermissionDenied(self_refused)


def _clean_user(employee) -> None:
    for name in ("username", "email", *NAME_FIELDS):
        setattr(employee, name, (getattr(employee, name) or "").strip())
    employee.full_clean(exclude=["password"], validate_unique=False)
    taken = get_user_model().objects.filter(username__iexact=employee.username)
    if taken.exclude(pk=employee.pk).exists():
        raise ValidationError({"username": _("This login is taken.")})


def _set_memberships(user, employee, departments, roles) -> None:
    """Put ``employee`` in exactly ``departments`` and ``roles`` (direct ones; a role held
    through a department stays), each change through the rights services."""
    if departments is not UNSET:
        wanted = {d.pk for d in departments}
        held = set(employee.crm_departments.values_list("pk", flat=True))
        for department in Department.objects.filter(pk__in=wanted ^ held).order_by("pk"):
            members = set(department.members.values_list("pk", flat=True))
            members ^= {employee.pk}
            rights_services.department_update(
                user=user, department=department, members=sorted(members)
            )
    if roles is not UNSET:
        wanted = {r.pk for r in roles}
        held = set(employee.crm_roles.values_list("pk", flat=True))
        for role in Role.objects.filter(pk__in=wanted ^ held).order_by("pk"):
            holders = set(role.users.values_list("pk", flat=True))
            holders ^= {employee.pk}
            rights_services.role_update(user=user, role=role, users=sorted(holders))


@transaction.atomic
def employee_create(
    *, user, username: str, first_name="", last_name="", email="", departments=(), roles=()
):
    """Add a user who has no password yet: they choose one through the one-time link of
    ``people.invitations``. In ``departments`` and ``roles`` from the start."""
    check_settings_right(user)
    employee = get_user_model()(
        username=username, first_name=first_name, last_name=last_name, email=email
    )
    employee.set_unusable_password()
    _clean_user(employee)
    employee.save()
    _set_memberships(user, employee, departments, roles)
    event_record(item=employee, kind=EventKind.CREATED, author=user)
    names_changed()
    return employee


@transaction.atomic
def employee_update(
    *,
    user,
    employee,
    username=UNSET,
    first_name=UNSET,
    last_name=UNSET,
    email=UNSET,
    departments=UNSET,
    roles=UNSET,
):
    """Change an employee's login, names, e-mail, departments or roles."""
    _check_may_manage(user, employee)
    employee = get_user_model().objects.select_for_update().get(pk=employee.pk)
    before = {name: getattr(employee, name) for name in ("username", "email", *NAME_FIELDS)}
    for name, value in (
        ("username", username),
        ("first_name", first_name),
        ("last_name", last_name),
        ("email", email),
    ):
        if value is not UNSET:
            setattr(employee, name, value)
    _clean_user(employee)
    employee.save(update_fields=list(before))
    _set_memberships(user, employee, departments, roles)
    changes = [
        {"field": name, "old": old, "new": getattr(employee, name)}
        for name, old in before.items()
        if old != getattr(employee, name)
    ]
    if changes:
        event_record(item=employee, kind=EventKind.UPDATED, author=user, changes=changes)
        names_changed()
    return employee


def _set_active(user, employee, active: bool):
    refused = (
        _("You cannot deactivate yourself.") if not active else _("You cannot reactivate yourself.")
    )
    _check_may_manage(user, employee, self_refused=refused)
    employee = get_user_model().objects.select_for_update().get(pk=employee.pk)
    if employee.is_active == active:
        return employee
    employee.is_active = active
    employee.save(update_fields=["is_active"])
    event_record(
        item=employee,
        kind=EventKind.UPDATED,
        author=user,
        changes=[{"field": "is_active", "old": not active, "new": active}],
    )
    names_changed()
    return employee


@transaction.atomic
def employee_deactivate(*, user, employee):
    """The employee can no longer sign in by any door (pages, API tokens, webhooks: each
    refuses an inactive user); their items, history, departments and roles stay, and their
    items can be handed over (``items_hand_over``)."""
    return _set_active(user, employee, False)


@transaction.atomic
def employee_reactivate(*, user, employee):
    """The employee may sign in again, with what they had."""
    return _set_active(user, employee, True)


def check_may_invite(user, employee) -> None:
    """Whether ``user`` may give ``employee`` a new one-time set-password link: the settings
    right, an active employee who is not themselves (one's own password changes on one's
    profile), and a superuser only by a superuser."""
    _check_may_manage(
        user,
        employee,
        self_refused=_("Change your own password on your profile."),
    )
    if not employee.is_active:
        raise ValidationError(_("Reactivate %s first.") % person_label(employee))


def owned_items(user, employee) -> list[tuple[object, int]]:
    """``[(item type, count)]`` of the items whose responsible is ``employee`` that ``user``
    may read: what the employees page offers to hand over (nothing out of their reach is
    counted)."""
    found = []
    for entity_type in _owned_types():
        model = entity_type.model
        count = (
            model.objects.restrict(user, "read")
            .filter(**{model.access_owner_field: employee})
            .count()
        )
        if count:
            found.append((entity_type, count))
    return found


def _owned_types():
    return [
        t
        for t in entity_types()
        if t.services is not None
        and t.services.spec is not None
        and getattr(t.model, "access_owner_field", "") == "responsible"
    ]


@transaction.atomic
def items_hand_over(*, user, employee, to) -> dict[str, int]:
    """Make ``to`` (an active user) the responsible of every item of ``employee`` that
    ``user`` may change, through the bulk item services (the same rights and history as a
    bulk "change responsible"). Items out of ``user``'s reach stay as they are, uncounted.
    Returns how many of each item type moved."""
    check_settings_right(user)
    if to is None or not to.is_active:
        raise ValidationError({"to": _("Hand the items over to an active user.")})
    if to.pk == employee.pk:
        raise ValidationError({"to": _("Hand the items over to someone else.")})
    moved = {}
    for entity_type in _owned_types():
        model = entity_type.model
        ids = list(
            model.objects.restrict(user, "update")
            .filter(responsible=employee)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if ids:
            items_bulk_update(user=user, spec=entity_type.services.spec, ids=ids, responsible=to)
        moved[entity_type.key] = len(ids)
    return moved
