"""Shared API plumbing: the exception handler, cursor pagination in FilterSet order, and the
restriction-aware viewsets every CRM item API builds on."""

import contextlib
import traceback

import django_filters
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import (
    ImproperlyConfigured,
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from crm.api_serializers import ModelSerializer, Serializer
from crm.entities import ItemServices, services_of
from crm.fields import catalogue_of_model
from crm.history import comment_add, render_for_reader
from crm.items import EditConflict
from crm.rights_api.shares import ItemSharesMixin
from crm.serializer_fields import CustomValuesField, list_entry_field
from crm.validators import parse_id
from timeline.api import EventSerializer
from timeline.models import Event


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def exception_handler(exc, context):
    """Services raise Django's ValidationError and PermissionDenied; answer them as DRF would.

    A ValidationError with a field dict becomes ``{"field": ["message"]}``; one without fields
    becomes ``{"detail": "message"}``. Both are 400s; PermissionDenied is a 403. An EditConflict
    (an update made on an outdated copy) is a 409 with the item as it is now and what changed.
    A body over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413, and JSON nested too deeply for the parser
    a 400, both with ``{"detail": ...}`` like every other refusal of the API.
    """
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge(
            _("The request body is larger than %(size)d bytes.")
            % {"size": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        )
    elif isinstance(exc, RecursionError) and _raised_while_parsing(exc):
        exc = exceptions.ParseError(_("JSON parse error: the body is nested too deeply."))
    if isinstance(exc, EditConflict):
        set_rollback()
        return _conflict_response(exc, context)
    if isinstance(exc, ObjectDoesNotExist):
        # The item was deleted while the request was working on it (a move racing a delete).
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(exc.message_dict)
        else:
            exc = exceptions.ValidationError({"detail": " ".join(exc.messages)})
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict):
        exc.detail = {key: _said_once(messages) for key, messages in exc.detail.items()}
    return drf_exception_handler(exc, context)


@csrf_exempt  # a refusal, like every API answer, whatever cookies come with it
def not_found(request, path=""):
    """The answer to an address under /api/ that names no endpoint: JSON like every other
    refusal of the API, not Django's HTML page."""
    return JsonResponse({"detail": str(exceptions.NotFound.default_detail)}, status=404)


def _said_once(messages):
    """A field's messages without repeats: a serializer field and its model column (see
    crm.apps) both refuse a NUL character, with the same words."""
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return list(dict.fromkeys(messages))
    return messages


def _raised_while_parsing(exc: BaseException) -> bool:
    """Whether ``exc`` comes from parsing the request body (and not from a bug elsewhere)."""
    return any(
        frame.f_code is Request._parse.__code__
        for frame, _line in traceback.walk_tb(exc.__traceback__)
    )


def _conflict_response(exc: EditConflict, context) -> Response:
    view = context.get("view")
    current = {"id": exc.item.pk, "version": getattr(exc.item, "version", None)}
    represent = getattr(view, "represent", None)
    if represent is not None:
        # Out of the reader's reach by now: the version alone is all they get.
        with contextlib.suppress(Http404, PermissionDenied):
            current = represent(exc.item)
    return Response(
        {"detail": str(exc), "current": current, "changes": exc.theirs},
        status=status.HTTP_409_CONFLICT,
    )


def query_parameters(request, serializer_class) -> dict:
    """The query parameters ``serializer_class`` declares (also what the schema documents,
    ``extend_schema(parameters=[serializer_class])``), parsed as typed: a 400 otherwise.
    A plain DRF serializer: query parameters are text, to be parsed."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class ServiceWriteMixin:
    """For viewsets whose writes go through services: shape-check the input with a serializer."""

    def validated_input(self, serializer_class, partial: bool = False) -> dict:
        serializer = serializer_class(
            data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class CheckedCursorPagination(CursorPagination):
    """Cursor pagination that checks what it is given before any query.

    A cursor whose position is not a value of the first sort key is refused like any invalid
    cursor (404 "Invalid cursor"): a tampered cursor never reaches the database. A
    ``page_size`` that is no whole number from 1 is a 400, as the schema says (DRF would
    silently use the default); one above ``max_page_size`` is served as that maximum.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        given = request.query_params.get(self.page_size_query_param)
        if given is None:
            return self.page_size
        size = parse_id(given)
        if size is None:
            message = _("Give a whole number from 1 (at most %(max)d are served).")
            raise exceptions.ValidationError(
                {self.page_size_query_param: [message % {"max": self.max_page_size}]}
            )
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["minimum"] = 1
                parameter["description"] = _(
                    "Results per page, at most %(max)d (a larger number is served as %(max)d)."
                ) % {"max": self.max_page_size}
        return parameters

    def decode_cursor(self, request):
        cursor = super().decode_cursor(request)
        if cursor is not None and cursor.position is not None:
            field = _sort_field(self.model, self.ordering[0].lstrip("-"))
            try:
                # The checks of the column itself (number, date, length, text it can hold).
                field.run_validators(field.to_python(cursor.position))
            except DjangoValidationError:
                raise exceptions.NotFound(self.invalid_cursor_message) from None
        return cursor


class FilterSetCursorPagination(CheckedCursorPagination):
    """Cursor pagination in the order asked for by the view's FilterSet ``ordering`` parameter.

    Newest first (``-id``) when no order is asked for; ``id`` is always the last sort key, so
    rows with equal values keep one stable order from page to page.
    """

    ordering = "-id"

    def get_ordering(self, request, queryset, view):
        requested = _requested_ordering(request, getattr(view, "filterset_class", None))
        if not requested:
            return super().get_ordering(request, queryset, view)
        if not {"id", "-id", "pk", "-pk"} & set(requested):
            requested.append("-id")
        return tuple(requested)


def _sort_field(model, path: str):
    *relations, name = path.split(LOOKUP_SEP)
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    return model._meta.pk if name == "pk" else model._meta.get_field(name)


def _requested_ordering(request, filterset_class) -> list[str]:
    if filterset_class is None:
        return []
    for name, filter_ in filterset_class.base_filters.items():
        if isinstance(filter_, django_filters.OrderingFilter):
            params = request.query_params.get(name, "").split(",")
            known = set(filter_.param_map)
            return [
                filter_.get_ordering_value(param.strip())
                for param in params
                if param.strip().lstrip("-") in known
            ]
    return []


class RestrictedModelViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Read access to CRM items, always through ``Model.objects.restrict(user, action)``.

    ``queryset`` names the model (only its model is used); ``queryset_select_related`` and
    ``queryset_prefetch_related`` say what a page of items needs in a fixed number of queries.
    The action is ``read`` for safe methods, ``delete`` for DELETE and ``update`` otherwise; an
    ``@action`` may set another one with ``restrict_action="read"``. An item out of the user's
    read scope is a 404; one they may read but not change is a 403.

    Subclasses may not override ``get_queryset``, ``get_object`` or ``restricted_queryset``
    (refused with ImproperlyConfigured when the class is defined), so the restriction cannot be
    dropped by accident.
    """

    queryset = None
    queryset_select_related: tuple[str, ...] = ()
    queryset_prefetch_related: tuple = ()
    restricted_related_ids: dict = {}  # relation name -> model, prefetched through restrict()
    restrict_action: str | None = None
    pagination_class = FilterSetCursorPagination

    _final_methods = ("get_queryset", "get_object", "restricted_queryset")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in cls._final_methods:
            if getattr(cls, name) is not getattr(RestrictedModelViewSet, name):
                raise ImproperlyConfigured(
                    f"{cls.__name__} overrides {name}(); restricted viewsets read only through "
                    "Model.objects.restrict(): use queryset_select_related / "
                    "queryset_prefetch_related instead."
                )
        if cls.queryset is not None and not hasattr(cls.queryset.model.objects, "restrict"):
            raise ImproperlyConfigured(f"{cls.queryset.model.__name__} has no restrict().")

    def restricted_queryset(self, action: str):
        queryset = self.queryset.model.objects.restrict(self.request.user, action)
        if self.queryset_select_related:
            queryset = queryset.select_related(*self.queryset_select_related)
        if self.queryset_prefetch_related:
            queryset = queryset.prefetch_related(*self.queryset_prefetch_related)
        for relation, model in self.restricted_related_ids.items():
            # Linked items are shown by id, and only those the user may read themselves.
            readable = model.objects.restrict(self.request.user, "read").only("id").order_by("id")
            queryset = queryset.prefetch_related(Prefetch(relation, queryset=readable))
        return queryset

    def current_restrict_action(self) -> str:
        if self.restrict_action:
            return self.restrict_action
        if self.request.method in SAFE_METHODS:
            return "read"
        return "delete" if self.request.method == "DELETE" else "update"

    def get_queryset(self):
        return self.restricted_queryset(self.current_restrict_action())

    def get_object(self):
        lookup = {self.lookup_field: self.kwargs[self.lookup_url_kwarg or self.lookup_field]}
        action = self.current_restrict_action()
        try:
            item = get_object_or_404(self.restricted_queryset(action), **lookup)
        except Http404:
            if action != "read" and self._readable(lookup):
                raise PermissionDenied from None
            raise
        self.check_object_permissions(self.request, item)
        return item

    def _readable(self, lookup: dict) -> bool:
        try:
            return self.restricted_queryset("read").filter(**lookup).exists()
        except (TypeError, ValueError, DjangoValidationError):
            return False

    def represent(self, item) -> dict:
        """The item as the API shows it, read again through the user's read scope."""
        fresh = get_object_or_404(self.restricted_queryset("read"), pk=item.pk)
        return self.serializer_class(fresh, context=self.get_serializer_context()).data


class ItemViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    RestrictedModelViewSet,
):
    """Full CRUD of a CRM item: serializers check shape, the item type's registered services
    (``crm.entities``; ``item_services`` to name others) do every write.

    Updates take an optional ``version`` (the version the client edited) and pass it on as
    ``expected_version``; an outdated one is answered with a 409 by ``exception_handler``.
    ``create_serializer_class`` may accept more than the representation (links on create).
    PUT requires the required fields, PATCH none; with both, fields left out keep their values.
    """

    item_services: ItemServices | None = None  # default: the registered type's services
    create_serializer_class = None

    @property
    def services(self) -> ItemServices:
        return self.item_services or services_of(self.queryset.model)

    def create(self, request, *args, **kwargs):
        serializer_class = self.create_serializer_class or self.get_serializer_class()
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        item = self.services.create_item(request.user, data)
        return Response(self.represent(item), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        item = self.get_object()
        serializer = self.get_serializer(item, data=request.data, partial=kwargs.get("partial"))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        item = self.services.update_item(request.user, item, version, data)
        return Response(self.represent(item))

    def destroy(self, request, *args, **kwargs):
        self.services.delete_item(request.user, self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


def code_filters(**list_codes) -> list[OpenApiParameter]:
    """Reference-value filters take entry codes (``?type=CUSTOMER&type=PARTNER``)."""
    return [
        OpenApiParameter(
            name,
            str,
            many=True,
            explode=True,
            allow_blank=True,  # as every filter of the list page: empty is no filter
            description=f"Codes of entries of the {list_code} reference list.",
        )
        for name, list_code in list_codes.items()
    ]


class TimelinePagination(CheckedCursorPagination):
    ordering = ("-created_at", "-id")


class CommentSerializer(Serializer):
    text = serializers.CharField(max_length=20_000)


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
        events = Event.objects.of_item(self.get_object()).select_related("author", "on_behalf_of")
        page = render_for_reader(self.paginate_queryset(events), request.user)
        return self.get_paginated_response(EventSerializer(page, many=True).data)

    @extend_schema(request=CommentSerializer, responses={201: EventSerializer})
    @timeline.mapping.post
    def timeline_comment(self, request, pk=None):
        """Add a comment to the item's history."""
        data = self.validated_input(CommentSerializer)
        event = comment_add(user=request.user, item=self.get_object(), text=data["text"])
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)


def active_users():
    return get_user_model().objects.filter(is_active=True)


ITEM_READ_ONLY = ["id", "created_at", "modified_at", "created_by", "modified_by"]


def item_api_fields(model, *extra: str) -> list[str]:
    """An item serializer's ``Meta.fields``: its id, the fields of its catalogue (the
    declared ones), ``custom`` (the custom values), ``extra`` (read-only links such as a lead's
    conversion results), and its version and bookkeeping."""
    codes = [field.code for field in catalogue_of_model(model, custom=False)]
    return ["id", *codes, "custom", *extra, "version", *ITEM_READ_ONLY[1:]]


class ItemSerializer(ModelSerializer):
    """What every CRM item's serializer has: its responsible person and its version; a field
    holding a reference-list entry is given and shown by its code (from the catalogue), unless
    the serializer declares it."""

    custom = CustomValuesField()

    def build_relational_field(self, field_name, relation_info):
        declared = catalogue_of_model(self.Meta.model, custom=False)
        field = next((f for f in declared if f.code == field_name), None)
        if field is not None and field.reference_list and list_entry_field(field):
            return list_entry_field(field)
        return super().build_relational_field(field_name, relation_info)

    responsible = serializers.PrimaryKeyRelatedField(
        queryset=active_users(), required=False, help_text="Id of an active user."
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="On update: the version you edited; an outdated one is answered with 409.",
    )
