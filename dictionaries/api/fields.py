"""Serializer fields of reference values: an entry given and shown as its code."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dictionaries.models import Entry


@extend_schema_field(OpenApiTypes.STR)
class EntryCodeField(serializers.Field):
    """A reference value given and shown as the code of an entry of ``list_code``."""

    def __init__(self, list_code: str, **kwargs):
        self.list_code = list_code
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        kwargs.setdefault("help_text", f"Code of an entry of the {list_code} reference list.")
        super().__init__(**kwargs)

    def to_representation(self, entry):
        return entry.code

    def to_internal_value(self, code):
        if code == "":
            return None
        entries = Entry.objects.of_list(self.list_code)
        entry = entries.with_code(code).first()
        if entry is not None:
            return entry
        allowed = ", ".join(entries.values_list("code", flat=True))
        raise serializers.ValidationError(
            _("“%(code)s” is not a code of the %(list)s list; use one of: %(allowed)s.")
            % {"code": code, "list": self.list_code, "allowed": allowed}
        )


def entry_code_field(field) -> tuple:
    """A catalogue field's entry, given and shown as its code (registered with
    ``crm.serializer_fields.register_list_serializer_field``)."""
    return EntryCodeField, {"list_code": field.reference_list}
