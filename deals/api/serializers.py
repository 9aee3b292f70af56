from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from companies.api.serializers import ClientSerializer, ReadableCompanyField
from companies.models import Contact
from crm.api import ITEM_READ_ONLY, ItemSerializer, item_api_fields
from crm.api_serializers import Serializer
from crm.serializer_fields import ReadableIdsField
from deals.models import Deal, Lead
from dictionaries.api.fields import EntryCodeField
from dictionaries.defaults import DEAL_STAGE
from dictionaries.models import Entry, Pipeline

MAX_CONTACTS = 100


@extend_schema_field(OpenApiTypes.STR)
class DealStageField(serializers.Field):
    """A deal stage given and shown as its code (``NEW``, ``WON``, ``C3:NEW``); the code of a
    stage of another pipeline moves the deal to that pipeline."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            "Code of a deal stage of any pipeline (NEW, WON, C3:NEW...); the stage decides the "
            "pipeline. Without one a new deal starts in the first stage of its pipeline.",
        )
        super().__init__(**kwargs)

    def to_representation(self, entry):
        return entry.code

    def to_internal_value(self, code):
        stage = Entry.objects.filter(list_code=DEAL_STAGE).with_code(code).first()
        if stage is not None:
            return stage
        raise serializers.ValidationError(
            _("“%(code)s” is not the code of a deal stage (see /api/v1/pipelines/).")
            % {"code": code}
        )


class _ShownIfReadable:
    """A link the viewset prefetches through ``restrict()``: shown from the prefetched object
    (null when the reader may not read it), not from the raw id column."""

    def use_pk_only_optimization(self):
        return False


class DealCompanyField(_ShownIfReadable, ReadableCompanyField):
    pass


@extend_schema_field(OpenApiTypes.INT)
class LinkedIdField(_ShownIfReadable, serializers.PrimaryKeyRelatedField):
    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)


class ContactIdsField(ReadableIdsField):
    """The deal's contacts by id: only those the reader may read are shown; written as a
    whole list of readable contacts (linked contacts the writer cannot see are kept)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MAX_CONTACTS)
        kwargs.setdefault("help_text", "Ids of the deal's contacts.")
        super().__init__(Contact, **kwargs)

    def get_attribute(self, instance):
        return instance.contacts.all()  # prefetched through restrict() by the viewset


class DealSerializer(ItemSerializer):
    """A deal: its stage (which decides its pipeline), amount, dates and client."""

    pipeline = serializers.PrimaryKeyRelatedField(
        queryset=Pipeline.objects.all(),
        required=False,
        help_text="Id of the pipeline. Given without a stage: the first stage of that pipeline.",
    )
    stage = DealStageField()
    company = DealCompanyField(
        required=False,
        allow_null=True,
        help_text="Id of a company you may read (null when the deal's company is out of your "
        "reach; giving null then keeps it).",
    )
    contacts = ContactIdsField()
    lead = LinkedIdField(help_text="Id of the lead the deal was converted from.")

    class Meta:
        model = Deal
        fields = item_api_fields(Deal, "closed", "lead")
        read_only_fields = [*ITEM_READ_ONLY, "closed"]


class DealMoveSerializer(Serializer):
    stage = serializers.CharField(
        max_length=50, help_text="Code of the deal stage to move to (of any pipeline)."
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The version you moved; an outdated one is answered with 409.",
    )


class LeadSerializer(ClientSerializer):
    title = serializers.CharField(
        max_length=255,
        required=False,
        allow_blank=True,
        help_text="Without one: the person's name, or else the company name.",
    )
    stage = EntryCodeField(
        "STATUS",
        allow_null=False,
        help_text="Code of a lead stage (STATUS list); CONVERTED is reached by converting.",
    )
    company = LinkedIdField(help_text="Id of the company the conversion produced or found.")
    contact = LinkedIdField(help_text="Id of the contact the conversion produced or found.")

    class Meta:
        model = Lead
        fields = item_api_fields(Lead, "company", "contact", "closed")
        read_only_fields = [*ITEM_READ_ONLY, "closed"]

    def validate_stage(self, stage):
        if stage is None:
            raise serializers.ValidationError(_("Choose a stage."))
        return stage


class LeadConvertSerializer(Serializer):
    contact = serializers.BooleanField(
        default=False, help_text="Create a contact (or link the one with the lead's phone/e-mail)."
    )
    company = serializers.BooleanField(
        default=False,
        help_text="Create a company (or link the one with the lead's phone/e-mail or name).",
    )
    deal_pipeline = serializers.PrimaryKeyRelatedField(
        queryset=Pipeline.objects.all(),
        allow_null=True,
        default=None,
        help_text="Id of the pipeline to create a deal in; null for no deal.",
    )


class LeadConvertResultSerializer(Serializer):
    lead = LeadSerializer()
    contact = serializers.IntegerField(allow_null=True, help_text="Id of the contact, if any.")
    company = serializers.IntegerField(allow_null=True, help_text="Id of the company, if any.")
    deal = serializers.IntegerField(allow_null=True, help_text="Id of the new deal, if any.")
