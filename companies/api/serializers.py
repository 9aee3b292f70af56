from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from companies import communications as comms
from companies.models import Communication, Company, Contact
from crm.api import ITEM_READ_ONLY, ItemSerializer, item_api_fields
from crm.api_serializers import Serializer
from crm.serializer_fields import BoundedListField, ReadableIdsField


class CommunicationSerializer(Serializer):
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


class ClientSerializer(ItemSerializer):
    """An item with a source and phones, e-mails and websites (companies, contacts, leads)."""

    phones = CommunicationsField(comms.PHONE)
    emails = CommunicationsField(comms.EMAIL)
    websites = CommunicationsField(comms.WEB)


class CompanySerializer(ClientSerializer):
    class Meta:
        model = Company
        fields = item_api_fields(Company)
        read_only_fields = ITEM_READ_ONLY


class ContactSerializer(ClientSerializer):
    companies = serializers.PrimaryKeyRelatedField(
        many=True,
        read_only=True,
        help_text="Ids of the linked companies; link and unlink through /contacts/{id}/companies/.",
    )

    class Meta:
        model = Contact
        fields = item_api_fields(Contact)
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


class ContactLinkSerializer(Serializer):
    company = ReadableCompanyField(help_text="Id of the company to link the contact to.")
