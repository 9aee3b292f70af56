from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from companies.models import Company, Contact
from crm.api import ItemTimelineViewSet, code_filters
from deals import services
from deals.filters import DealFilterSet, LeadFilterSet
from deals.models import Deal, Lead

from .serializers import (
    DealMoveSerializer,
    DealSerializer,
    LeadConvertResultSerializer,
    LeadConvertSerializer,
    LeadSerializer,
)


@extend_schema_view(
    list=extend_schema(
        parameters=code_filters(stage="DEAL_STAGE", type="DEAL_TYPE", source="SOURCE")
    )
)
class DealViewSet(ItemTimelineViewSet):
    """Deals; every write goes through ``deals.services``.

    ``stage`` is the code of a deal stage of any pipeline (``NEW``, ``WON``, ``C3:NEW``): the
    stage decides the pipeline and whether the deal is ``closed``. A ``pipeline`` given without
    a stage means that pipeline's first stage. ``/deals/{id}/move/`` is the kanban's drag.
    ``company`` and ``contacts`` show only the clients you may read.
    """

    queryset = Deal.objects.all()
    queryset_select_related = ("pipeline", "stage", "type", "source")
    restricted_related_ids = {"company": Company, "contacts": Contact, "lead": Lead}
    serializer_class = DealSerializer
    filterset_class = DealFilterSet

    @extend_schema(request=DealMoveSerializer, responses=DealSerializer)
    @action(detail=True, methods=["post"], restrict_action="update", filter_backends=[])
    def move(self, request, pk=None):
        """Move the deal to a stage (of any pipeline you may work in): a success or failure
        stage closes it, a process stage reopens it, a stage of another pipeline moves it
        there. History records the stage change."""
        deal = self.get_object()
        data = self.validated_input(DealMoveSerializer)
        stage = services.deal_stage_by_code(data["stage"])
        deal = services.move_deal_to_stage(
            user=request.user, deal=deal, stage=stage, expected_version=data.get("version")
        )
        return Response(self.represent(deal))


@extend_schema_view(list=extend_schema(parameters=code_filters(stage="STATUS", source="SOURCE")))
class LeadViewSet(ItemTimelineViewSet):
    """Leads; every write goes through ``deals.services``.

    ``stage`` is a lead stage code (STATUS list); the success stage (``CONVERTED``) is reached
    only through ``/leads/{id}/convert/``, which fills ``company`` and ``contact``.
    """

    queryset = Lead.objects.all()
    queryset_select_related = ("stage", "honorific", "source")
    queryset_prefetch_related = ("communications",)
    restricted_related_ids = {"company": Company, "contact": Contact}
    serializer_class = LeadSerializer
    filterset_class = LeadFilterSet

    @extend_schema(request=LeadConvertSerializer, responses=LeadConvertResultSerializer)
    @action(detail=True, methods=["post"], restrict_action="update", filter_backends=[])
    def convert(self, request, pk=None):
        """Convert the lead into a contact, a company and/or a deal, in one transaction. A
        client with one of the lead's phones or e-mails (a company also by its exact name) is
        linked instead of creating a duplicate. The lead moves to its success stage."""
        lead = self.get_object()
        data = self.validated_input(LeadConvertSerializer)
        produced = services.lead_convert(user=request.user, lead=lead, **data)
        return Response(
            {
                "lead": self.represent(lead),
                **{kind: item.pk if item else None for kind, item in produced.items()},
            }
        )
