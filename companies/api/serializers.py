from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from companies import communications as comms
from companies.models import Communication, Company, Contact
from crm.serializer_fields import BoundedListField, ReadableIdsField
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


class CommunicationSerializer(serializers.Serializer):
    value = serializers.CharField(max_length=comms.MAX_VALUE_LENGTH, allow_blank=True)
    kind = serializers.ChoiceField(choices=Communication.Kind.choices, default="work")
    normalized = serializers.CharField(read_only=True)


class CommunicationsField(BoundedListField):
    """The phones, e-mails or websites of an item (``channel``), read from its prefetched
    ``communications``; written as a whole list."""

    def __init__(self, channel: str, **kwargs):
        self.channel = channel
        kwargs.setdefault("child", CommunicationSerializer())
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", comms.MAX_VALUES)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        return instance.communications.all()

    def to_representation(self, communications):
        return [
            {"value": c.value, "kind": c.kind, "normalized": c.normalized}
            for c in communications
            if c.channel == self.channel
        ]


def active_users():
    return get_user_model().objects.filter(is_active=True)


ITEM_READ_ONLY = ["id", "created_at", "modified_at", "created_by", "modified_by"]


class _ItemSerializer(serializers.ModelSerializer):
    source = EntryCodeField("SOURCE")
    responsible = serializers.PrimaryKeyRelatedField(
        queryset=active_users(), required=False, help_text="Id of an active user."
    )
    phones = CommunicationsField(comms.PHONE)
    emails = CommunicationsField(comms.EMAIL)
    websites = CommunicationsField(comms.WEB)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="On update: the version you edited; an outdated one is answered with 409.",
    )


class CompanySerializer(_ItemSerializer):
    type = EntryCodeField("COMPANY_TYPE")
    industry = EntryCodeField("INDUSTRY")
    employees = EntryCodeField("EMPLOYEES")

    class Meta:
        model = Company
        fields = [
            "id",
            "name",
            "type",
            "industry",
            "employees",
            "revenue",
            "currency",
            "address_street",
            "address_city",
            "address_region",
            "address_postal_code",
            "address_country",
            "source",
            "comments",
            "responsible",
            "opened",
            "phones",
            "emails",
            "websites",
            "version",
            "created_at",
            "modified_at",
            "created_by",
            "modified_by",
        ]
        read_only_fields = ITEM_READ_ONLY


class ContactSerializer(_ItemSerializer):
    honorific = EntryCodeField("HONORIFIC")
    type = EntryCodeField("CONTACT_TYPE")
    companies = serializers.PrimaryKeyRelatedField(
        many=True,
        read_only=True,
        help_text="Ids of the linked companies; link and unlink through /contacts/{id}/companies/.",
    )

    class Meta:
        model = Contact
        fields = [
            "id",
            "honorific",
            "first_name",
            "last_name",
            "middle_name",
            "position",
            "type",
            "birthday",
            "source",
            "comments",
            "responsible",
            "opened",
            "phones",
            "emails",
            "websites",
            "companies",
            "version",
            "created_at",
            "modified_at",
            "created_by",
            "modified_by",
        ]
        read_only_fields = ITEM_READ_ONLY


@extend_schema_field(OpenApiTypes.INT)
class ReadableCompanyField(serializers.PrimaryKeyRelatedField):
    """A company id, among the companies the requesting user may read."""

    def get_queryset(self):
        return Company.objects.restrict(self.context["request"].user, "read")


class ContactCreateSerializer(ContactSerializer):
    companies = ReadableIdsField(
        Company,
        required=False,
        max_length=100,
        help_text="Ids of companies to link the new contact to.",
    )


class ContactLinkSerializer(serializers.Serializer):
    company = ReadableCompanyField(help_text="Id of the company to link the contact to.")
