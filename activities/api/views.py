"""Activities through the API: read through ``Activity.objects.restrict()`` (an activity out
of reach is a 404; one you may read but not change, a 403), written through
``activities.services``; the list's filters are those of ``ActivityFilterSet``."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.relations import PrimaryKeyRelatedField
from rest_framework.response import Response

from crm.api import RestrictedModelViewSet, ServiceWriteMixin

from .. import services
from ..filters import ActivityFilterSet
from ..items import ItemNotFound, name_items, readable_item
from ..models import Activity
from .serializers import ActivityCreateSerializer, ActivitySerializer, CompleteSerializer

FIELDS = set(services.FIELDS)


@extend_schema_view(
    create=extend_schema(request=ActivityCreateSerializer, responses={201: ActivitySerializer})
)
class ActivityViewSet(
    ServiceWriteMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    RestrictedModelViewSet,
):
    """Calls, meetings, tasks and e-mails planned on companies, contacts, deals and leads.

    You read the activities of the items you may read, and your own; you plan one on an item
    you may update, and change, complete or delete one of such an item, or your own.
    """

    queryset = Activity.objects.all()
    queryset_select_related = ("responsible",)
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilterSet

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return None if page is None else name_items(page, self.request.user)

    def represent(self, activity) -> dict:
        fresh = self.restricted_queryset("read").get(pk=activity.pk)
        return self.serializer_class(name_items([fresh], self.request.user)[0]).data

    def retrieve(self, request, *args, **kwargs):
        return Response(self.represent(self.get_object()))

    def create(self, request, *args, **kwargs):
        data = dict(self.validated_input(ActivityCreateSerializer))
        try:
            item = readable_item(request.user, data.pop("entity"), data["item_id"])
        except ItemNotFound:
            message = PrimaryKeyRelatedField.default_error_messages["does_not_exist"]
            raise exceptions.ValidationError(
                {"item_id": [message.format(pk_value=data["item_id"])]}
            ) from None
        data.pop("item_id")
        activity = services.activity_create(user=request.user, item=item, **data)
        return Response(self.represent(activity), status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        activity = self.get_object()
        data = self.validated_input(ActivitySerializer, partial=kwargs.get("partial", False))
        activity = services.activity_update(
            user=request.user, activity=activity, **{k: v for k, v in data.items() if k in FIELDS}
        )
        return Response(self.represent(activity))

    def destroy(self, request, *args, **kwargs):
        services.activity_delete(user=request.user, activity=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=CompleteSerializer, responses=ActivitySerializer)
    @action(detail=True, methods=["post"], filter_backends=[])
    def complete(self, request, pk=None):
        """Mark the activity done now, by you, with its ``result`` (400 when it is done
        already)."""
        activity = self.get_object()
        data = self.validated_input(CompleteSerializer)
        activity = services.activity_complete(
            user=request.user, activity=activity, result=data.get("result", "")
        )
        return Response(self.represent(activity))
