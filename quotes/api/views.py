from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from companies.models import Company, Contact
from crm.api import ItemTimelineViewSet, code_filters
from quotes import services
from quotes.filters import InvoiceFilterSet, QuoteFilterSet
from quotes.models import Invoice, Quote

from .serializers import InvoiceSerializer, MoveSerializer, QuoteSerializer


class DocumentViewSet(ItemTimelineViewSet):
    queryset_select_related = ("stage", "deal")
    queryset_prefetch_related = ("lines",)
    restricted_related_ids = {"company": Company, "contacts": Contact}

    def _move(self, request):
        document = self.get_object()
        data = self.validated_input(MoveSerializer)
        stage = services.stage_by_code(self.queryset.model, data["stage"])
        document = services.move_to_stage(
            user=request.user, item=document, stage=stage, expected_version=data.get("version")
        )
        return Response(self.represent(document))


@extend_schema_view(list=extend_schema(parameters=code_filters(stage="QUOTE_STATUS")))
class QuoteViewSet(DocumentViewSet):
    """Quotes; every write goes through ``quotes.services``.

    ``lines`` are nested: given, they replace every line, and the totals (``net_amount``,
    ``tax_amount``, ``amount``) are computed from them, rounded per currency. ``stage`` is a
    QUOTE_STATUS code; a success or failure stage closes the quote. ``/quotes/{id}/move/`` is
    the kanban's drag, ``/quotes/{id}/invoice/`` makes an invoice from the quote.
    """

    queryset = Quote.objects.all()
    serializer_class = QuoteSerializer
    filterset_class = QuoteFilterSet

    @extend_schema(request=MoveSerializer, responses=QuoteSerializer)
    @action(detail=True, methods=["post"], restrict_action="update", filter_backends=[])
    def move(self, request, pk=None):
        """Move the quote to a stage of its list: a final stage closes it."""
        return self._move(request)

    @extend_schema(request=None, responses={201: InvoiceSerializer})
    @action(detail=True, methods=["post"], restrict_action="read", filter_backends=[])
    def invoice(self, request, pk=None):
        """Make an invoice from the quote: its lines, client, deal, terms and language."""
        invoice = services.invoice_from_quote(user=request.user, quote=self.get_object())
        fresh = Invoice.objects.restrict(request.user, "read").get(pk=invoice.pk)
        data = InvoiceSerializer(fresh, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(parameters=code_filters(stage="INVOICE_STATUS")))
class InvoiceViewSet(DocumentViewSet):
    """Invoices; every write goes through ``quotes.services``.

    ``lines`` are nested as for quotes; ``stage`` is an INVOICE_STATUS code (``N`` New, ``S``
    Sent, ``P`` Paid closes it as a success, ``D`` Declined as a failure).
    """

    queryset = Invoice.objects.all()
    serializer_class = InvoiceSerializer
    filterset_class = InvoiceFilterSet
    restricted_related_ids = {**DocumentViewSet.restricted_related_ids, "quote": Quote}

    @extend_schema(request=MoveSerializer, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"], restrict_action="update", filter_backends=[])
    def move(self, request, pk=None):
        """Move the invoice to a stage of its list: a final stage closes it."""
        return self._move(request)
