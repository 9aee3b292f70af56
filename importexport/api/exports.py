"""Exports through the API: ``POST /api/v1/exports/`` starts one (always in the background),
``GET /api/v1/exports/<id>/`` tells its progress, ``.../download/`` gives its file. An export
is its requester's (and superusers'): anyone else gets a 404, as for one that does not exist.
What is exported, and who may, is ``importexport.exports``'s business."""

from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from crm.api_serializers import Serializer, json_type_name
from crm.models import Job, JobStatus
from importexport import exports
from importexport.export_views import file_response
from importexport.writers import WRITERS

_SCALAR = (str, int, bool)
_QUERY_VALUE = {"oneOf": [{"type": "string"}, {"type": "integer"}, {"type": "boolean"}]}


@extend_schema_field({"oneOf": [*_QUERY_VALUE["oneOf"], {"type": "array", "items": _QUERY_VALUE}]})
class QueryValueField(serializers.Field):
    """A query parameter's value as JSON: text, a whole number or a boolean (sent as the
    list's query string would have it), or a list of them for a filter of several values."""

    def to_internal_value(self, data) -> list[str]:
        values = data if isinstance(data, list) else [data]
        for value in values:
            if not isinstance(value, _SCALAR):
                raise serializers.ValidationError(
                    _("Expected a string, an integer, a boolean or a list of them, received "
                      "%(received)s.") % {"received": json_type_name(value)}
                )  # fmt: skip
        return [str(value).lower() if isinstance(value, bool) else str(value) for value in values]

    def to_representation(self, value):
        return value


class ExportCreateSerializer(Serializer):
    entity = serializers.ChoiceField(choices=(), help_text="The item type: company, contact...")
    format = serializers.ChoiceField(choices=sorted(WRITERS))
    filter = serializers.DictField(
        child=QueryValueField(), required=False, default=dict,
        help_text="The list API's query parameters of the item type (``{\"type\": "
        "[\"CUSTOMER\"], \"responsible\": 3}``); none: every item.",
    )  # fmt: skip
    columns = serializers.ListField(
        child=serializers.CharField(max_length=60), required=False, min_length=1,
        max_length=500, help_text="Field codes (``GET /api/v1/fields/<entity>/``) and "
        "``created_at``, ``modified_at``, in order; none: the list's columns.",
    )  # fmt: skip
    delimiter = serializers.ChoiceField(choices=exports.DELIMITERS, required=False, default=";")

    def get_fields(self):
        fields = super().get_fields()
        fields["entity"].choices = [t.key for t in exports.exportable_types()]
        return fields


class ExportSerializer(Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=JobStatus.choices)
    entity = serializers.CharField()
    format = serializers.CharField()
    total = serializers.IntegerField(allow_null=True, help_text="Rows to write (null: not yet).")
    processed = serializers.IntegerField(help_text="Rows written.")
    download_url = serializers.URLField(
        allow_null=True, help_text="Where the file downloads once done, until it expires."
    )
    error = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    expires_at = serializers.DateTimeField(allow_null=True)


def _representation(request, job: Job) -> dict:
    url = None
    if exports.is_downloadable(job):
        url = request.build_absolute_uri(reverse("export-download", args=[job.pk]))
    return ExportSerializer(
        {
            "id": job.pk,
            "status": job.status,
            "entity": job.parameters.get("entity", ""),
            "format": job.parameters.get("format", ""),
            "total": job.total,
            "processed": job.done,
            "download_url": url,
            "error": job.error,
            "created_at": job.created_at,
            "finished_at": job.finished_at,
            "expires_at": exports.expires_at(job),
        }
    ).data


ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The export's number.")
FILES = {(200, writer.content_type.split(";")[0]): OpenApiTypes.BINARY
         for writer in WRITERS.values()}  # fmt: skip


class ExportViewSet(viewsets.ViewSet):
    """Exports of item lists to CSV or XLSX."""

    lookup_value_regex = "[0-9]{1,18}"

    def perform_content_negotiation(self, request, force=False):
        # A download answers with its file whatever the client accepts; refusals are JSON.
        return super().perform_content_negotiation(request, force or self.action == "download")

    def _export(self, pk) -> Job:
        job = exports.exports_of(self.request.user).filter(pk=pk).first()
        if job is None:
            raise Http404
        return job

    @extend_schema(request=ExportCreateSerializer, responses={201: ExportSerializer})
    def create(self, request):
        """Start an export of an item list (the rows are chosen when the worker runs it)."""
        given = ExportCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        query = QueryDict(mutable=True)
        for name, values in data["filter"].items():
            query.setlist(name, values)
        parameters = exports.export_parameters(
            user=request.user, entity=data["entity"], file_format=data["format"], query=query,
            columns=data.get("columns"), delimiter=data["delimiter"],
        )  # fmt: skip
        job = exports.export_start(user=request.user, parameters=parameters)
        return Response(_representation(request, job), status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ID], responses=ExportSerializer)
    def retrieve(self, request, pk=None):
        """An export's progress, and where its file downloads once done."""
        job = self._export(pk)
        return Response(_representation(request, job))

    @extend_schema(parameters=[ID], responses=FILES)
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The export's file, while it has not expired (a 404 otherwise)."""
        return file_response(request.user, pk)
