"""History as each reader may read it, and comments: history is written by ``timeline``, and
read here, under the reader's rights (``accessrights``)."""

import copy
from datetime import date, datetime
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.utils import formats
from django.utils.translation import gettext as _

from accessrights.models import Action
from accessrights.restriction import check, is_crm_item, restricted_relations
from accessrights.rights import rights_of
from people.naming import person_label
from people.regional import shown_time
from timeline.models import Event, EventKind, name_doors
from timeline.services import event_record

from .custom_values import shown as custom_shown
from .fields import FieldKind, field_of_model
from .items import found_by_code


def render_for_reader(events, user) -> list:
    """The events as ``user`` reads them: every field change rendered at read time, in the
    reader's language (labels, reference names, people, dates, yes/no), and without the name
    of any linked item they may not read, in link events (``related_label`` and
    ``related_id`` emptied, ``related_hidden``) and in field changes (``old``/``new`` empty,
    ``old_hidden``/``new_hidden``). History says that something happened, not what lies
    behind a door the reader may not open.

    A change is stored as data (``crm.items.diff``: field code, raw values, ids and codes);
    events written before that keep their stored text (``label`` present) and are shown as
    they were written. A deleted item is judged on who reached it when it was deleted (its
    deletion event's ``reach``); a link change recorded without ids is shown to superusers
    only. A fixed number of queries per page: one or two per kind of linked value. Returns
    rendered copies; the events given are left as stored.
    """
    events = [copy.copy(event) for event in events]  # the stored events stay as they are
    name_doors(events)
    context = _RenderContext(events, user)
    for event in events:
        related = _related_model(event)
        if related is not None and context.hidden(related, event.related_id):
            event.related_label, event.related_id, event.related_hidden = "", None, True
        elif related is not None:
            # "Linked contact Anna Petrova", linked to its card while it exists.
            event.related_kind = related._meta.verbose_name
            found = context.names.get(related, {}).get(event.related_id)
            event.related_url = getattr(found, "get_absolute_url", str)()
        model = _item_model(event)
        event.changes = [context.render(model, change) for change in event.changes]
    return events


class _RenderContext:
    """What a page of events needs looked up, looked up once for the whole page."""

    def __init__(self, events, user):
        self.superuser = getattr(user, "is_superuser", False)
        items: dict[type, set[int]] = {}
        codes: dict[tuple, set[str]] = {}
        self.references: dict[tuple, dict] = {}
        shared_with: dict[str, set[int]] = {"user": set(), "group": set()}
        for event in events:
            model = _item_model(event)
            for related, pk in _links_of(event, model):
                if pk is not None:
                    items.setdefault(related, set()).add(pk)
            for change in event.changes:
                if _is_share(change):
                    for holder, pk in _share_holders(change):
                        shared_with[holder].add(pk)
                    continue
                custom = _custom_field(model, change)
                if custom is not None:
                    for pk in _custom_ids(custom, change):
                        if custom.kind == FieldKind.USER:
                            shared_with["user"].add(pk)
                        else:
                            items.setdefault(custom.related_model, set()).add(pk)
                    continue
                field = _model_field(model, change)
                if "label" in change or field is None or not field.many_to_one:
                    continue
                if is_crm_item(field.related_model):
                    continue
                key = _reference_key(field)
                for side in ("old", "new"):
                    if change.get(side) is not None:
                        codes.setdefault(key, set()).add(change[side])
        self._read_share_holders(shared_with)
        self.readable = {
            (model, pk) for model, ids in items.items() for pk in _readable(model, ids, user)
        }
        self.names = {
            model: model._base_manager.in_bulk(ids) for model, ids in items.items() if ids
        }
        for key, values in codes.items():
            related, lookup, by_code = key
            rows = related._base_manager.filter(**dict(lookup))
            rows = rows.filter(**{f"{'code' if by_code else 'pk'}__in": values})
            self.references[key] = {
                (row.code if by_code else row.pk): _shown_object(row) for row in rows
            }

    def _read_share_holders(self, shared_with: dict[str, set[int]]) -> None:
        users = get_user_model()._base_manager.in_bulk(shared_with["user"])
        groups = Group.objects.in_bulk(shared_with["group"])
        self.share_holders = {
            **{("user", pk): _shown_object(user) for pk, user in users.items()},
            **{("group", pk): _("group %s") % group.name for pk, group in groups.items()},
        }

    def _share(self, value) -> str:
        if not value:
            return ""
        holder = next((h for h in ("user", "group") if h in value), None)
        name = self.share_holders.get((holder, value.get(holder)), _("a deleted user or group"))
        actions = dict(Action.choices)
        done = ", ".join(str(actions.get(a, a)).lower() for a in value.get("actions", ()))
        return f"{name} ({done})" if done else name

    def _custom(self, field, change: dict) -> dict:
        """A custom field's change: its label, its values rendered; a linked item the reader
        may not read is left out (``old_hidden``/``new_hidden``), as for system links."""
        shown = {"field": change["field"], "label": str(field.label)}
        for side in ("old", "new"):
            value = change.get(side)
            if field.kind not in (FieldKind.ITEM_LINK, FieldKind.USER) or value in (None, []):
                shown[side] = custom_shown(field, value)
                continue
            names = []
            for pk in value if isinstance(value, list) else [value]:
                if field.kind == FieldKind.USER:
                    names.append(self.share_holders.get(("user", pk), _("a deleted user")))
                elif self.hidden(field.related_model, pk):
                    shown[f"{side}_hidden"] = True
                else:
                    live = self.names.get(field.related_model, {}).get(pk)
                    names.append(str(live) if live is not None else f"#{pk}")
            shown[side] = ", ".join(names)
        return shown

    def hidden(self, model, pk) -> bool:
        return pk is not None and (model, pk) not in self.readable

    def render(self, model, change: dict) -> dict:
        if "label" in change:
            return self._legacy(model, change)
        if _is_share(change):
            old, new = self._share(change.get("old")), self._share(change.get("new"))
            return {"field": "shares", "label": _("shared with"), "old": old, "new": new}
        custom = _custom_field(model, change)
        if custom is not None:
            return self._custom(custom, change)
        field = _model_field(model, change)
        shown = {"field": change["field"], "label": _label(model, change["field"])}
        for side in ("old", "new"):
            value = change.get(side)
            if field is not None and field.many_to_one and is_crm_item(field.related_model):
                if self.hidden(field.related_model, value):
                    shown[side], shown[f"{side}_hidden"] = "", True
                    continue
                live = self.names.get(field.related_model, {}).get(value)
                shown[side] = str(live) if live is not None else change.get(f"{side}_label", "")
            elif field is not None and field.many_to_one:
                found = self.references.get(_reference_key(field), {}).get(value)
                shown[side] = found or change.get(f"{side}_label") or _plain(value)
            else:
                shown[side] = _value_shown(field, value, field_of_model(model, change["field"]))
        return shown

    def _legacy(self, model, change: dict) -> dict:
        """An event written as text: shown as written, hidden links left out."""
        related = _legacy_link_model(model, change)
        if related is None:
            return change
        change = dict(change)
        for side in ("old", "new"):
            pk = change.get(f"{side}_id")
            unknown = f"{side}_id" not in change and change[side] and not self.superuser
            if self.hidden(related, pk) or unknown:
                change[side], change[f"{side}_hidden"] = "", True
        return change


def _label(model, name: str) -> str:
    """A changed field's label in the reader's language: the catalogue's (system and custom
    fields alike), else the model field's verbose name."""
    field = field_of_model(model, name)
    if field is not None:
        return str(field.label)
    try:
        return str(model._meta.get_field(name).verbose_name)
    except (AttributeError, FieldDoesNotExist):
        return name


def _custom_field(model, change: dict):
    field = field_of_model(model, change.get("field")) if model is not None else None
    return field if field is not None and field.custom else None


def _custom_ids(field, change: dict):
    if field.kind not in (FieldKind.ITEM_LINK, FieldKind.USER):
        return
    for side in ("old", "new"):
        value = change.get(side)
        for pk in value if isinstance(value, list) else [value]:
            if isinstance(pk, int):
                yield pk


def _is_share(change: dict) -> bool:
    return change.get("field") == "shares" and "label" not in change


def _share_holders(change: dict):
    for side in ("old", "new"):
        value = change.get(side) or {}
        for holder in ("user", "group"):
            if isinstance(value.get(holder), int):
                yield holder, value[holder]


def _item_model(event):
    return ContentType.objects.get_for_id(event.item_type_id).model_class()


def _model_field(model, change: dict):
    try:
        return model._meta.get_field(change.get("field")) if model is not None else None
    except FieldDoesNotExist:
        return None


def _reference_key(field) -> tuple:
    """How values of a reference field are found: by ``code`` within its list (reference
    lists), otherwise by primary key (people, pipelines)."""
    related = field.related_model
    lookup = tuple(sorted((field.get_limit_choices_to() or {}).items()))
    return (related, lookup, found_by_code(related))


def _shown_object(row) -> str:
    if hasattr(row, "get_full_name"):
        return person_label(row)
    return str(row)


def _plain(value) -> str:
    return "" if value is None else str(value)


def _value_shown(field, value, listed=None) -> str:
    """A raw value as the reader reads it: choices and yes/no in their language, dates in
    their format, lists of phones or e-mails one after the other (``listed``: their catalogue
    field, whose choices name the kinds of value)."""
    if value is None or value == "":
        return ""
    if isinstance(value, list):
        kinds = dict(listed.choices) if listed is not None else {}
        return "; ".join(
            f"{v.get('value', '')} ({kinds.get(v.get('kind', ''), v.get('kind', ''))})"
            for v in value
        )
    if field is None:
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(field, models.DateTimeField):
        moment = shown_time(datetime.fromisoformat(value))
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    if isinstance(field, models.DateField):
        return formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
    if isinstance(field, models.DecimalField):
        return formats.number_format(
            Decimal(value), decimal_pos=field.decimal_places, force_grouping=True
        )
    return str(value)


def _related_model(event):
    if event.related_type_id is None:
        return None
    model = ContentType.objects.get_for_id(event.related_type_id).model_class()
    return model if is_crm_item(model) else None


def _legacy_link_model(model, change: dict):
    """The CRM item model a change written as text links to (None for a plain value)."""
    if "item" in change:
        return apps.get_model(change["item"])
    if model is None:
        return None
    return restricted_relations(model).get(change.get("field"))


def _links_of(event, model):
    """The (model, id) of every CRM item the event names."""
    related = _related_model(event)
    if related is not None:
        yield related, event.related_id
    for change in event.changes:
        if "label" in change:
            linked = _legacy_link_model(model, change)
            if linked is not None:
                yield linked, change.get("old_id")
                yield linked, change.get("new_id")
            continue
        field = _model_field(model, change)
        if field is not None and field.many_to_one and is_crm_item(field.related_model):
            yield field.related_model, change.get("old")
            yield field.related_model, change.get("new")


def _readable(model, ids: set[int], user) -> set[int]:
    found = set(
        model.objects.restrict(user, "read").filter(pk__in=ids).values_list("pk", flat=True)
    )
    gone = ids - found - set(model._base_manager.filter(pk__in=ids).values_list("pk", flat=True))
    if not gone or not (user is not None and user.is_authenticated and user.is_active):
        return found
    rights = rights_of(user)
    deletions = Event.objects.filter(
        item_type=ContentType.objects.get_for_model(model),
        item_id__in=gone,
        kind=EventKind.DELETED,
    ).values_list("item_id", "reach")
    for pk, reach in deletions:
        if rights.is_superuser or (
            reach and rights.reaches(reach["entity"], "read", reach["owner"], reach["opened"])
        ):
            found.add(pk)
    return found


@transaction.atomic
def comment_add(*, user, item, text: str) -> Event:
    """Add a comment to the history of an item the user may read."""
    check(user, "read", item)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write a comment first.")})
    if len(text) > 20_000:
        raise ValidationError({"text": _("A comment has at most 20,000 characters.")})
    try:
        Event._meta.get_field("text").run_validators(text)  # what the column can store
    except ValidationError as exc:
        raise ValidationError({"text": exc.messages}) from None
    return event_record(item=item, kind=EventKind.COMMENT, author=user, text=text)
