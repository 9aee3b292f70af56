from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accessrights.api import SettingsRightOrReadOnly
from crm.api import ServiceWriteMixin
from dictionaries import services
from dictionaries.defaults import LISTS, LISTS_BY_CODE
from dictionaries.models import Entry, Pipeline

from .serializers import (
    EntryCreateSerializer,
    EntryReorderSerializer,
    EntrySerializer,
    EntryUpdateSerializer,
    ListSerializer,
    PipelineSerializer,
    PipelineWriteSerializer,
    ReorderSerializer,
)


class DictionaryViewSet(viewsets.ViewSet):
    """The reference lists: their codes, names and whether they are stage lists."""

    permission_classes = [SettingsRightOrReadOnly]
    lookup_field = "code"
    serializer_class = ListSerializer

    def list(self, request):
        return Response(ListSerializer(LISTS, many=True, context={"request": request}).data)

    @extend_schema(parameters=[OpenApiParameter("code", str, OpenApiParameter.PATH)])
    def retrieve(self, request, code=None):
        if code not in LISTS_BY_CODE:
            raise Http404
        return Response(ListSerializer(LISTS_BY_CODE[code], context={"request": request}).data)


class EntryViewSet(
    ServiceWriteMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Entries of one reference list; every change goes through ``dictionaries.services``.

    Deal stages (list DEAL_STAGE) belong to a pipeline: filter them with ``?pipeline=<id>`` and
    give ``pipeline`` when adding or reordering them.
    """

    serializer_class = EntrySerializer
    permission_classes = [SettingsRightOrReadOnly]
    pagination_class = None  # a reference list is short and always read whole
    filterset_fields = ["pipeline"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if kwargs["list_code"] not in LISTS_BY_CODE:
            raise Http404
        self.list_code = kwargs["list_code"]

    def get_queryset(self):
        return Entry.objects.filter(list_code=self.kwargs.get("list_code")).order_by(
            "pipeline__sort", "pipeline_id", "sort", "id"
        )

    @extend_schema(request=EntryCreateSerializer, responses=EntrySerializer)
    def create(self, request, list_code):
        data = self.validated_input(EntryCreateSerializer)
        entry = services.entry_create(user=request.user, list_code=list_code, **data)
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EntryUpdateSerializer, responses=EntrySerializer)
    def partial_update(self, request, list_code, pk):
        data = self.validated_input(EntryUpdateSerializer)
        entry = services.entry_update(user=request.user, entry=self.get_object(), **data)
        return Response(EntrySerializer(entry).data)

    @extend_schema(request=EntryUpdateSerializer, responses=EntrySerializer)
    def update(self, request, list_code, pk):
        return self.partial_update(request, list_code, pk)

    def destroy(self, request, list_code, pk):
        services.entry_delete(user=request.user, entry=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=EntrySerializer)
    @action(detail=True, methods=["post"])
    def reset(self, request, list_code, pk):
        """Give a default entry back its original name."""
        entry = services.entry_reset(user=request.user, entry=self.get_object())
        return Response(EntrySerializer(entry).data)

    @extend_schema(request=EntryReorderSerializer, responses=EntrySerializer(many=True))
    @action(detail=False, methods=["post"])
    def reorder(self, request, list_code):
        """Put the list in a new order: ``ids`` names every entry of the list exactly once."""
        data = self.validated_input(EntryReorderSerializer)
        entries = services.entries_reorder(user=request.user, list_code=list_code, **data)
        return Response(EntrySerializer(entries, many=True).data)


class PipelineViewSet(
    ServiceWriteMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Deal pipelines with their stages in order; a new pipeline gets the default stages."""

    serializer_class = PipelineSerializer
    permission_classes = [SettingsRightOrReadOnly]
    pagination_class = None
    queryset = Pipeline.objects.prefetch_related(
        Prefetch("stages", queryset=Entry.objects.order_by("sort", "id"))
    )

    @extend_schema(request=PipelineWriteSerializer, responses=PipelineSerializer)
    def create(self, request):
        data = self.validated_input(PipelineWriteSerializer)
        pipeline = services.pipeline_create(user=request.user, **data)
        return Response(self._read(pipeline), status=status.HTTP_201_CREATED)

    @extend_schema(request=PipelineWriteSerializer, responses=PipelineSerializer)
    def partial_update(self, request, pk):
        data = self.validated_input(PipelineWriteSerializer, partial=request.method == "PATCH")
        pipeline = self.get_object()
        if data:  # a PATCH without a name keeps it
            pipeline = services.pipeline_update(user=request.user, pipeline=pipeline, **data)
        return Response(self._read(pipeline))

    @extend_schema(request=PipelineWriteSerializer, responses=PipelineSerializer)
    def update(self, request, pk):
        return self.partial_update(request, pk)

    def destroy(self, request, pk):
        services.pipeline_delete(user=request.user, pipeline=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=ReorderSerializer, responses=PipelineSerializer(many=True))
    @action(detail=False, methods=["post"])
    def reorder(self, request):
        """Put the pipelines in a new order: ``ids`` names every pipeline exactly once."""
        data = self.validated_input(ReorderSerializer)
        services.pipelines_reorder(user=request.user, **data)
        return Response(PipelineSerializer(self.get_queryset(), many=True).data)

    def _read(self, pipeline: Pipeline) -> dict:
        return PipelineSerializer(self.get_queryset().get(pk=pipeline.pk)).data
