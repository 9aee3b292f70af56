from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from companies import services
from companies.filters import CompanyFilterSet, ContactFilterSet
from companies.models import Company, Contact
from crm.api import ItemTimelineViewSet, code_filters

from .serializers import (
    CompanySerializer,
    ContactCreateSerializer,
    ContactLinkSerializer,
    ContactSerializer,
)


@extend_schema_view(
    list=extend_schema(
        parameters=code_filters(
            type="COMPANY_TYPE", industry="INDUSTRY", employees="EMPLOYEES", source="SOURCE"
        )
    )
)
class CompanyViewSet(ItemTimelineViewSet):
    """Companies; every write goes through ``companies.services``.

    Reference values (``type``, ``industry``, ``employees``, ``source``) are entry codes of their
    reference lists; list filters and ``ordering`` are those of the companies list page.
    """

    queryset = Company.objects.all()
    queryset_select_related = ("type", "industry", "employees", "source")
    queryset_prefetch_related = ("communications",)
    serializer_class = CompanySerializer
    filterset_class = CompanyFilterSet


@extend_schema_view(
    list=extend_schema(parameters=code_filters(type="CONTACT_TYPE", source="SOURCE")),
    create=extend_schema(request=ContactCreateSerializer, responses={201: ContactSerializer}),
)
class ContactViewSet(ItemTimelineViewSet):
    """Contacts; every write goes through ``companies.services``.

    ``companies`` lists the linked companies; give it on create, or link and unlink later
    through ``/contacts/{id}/companies/``.
    """

    queryset = Contact.objects.all()
    queryset_select_related = ("honorific", "type", "source")
    queryset_prefetch_related = ("communications",)
    restricted_related_ids = {"companies": Company}
    serializer_class = ContactSerializer
    create_serializer_class = ContactCreateSerializer
    filterset_class = ContactFilterSet

    @extend_schema(request=ContactLinkSerializer, responses={201: ContactSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="companies",
        restrict_action="update",
        filter_backends=[],
    )
    def link_company(self, request, pk=None):
        """Link the contact to a company (both get a "linked" event in their history)."""
        contact = self.get_object()
        data = self.validated_input(ContactLinkSerializer)
        services.contact_link(user=request.user, contact=contact, company=data["company"])
        return Response(self.represent(contact), status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[OpenApiParameter("company_id", int, OpenApiParameter.PATH)],
        request=None,
        responses={204: None},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"companies/(?P<company_id>[0-9]+)",
        restrict_action="update",
        filter_backends=[],
    )
    def unlink_company(self, request, pk=None, company_id=None):
        """Unlink the contact from a company (both get an "unlinked" event)."""
        contact = self.get_object()
        company = Company.objects.restrict(request.user, "read").filter(pk=company_id).first()
        if company is None:
            raise Http404
        services.contact_unlink(user=request.user, contact=contact, company=company)
        return Response(status=status.HTTP_204_NO_CONTENT)
