"""What every test of a refusal needs: the tables as they are, and one way to try a refused call.

``tables_snapshot()`` reads every table a CRM door could write to (items, links, phones and
e-mails, requisites and bank accounts, history, shares, roles and departments, reference lists
and pipelines, saved filters, Django's groups and model permissions), so "nothing changed"
means it (Django's admin log is left out: the admin notes "no fields changed" there).
``refused()`` sends an API request that must be refused; ``service_refused()`` calls a service
that must raise. Both check the tables before and after.
"""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from accessrights.models import Action, Role, RolePermission
from accessrights.rights import rights_changed
from crm.entities import entity_types
from crm.history import render_for_reader

# Every model of these apps, with their many-to-many tables.
CRM_APPS = (
    "crm",
    "accessrights",
    "dictionaries",
    "timeline",
    "companies",
    "requisites",
    "deals",
    "activities",
    "guardian",
)


def snapshot_models() -> list:
    user = get_user_model()
    models = [
        model
        for label in CRM_APPS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]
    # Group shares reach a group's members; roles and shares are not the only rights rows.
    models += [Group, user.groups.through, user.user_permissions.through]
    return models


def tables_snapshot() -> dict[str, list[tuple]]:
    """Every row of every CRM table (and the rights tables around them), by table name."""
    return {
        model._meta.db_table: list(model._default_manager.order_by("pk").values_list())
        for model in snapshot_models()
    }


def _messages_text(messages) -> str:
    if not isinstance(messages, list):
        messages = [messages]
    return " ".join(str(message) for message in messages)


def refused(api, method, url, status, data=None, field=None, match=""):
    """Send an API request that must be refused: its status, the message of ``field`` (when
    given) containing ``match``, and every table as it was. Returns the answer's body."""
    before = tables_snapshot()
    response = getattr(api, method)(url, data, format="json")
    assert response.status_code == status, response.content
    assert tables_snapshot() == before, f"{method.upper()} {url} changed something"
    body = response.json()
    if field is not None:
        assert field in body, body
        assert match in _messages_text(body[field]), body[field]
    return body


def service_refused(call, error=ValidationError, field=None, match=""):
    """Call a service that must raise ``error`` (naming ``field``, with ``match`` in its
    messages, when given) and leave every table as it was. Returns the error."""
    before = tables_snapshot()
    with pytest.raises(error) as info:
        call()
    assert tables_snapshot() == before, "a refused call changed something"
    if field is not None:
        assert field in info.value.message_dict, info.value
    assert match in " ".join(getattr(info.value, "messages", [str(info.value)]))
    return info.value


def give_role(user, grid: dict, name: str = "") -> Role:
    """Give ``user`` a real role holding ``grid``: ``{entity: {action: scope}}`` (cells left
    out are ``none``), and forget the rights cached in this process."""
    role = Role.objects.create(name=name or f"Role of {user.username}")
    RolePermission.objects.bulk_create(
        RolePermission(role=role, entity=entity, action=action, scope=scope)
        for entity, actions in grid.items()
        for action, scope in actions.items()
    )
    role.users.add(user)
    rights_changed()
    return role


def every_action(scope: str) -> dict:
    """``{action: scope}`` for every action: a row of the rights grid with one scope."""
    return dict.fromkeys(Action.values, scope)


def entity_keys() -> list[str]:
    """The rights entities of every registered item type (deals: the default pipeline)."""
    return [entity_type.key for entity_type in entity_types()]


def shown_changes(event, reader=None) -> dict:
    """``{field: (old, new)}`` of a history event as ``reader`` (its author by default) reads
    it: history keeps raw values and renders them at read time."""
    [rendered] = render_for_reader([event], reader or event.author)
    return {c["field"]: (c["old"], c["new"]) for c in rendered.changes}
