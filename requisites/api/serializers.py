"""Shapes of the requisites API; every rule about the values lives in ``requisites.services``.

The serializers only check the shape and the size of the input (so nothing huge reaches the
services); identifiers, required fields, bank accounts and duplicates are checked by the
services, whose errors keep their keys (``values.inn``, ``accounts``, ...).
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.api_serializers import ModelSerializer, Serializer
from crm.validators import validate_country
from requisites.identifiers import Kind
from requisites.models import BankAccount, Preset, PresetField, Requisite

MAX_VALUES = 50
MAX_VALUE_LENGTH = 1000
MAX_ACCOUNTS = 20
MAX_FIELDS = 50

# API name -> model field of the address block of a requisite.
ADDRESS = {
    "street": "address_street",
    "city": "address_city",
    "region": "address_region",
    "postal_code": "address_postal_code",
    "country": "address_country",
}
ACCOUNT_FIELDS = ("bank_name", "bic", "account_number", "correspondent_account", "iban")


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# Presets


class PresetFieldSerializer(Serializer):
    code = serializers.SlugField(max_length=_max_length(PresetField, "code"))
    label = serializers.CharField(max_length=_max_length(PresetField, "label"))
    kind = serializers.ChoiceField(
        choices=Kind.choices,
        default=Kind.TEXT,
        help_text="How the value is checked: text, or an identifier (ru_inn, fr_siret, ...).",
    )
    required = serializers.BooleanField(default=False)
    is_tax_id = serializers.BooleanField(
        default=False,
        help_text="The tax identifier of the preset (at most one field): searched and checked "
        "for duplicates.",
    )


class CountryField(serializers.CharField):
    """An ISO 3166 alpha-2 code, taken in any case (``fr`` is FR)."""

    def to_internal_value(self, data):
        return super().to_internal_value(data).upper()


class PresetSerializer(ModelSerializer):
    country = CountryField(
        max_length=2,
        validators=[validate_country],
        help_text="ISO 3166 code, e.g. FR; set on creation.",
    )
    fields = PresetFieldSerializer(
        many=True,
        required=False,
        max_length=MAX_FIELDS,
        help_text="The fields in order; written whole (fields left out are removed).",
    )

    class Meta:
        model = Preset
        fields = ["id", "name", "country", "is_active", "sort", "fields"]
        read_only_fields = ["id", "sort"]

    def validate_country(self, value: str) -> str:
        if self.instance is not None and value != self.instance.country:
            raise serializers.ValidationError(_("The country of a preset cannot be changed."))
        return value


# Requisites


class AddressSerializer(Serializer):
    street = serializers.CharField(
        max_length=_max_length(Requisite, "address_street"), allow_blank=True, required=False
    )
    city = serializers.CharField(
        max_length=_max_length(Requisite, "address_city"), allow_blank=True, required=False
    )
    region = serializers.CharField(
        max_length=_max_length(Requisite, "address_region"), allow_blank=True, required=False
    )
    postal_code = serializers.CharField(
        max_length=_max_length(Requisite, "address_postal_code"),
        allow_blank=True,
        required=False,
    )
    country = serializers.CharField(
        max_length=_max_length(Requisite, "address_country"), allow_blank=True, required=False
    )


class BankAccountSerializer(Serializer):
    bank_name = serializers.CharField(
        max_length=_max_length(BankAccount, "bank_name"), allow_blank=True, required=False
    )
    bic = serializers.CharField(
        max_length=_max_length(BankAccount, "bic"),
        allow_blank=True,
        required=False,
        help_text="BIK (Russia, 9 digits) or SWIFT BIC.",
    )
    account_number = serializers.CharField(
        max_length=_max_length(BankAccount, "account_number"), allow_blank=True, required=False
    )
    correspondent_account = serializers.CharField(
        max_length=_max_length(BankAccount, "correspondent_account"),
        allow_blank=True,
        required=False,
    )
    iban = serializers.CharField(
        max_length=_max_length(BankAccount, "iban") + 8,  # room for the spaces of print form
        allow_blank=True,
        required=False,
    )

    def validate_iban(self, value: str) -> str:
        value = "".join(value.split())
        if len(value) > _max_length(BankAccount, "iban"):
            raise serializers.ValidationError(
                _("An IBAN has at most %d characters.") % _max_length(BankAccount, "iban")
            )
        return value


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string", "maxLength": MAX_VALUE_LENGTH},
        "description": "Preset field code -> value. Identifiers are stored and shown in their "
        "compact form. On update the whole object replaces the values.",
    }
)
class ValuesField(serializers.Field):
    """The values of a requisite: ``{field code: text}``. Only the shape is checked here (each
    value by RequisiteSerializer.validate, so that its errors are keyed ``values.<code>`` like
    the services'); the preset's rules are the services'."""

    default_error_messages = {
        "not_object": "Give the values as an object: field code -> text.",
        "too_many": f"At most {MAX_VALUES} values.",
        "long_code": "Field codes have at most 50 characters.",
    }

    def to_representation(self, values):
        return dict(values or {})

    def to_internal_value(self, data):
        if not isinstance(data, dict):
            self.fail("not_object")
        if len(data) > MAX_VALUES:
            self.fail("too_many")
        if any(len(code) > 50 for code in data):
            self.fail("long_code")
        return dict(data)


def _clean_values(values: dict) -> dict:
    """Numbers become text and null an empty value; anything else, or text too long, is an
    error keyed ``values.<code>``."""
    cleaned, errors = {}, {}
    for code, value in values.items():
        if value is None:
            cleaned[code] = ""
        elif isinstance(value, int) and not isinstance(value, bool):
            cleaned[code] = str(value)
        elif not isinstance(value, str):
            errors[f"values.{code}"] = [_("Write it as text.")]
        elif len(value) > MAX_VALUE_LENGTH:
            errors[f"values.{code}"] = [
                _("It has at most %(max)d characters (it has %(length)d).")
                % {"max": MAX_VALUE_LENGTH, "length": len(value)}
            ]
        else:
            cleaned[code] = value
    if errors:
        raise serializers.ValidationError(errors)
    return cleaned


class RequisiteSerializer(ModelSerializer):
    """Requisites of a company or a contact. On update, ``values``, ``address`` and
    ``accounts`` each replace the whole of what they hold when given, and keep it when left
    out."""

    preset = serializers.PrimaryKeyRelatedField(
        queryset=Preset.objects.all(),
        help_text="Id of the preset (set on creation; it cannot change).",
    )
    preset_name = serializers.CharField(source="preset.name", read_only=True)
    country = serializers.CharField(source="preset.country", read_only=True)
    name = serializers.CharField(
        max_length=_max_length(Requisite, "name"),
        allow_blank=True,
        required=False,
        help_text="Left empty: the name of the preset.",
    )
    is_default = serializers.BooleanField(
        required=False,
        help_text="true makes these the default requisites of their company or contact "
        "(the first ones always are); false is ignored.",
    )
    values = ValuesField(required=False)
    address = AddressSerializer(required=False, help_text="Written whole when given.")
    accounts = BankAccountSerializer(
        many=True,
        required=False,
        max_length=MAX_ACCOUNTS,
        help_text="Bank accounts; written whole when given.",
    )
    allow_duplicate = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="Save even when another company (contact) has the same tax identifier.",
    )

    class Meta:
        model = Requisite
        fields = [
            "id",
            "preset",
            "preset_name",
            "country",
            "name",
            "is_default",
            "values",
            "tax_id",
            "address",
            "accounts",
            "allow_duplicate",
        ]
        read_only_fields = ["id", "tax_id"]

    def to_representation(self, requisite):
        preset = requisite.preset
        # Values stored under codes the preset no longer has stay hidden (they show again if
        # the field comes back); the rest in the order of the preset's fields.
        values = requisite.values or {}
        return {
            "id": requisite.pk,
            "preset": preset.pk,
            "preset_name": preset.name,
            "country": preset.country,
            "name": requisite.name,
            "is_default": requisite.is_default,
            "values": {f.code: values[f.code] for f in preset.fields.all() if f.code in values},
            "tax_id": requisite.tax_id,
            "address": {name: getattr(requisite, field) for name, field in ADDRESS.items()},
            "accounts": [
                {name: getattr(account, name) for name in ACCOUNT_FIELDS}
                for account in requisite.accounts.all()
            ],
        }

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["preset"].required = False  # it cannot change: no need to repeat it
        return fields

    def validate_preset(self, preset):
        if self.instance is not None and preset.pk != self.instance.preset_id:
            raise serializers.ValidationError(_("The preset of requisites cannot be changed."))
        return preset

    def validate(self, attrs):
        if "values" in attrs:
            attrs["values"] = _clean_values(attrs["values"])
        return attrs

    def service_arguments(self) -> dict:
        """The validated input as keyword arguments of requisite_create/requisite_update."""
        data = dict(self.validated_data)
        if "address" in data:
            address = data.pop("address")
            data["address"] = {field: address.get(name, "") for name, field in ADDRESS.items()}
        if "accounts" in data:
            data["accounts"] = [dict(account) for account in data["accounts"]]
        if self.instance is not None:
            data.pop("preset", None)
        return data
