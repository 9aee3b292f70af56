"""Shared API fields for lists: their length is checked before any element is looked at, and
lists of ids are resolved in one query (never one per id)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.custom_values import readable_custom, readable_ids
from crm.validators import parse_id

MAX_IDS = 1000
MAX_NAMED = 20  # missing ids named in an error message


class BoundedListField(serializers.ListField):
    """A ListField that refuses a list longer than ``max_length`` before validating any
    element (DRF's ListField validates every element first and counts them afterwards)."""

    def to_internal_value(self, data):
        if self.max_length is not None and isinstance(data, list) and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        return super().to_internal_value(data)


@extend_schema_field({"type": "array", "items": {"type": "integer", "minimum": 1}})
class IdListField(BoundedListField):
    """A list of ids (at most ``max_length``, 1,000 unless told), each a JSON integer; with a
    ``queryset``, resolved to its rows in one query, in the order given.

    Refused with one message, before any query, when the list is too long or holds something
    that is not an id; after the query, when ids are missing from the queryset (named, up to
    20). Without a queryset the ids themselves are returned (orders of ids, checked by the
    services).
    """

    child = serializers.IntegerField()  # the shape of an element, for the schema
    default_error_messages = {
        "not_an_id": _("Item {n} is not a valid integer id: {value}."),
        "missing": _("No such ids (the item does not exist): {ids}."),
    }

    def __init__(self, queryset=None, **kwargs):
        kwargs.setdefault("max_length", MAX_IDS)
        self.queryset = queryset
        super().__init__(**kwargs)

    def get_queryset(self):
        return None if self.queryset is None else self.queryset.all()

    def get_attribute(self, instance):
        value = super().get_attribute(instance)
        return value.all() if hasattr(value, "all") else value  # a related manager

    def to_representation(self, items):
        return [item.pk for item in items]

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        if not self.allow_empty and not data:
            self.fail("empty")
        if self.max_length is not None and len(data) > self.max_length:
            self.fail("max_length", max_length=self.max_length)
        if self.min_length is not None and len(data) < self.min_length:
            self.fail("min_length", min_length=self.min_length)
        ids = []
        for index, value in enumerate(data):
            pk = None if isinstance(value, str) else parse_id(value)  # JSON types are strict
            if pk is None:
                self.fail("not_an_id", n=index + 1, value=str(value)[:40])
            ids.append(pk)
        queryset = self.get_queryset()
        if queryset is None:
            return ids
        found = {item.pk: item for item in queryset.filter(pk__in=set(ids))}
        missing = sorted(set(ids) - set(found))
        if missing:
            named = ", ".join(str(pk) for pk in missing[:MAX_NAMED])
            self.fail("missing", ids=named + (", ..." if len(missing) > MAX_NAMED else ""))
        return [found[pk] for pk in ids]


class ReadableIdsField(IdListField):
    """Ids of CRM items of ``model`` the requesting user may read, in one restricted query.

    An id out of the reader's reach gets the same answer as one that does not exist, so the
    message tells nothing about which items exist.
    """

    default_error_messages = {
        "missing": _("No such ids (the item does not exist or is out of your reach): {ids}."),
    }

    def __init__(self, model, **kwargs):
        self.model = model
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model.objects.restrict(self.context["request"].user, "read")


_list_fields: list = []


def register_list_serializer_field(factory) -> None:
    """How the API gives and shows a field holding an entry of a reference list:
    ``factory(catalogue_field)`` gives ``(field class, its arguments)`` (the app keeping the
    lists registers it: the framework does not know their table)."""
    _list_fields[:] = [factory]


def list_entry_field(field) -> tuple | None:
    """The serializer field of a catalogue field holding a reference-list entry (None: no
    app registered one)."""
    return _list_fields[0](field) if _list_fields else None


@extend_schema_field(
    {"type": "object", "additionalProperties": True,
     "description": "Custom field values by code (UF_CRM_...): list values as option ids, "
                    "links as ids of items you may read, users as user ids; see "
                    "/api/v1/fields/{entity}/. Given codes are written, the others kept."}
)  # fmt: skip
class CustomValuesField(serializers.Field):
    """An item's custom field values (its ``custom`` column): shown for the fields that exist,
    a linked item the reader may not read left out; given as an object that the item services
    check code by code (``crm.custom_values``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_representation(self, stored):
        model = self.parent.Meta.model
        user = getattr(self.context.get("request"), "user", None)
        return readable_custom(model, stored or {}, user, self._page_readable(model, user))

    def _page_readable(self, model, user) -> dict | None:
        """The linked items readable on the whole page of a list (``readable_ids``: one query
        per link field for the page, not per item); None for one item alone."""
        page = getattr(self.parent.parent, "instance", None) if self.parent.parent else None
        if not isinstance(page, list | tuple):
            return None
        key = (id(page), len(page))
        if getattr(self, "_page_key", None) != key:
            self._page_key = key
            self._page_links = readable_ids(model, [item.custom for item in page], user)
        return self._page_links

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            raise serializers.ValidationError(_("Give custom fields as an object of codes."))
        return data
