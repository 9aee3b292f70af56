from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from accessrights.api.shares import ItemSharesMixin
from companies import services
from companies.filters import CompanyFilterSet, ContactFilterSet
from companies.models import Company, Contact
from crm.api import CheckedCursorPagination, ItemServices, ItemViewSet, ServiceWriteMixin
from timeline.api import CommentSerializer, EventSerializer
from timeline.models import Event
from timeline.services import comment_add, render_for_reader

from .serializers import (
    CompanySerializer,
    ContactCreateSerializer,
    ContactLinkSerializer,
    ContactSerializer,
)


def code_filters(**list_codes) -> list[OpenApiParameter]:
    """Reference-value filters take entry codes (``?type=CUSTOMER&type=PARTNER``)."""
    return [
        OpenApiParameter(
            name,
            str,
            many=True,
            explode=True,
            description=f"Codes of entries of the {list_code} reference list.",
        )
        for name, list_code in list_codes.items()
    ]


class TimelinePagination(CheckedCursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ItemTimelineViewSet(ItemSharesMixin, ServiceWriteMixin, ItemViewSet):
    """The timeline (history and comments) and shares endpoints every CRM item has."""

    @extend_schema(responses=EventSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        restrict_action="read",
        pagination_class=TimelinePagination,
        filter_backends=[],
    )
    def timeline(self, request, pk=None):
        """The item's history, newest first: changes with their fields, links, comments."""
        events = Event.objects.of_item(self.get_object()).select_related("author")
        page = render_for_reader(self.paginate_queryset(events), request.user)
        return self.get_paginated_response(EventSerializer(page, many=True).data)

    @extend_schema(request=CommentSerializer, responses={201: EventSerializer})
    @timeline.mapping.post
    def timeline_comment(self, request, pk=None):
        """Add a comment to the item's history."""
        data = self.validated_input(CommentSerializer)
        event = comment_add(user=request.user, item=self.get_object(), text=data["text"])
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)


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
    item_services = ItemServices(
        create=services.company_create,
        update=services.company_update,
        delete=services.company_delete,
        item_argument="company",
    )


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
    item_services = ItemServices(
        create=services.contact_create,
        update=services.contact_update,
        delete=services.contact_delete,
        item_argument="contact",
    )

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
