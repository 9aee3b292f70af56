from decimal import Decimal

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.api import ITEM_READ_ONLY, ItemSerializer, item_api_fields
from crm.api_serializers import Serializer
from deals.api.serializers import ContactIdsField, DealCompanyField, LinkedIdField
from deals.models import Deal
from dictionaries.api.fields import EntryCodeField
from quotes.fields import TOTALS
from quotes.models import Invoice, Quote
from quotes.services import MAX_LINES, MAX_QUANTITY


class LineSerializer(Serializer):
    """One line; its net, tax and total are computed from the others."""

    product_name = serializers.CharField(max_length=255)
    quantity = serializers.DecimalField(
        max_digits=15, decimal_places=4, min_value=Decimal("0.0001"), max_value=MAX_QUANTITY
    )
    unit = serializers.CharField(max_length=20, required=False, allow_blank=True)
    price = serializers.DecimalField(max_digits=15, decimal_places=2, min_value=Decimal(0))
    discount_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100), required=False
    )
    tax_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal(0), max_value=Decimal(100), required=False
    )
    net_amount = serializers.DecimalField(max_digits=15, decimal_places=2, read_only=True)
    tax_amount = serializers.DecimalField(max_digits=15, decimal_places=2, read_only=True)
    amount = serializers.DecimalField(max_digits=15, decimal_places=2, read_only=True)


@extend_schema_field(OpenApiTypes.INT)
class ReadableDealField(serializers.PrimaryKeyRelatedField):
    """A deal id, among the deals the requesting user may read."""

    def use_pk_only_optimization(self):
        return False

    def get_queryset(self):
        return Deal.objects.restrict(self.context["request"].user, "read")

    def to_representation(self, value):
        readable = self.get_queryset().filter(pk=value.pk).exists()
        return value.pk if readable else None


def _lines_field():
    return LineSerializer(
        many=True,
        required=False,
        max_length=MAX_LINES,
        help_text=f"The lines (at most {MAX_LINES}); given on update, they replace every line "
        "and the totals follow.",
    )


class DocumentSerializer(ItemSerializer):
    company = DealCompanyField(
        required=False,
        allow_null=True,
        help_text="Id of a company you may read (null when it is out of your reach; giving "
        "null then keeps it).",
    )
    contacts = ContactIdsField()
    deal = ReadableDealField(
        required=False,
        allow_null=True,
        help_text="Id of a deal you may read (null when it is out of your reach).",
    )
    lines = _lines_field()

    def get_fields(self):
        fields = super().get_fields()
        for name in TOTALS:
            fields[name].read_only = True
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["lines"] = LineSerializer(instance.lines.all(), many=True).data
        return data


class QuoteSerializer(DocumentSerializer):
    stage = EntryCodeField(
        "QUOTE_STATUS", required=False, allow_null=False,
        help_text="Code of a quote stage (QUOTE_STATUS list); by default the first one.",
    )  # fmt: skip

    class Meta:
        model = Quote
        fields = item_api_fields(Quote, "closed", "lines")
        read_only_fields = [*ITEM_READ_ONLY, "closed", *TOTALS]


class InvoiceSerializer(DocumentSerializer):
    stage = EntryCodeField(
        "INVOICE_STATUS", required=False, allow_null=False,
        help_text="Code of an invoice stage (INVOICE_STATUS list: N, S, P, D...); by default "
        "the first one.",
    )  # fmt: skip
    quote = LinkedIdField(help_text="Id of the quote the invoice was made from.")

    class Meta:
        model = Invoice
        fields = item_api_fields(Invoice, "closed", "quote", "lines")
        read_only_fields = [*ITEM_READ_ONLY, "closed", *TOTALS]


class MoveSerializer(Serializer):
    stage = serializers.CharField(max_length=50, help_text="Code of the stage to move to.")
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="The version you moved; an outdated one is answered with 409.",
    )
