"""Convert the field changes written as text (in their writer's language) into data: field
codes and raw values, as ``crm.items.diff`` writes them now, so that they are rendered for
each reader (``crm.history.render_for_reader``).

A value is converted only when it maps back to exactly one raw value: a reference entry by
its name within its list, a person by their full name or user name, a CRM item by the id
migration 0003 found, yes/no, a choice by its label, dates, numbers and text as they are. A
change with a value that does not map back keeps its text and is shown as written.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db import migrations, models

YES = {"yes": True, "да": True, "oui": True, "no": False, "нет": False, "non": False}
UNMAPPED = object()


def _reference(field, shown: str):
    related = field.related_model
    if shown == "":
        return None
    rows = related._base_manager.filter(**(field.get_limit_choices_to() or {}))
    if hasattr(related, "username"):
        matches = [u.pk for u in rows if (f"{u.first_name} {u.last_name}".strip() or u.username)
                   == shown or u.username == shown]  # fmt: skip
    elif hasattr(related, "code") and not hasattr(related, "responsible"):
        matches = list(rows.filter(name=shown).values_list("code", flat=True)[:2])
    else:
        matches = [row.pk for row in rows if str(row) == shown][:2]
    return matches[0] if len(matches) == 1 else UNMAPPED


def _raw(field, shown: str):
    if field.many_to_one:
        return _reference(field, shown)
    if shown == "":
        return None if field.null else ""
    if field.choices:
        matches = [value for value, label in field.flatchoices if str(label) == shown]
        return matches[0] if len(matches) == 1 else UNMAPPED
    if isinstance(field, models.BooleanField):
        return YES.get(shown.lower(), UNMAPPED)
    return shown  # text, numbers and ISO dates were written as they are stored


def convert(apps, schema_editor):
    Event = apps.get_model("timeline", "Event")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for item_type in ContentType.objects.all():
        try:
            model = apps.get_model(item_type.app_label, item_type.model)
        except LookupError:
            continue
        if not hasattr(model, "version"):
            continue  # not a CRM item: roles and departments keep their text
        events = Event.objects.filter(item_type=item_type, kind="updated")
        for event in events.iterator():
            changes = [_convert(model, change) for change in event.changes]
            if changes != event.changes:
                event.changes = changes
                event.save(update_fields=["changes"])


def _convert(model, change: dict) -> dict:
    if "label" not in change:
        return change
    try:
        field = model._meta.get_field(change["field"])
    except FieldDoesNotExist:  # phones, e-mails, shares: not model fields; kept as written
        return change
    if field.many_to_one and "item" in change:
        if "old_id" not in change or "new_id" not in change:
            return change
        old, new = change["old_id"], change["new_id"]
    else:
        old, new = _raw(field, change["old"]), _raw(field, change["new"])
    if old is UNMAPPED or new is UNMAPPED:
        return change
    converted = {"field": change["field"], "old": old, "new": new}
    if field.many_to_one:
        converted.update(old_label=change["old"], new_label=change["new"])
    return converted


class Migration(migrations.Migration):
    dependencies = [
        ("timeline", "0003_link_change_ids"),
        ("deals", "0003_money_amounts"),
        ("companies", "0006_money_amount"),
        ("dictionaries", "0001_initial"),
    ]

    operations = [migrations.RunPython(convert, migrations.RunPython.noop)]
