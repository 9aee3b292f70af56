"""The base of every API serializer: strict about JSON types, silent about unknown keys.

What the schema promises is what is accepted: a field the schema calls an integer takes a JSON
integer, not the string ``"5"`` nor ``true`` (DRF would coerce both), a string field takes a
string, not a number. Keys the serializer does not know are ignored, as everywhere in the
product (a client may send back what it read, bookkeeping fields included).
"""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

# (field class, JSON types it takes), most specific first; fields not listed (custom fields,
# JSON, dicts, nested serializers, which check their own input) are left to themselves.
_JSON_TYPES = (
    (serializers.BooleanField, (bool,)),
    (serializers.IntegerField, (int,)),
    (serializers.FloatField, (int, float)),
    (serializers.DecimalField, (str,)),  # shown and documented as a string (no rounding)
    (serializers.CharField, (str,)),
    (serializers.MultipleChoiceField, (list,)),
    (serializers.ChoiceField, (str,)),
    (serializers.DateField, (str,)),
    (serializers.DateTimeField, (str,)),
    (serializers.TimeField, (str,)),
    (serializers.DurationField, (str,)),
    (serializers.PrimaryKeyRelatedField, (int,)),
    (serializers.ManyRelatedField, (list,)),
    (serializers.ListField, (list,)),
)
_NAMES = {
    bool: _("a boolean"),
    int: _("an integer"),
    float: _("a number"),
    str: _("a string"),
    list: _("a list"),
    dict: _("an object"),
}


def json_type_name(value) -> str:
    """How JSON calls the type of a parsed value ("an integer", "a string", ...)."""
    for kind in (bool, int, float, str, list, dict):
        if isinstance(value, kind):
            return str(_NAMES[kind])
    return str(_("null")) if value is None else type(value).__name__


def expected_json_types(field) -> tuple[type, ...] | None:
    for field_class, types in _JSON_TYPES:
        if isinstance(field, field_class):
            return types
    return None


def wrong_json_type(field, value) -> str | None:
    """The message refusing ``value`` for ``field`` when its JSON type is not the field's;
    None when the type fits (null is the field's own business: ``allow_null``)."""
    types = expected_json_types(field)
    if value is None or types is None:
        return None
    if isinstance(value, types) and not (isinstance(value, bool) and bool not in types):
        return None
    return _("Expected %(expected)s, received %(received)s.") % {
        "expected": str(_NAMES[types[0]]),
        "received": json_type_name(value),
    }


class StrictTypesMixin:
    """Refuses, before any field parses it, a value whose JSON type is not its field's.

    An object inside a list (a phone, a cell of a rights grid) is written whole, so its
    required keys stay required in a PATCH (DRF relaxes them all the way down).
    """

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            whole = self._is_list_item() and getattr(self.root, "partial", False)
            for field in self._writable_fields:
                message = wrong_json_type(field, data.get(field.field_name))
                if whole and field.required and field.field_name not in data:
                    message = field.error_messages["required"]
                if message is not None:
                    errors[field.field_name] = [message]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def _is_list_item(self) -> bool:
        return isinstance(self.parent, serializers.ListSerializer | serializers.ListField)


class Serializer(StrictTypesMixin, serializers.Serializer):
    pass


class ModelSerializer(StrictTypesMixin, serializers.ModelSerializer):
    pass
