"""How the CRM names a person, the same everywhere (form selects, filters, lists, cards, rights
pages, history): their full name, with their login in brackets when another active user has
the same full name, or their login when they have no name.

Which full names are shared is read in one query and kept for a few seconds per process
(``names_changed()`` forgets it at once after a change made here).
"""

import time

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils.translation import gettext as _

RECHECK_SECONDS = 5.0

_shared: dict = {"names": None, "checked": 0.0}


def shared_full_names() -> frozenset[tuple[str, str]]:
    """The (first, last) names that two or more active users have."""
    now = time.monotonic()
    if _shared["names"] is None or now - _shared["checked"] > RECHECK_SECONDS:
        rows = (
            get_user_model()
            .objects.filter(is_active=True)
            .exclude(first_name="", last_name="")
            .values_list("first_name", "last_name")
            .annotate(holders=Count("pk"))
            .filter(holders__gt=1)
        )
        _shared["names"] = frozenset((first, last) for first, last, _holders in rows)
        _shared["checked"] = now
    return _shared["names"]


def names_changed() -> None:
    """A user was added, renamed, deactivated or reactivated: read the shared names again."""
    _shared["names"] = None


def person_label(user) -> str:
    """``Anna Smith``, ``Anna Smith (asmith)`` when two active users are Anna Smith, or the
    login of a user without a name; empty for no user."""
    if user is None:
        return ""
    full_name = user.get_full_name()
    if not full_name:
        return user.get_username()
    if (user.first_name, user.last_name) in shared_full_names():
        return f"{full_name} ({user.get_username()})"
    return full_name


def plain_name(user) -> str:
    """The full name, or the login of a user without one, without asking who shares it
    (no query): for labels a write keeps beside the user's id, which history names again,
    with ``person_label``, when it is read."""
    return (user.get_full_name() or user.get_username()) if user is not None else ""


def choice_label(user) -> str:
    """A person in a picker: their label, marked when they are deactivated."""
    label = person_label(user)
    return label if user.is_active else f"{label} · {_('inactive')}"


def people(*keep):
    """Users to pick from: the active ones, plus the inactive ones in ``keep`` (Q conditions),
    so that a save does not drop someone only because the list no longer offers them."""
    condition = Q(is_active=True)
    for extra in keep:
        condition |= extra
    return (
        get_user_model()
        .objects.filter(condition)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class PersonChoiceField(forms.ModelChoiceField):
    """One person, offered by their label."""

    def label_from_instance(self, obj):
        return choice_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    """Several people, offered by their labels."""

    widget = forms.SelectMultiple(attrs={"size": 10})

    def label_from_instance(self, obj):
        return choice_label(obj)
