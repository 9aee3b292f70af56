"""``/api/v1/imports/``: upload a file (multipart) as a draft or started at once, start a
draft, follow it, read its rejected rows, undo it. Every step goes through
``importexport.imports``; a user sees only their own imports (a superuser every one)."""

import json

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response

from crm.api import CheckedCursorPagination, TimelinePagination
from crm.api_serializers import Serializer

from .. import imports
from ..models import DuplicateMode, ImportJob, ImportRow, RowOutcome


class _JSONText(serializers.CharField):
    """A form field holding JSON text of ``kind`` (an object or a list)."""

    def __init__(self, *, kind: type, **kwargs):
        self.kind = kind
        super().__init__(max_length=100_000, **kwargs)

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            value = json.loads(text)
        except ValueError:
            raise serializers.ValidationError("Give JSON.") from None
        if not isinstance(value, self.kind):
            raise serializers.ValidationError(f"Give a JSON {self.kind.__name__}.")
        return value


class ImportOptionsSerializer(Serializer):
    mapping = serializers.DictField(child=serializers.CharField(allow_blank=True, max_length=60),
                                    required=False)  # fmt: skip
    duplicates = serializers.ChoiceField(choices=DuplicateMode.choices, required=False)
    match_by = serializers.ListField(
        child=serializers.ChoiceField(choices=list(imports.MATCH_SIGNALS)), required=False,
        max_length=3,
    )  # fmt: skip
    defaults = serializers.DictField(child=serializers.CharField(max_length=1000), required=False)


class ImportUploadSerializer(serializers.Serializer):
    """A multipart upload: options as form fields, objects and lists as JSON text."""

    file = serializers.FileField()
    entity = serializers.ChoiceField(choices=[])  # the registry's, when it is full (below)
    encoding = serializers.ChoiceField(
        choices=["", "utf-8", "utf-16", "windows-1251", "windows-1252"], required=False, default=""
    )
    delimiter = serializers.ChoiceField(
        choices=["", ";", ",", "\t", "|"], required=False, default=""
    )
    mapping = _JSONText(kind=dict, required=False, help_text='{"header": "field code or empty"}')
    duplicates = serializers.ChoiceField(choices=DuplicateMode.choices, required=False)
    match_by = _JSONText(kind=list, required=False, help_text='["phone", "email", "name"]')
    defaults = _JSONText(kind=dict, required=False, help_text='{"field code": "value"}')
    start = serializers.BooleanField(required=False, default=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["entity"].choices = imports.importable()


class ImportColumnSerializer(Serializer):
    header = serializers.CharField()
    field = serializers.CharField(allow_blank=True)
    samples = serializers.ListField(child=serializers.CharField(allow_blank=True))


class ImportSerializer(Serializer):
    id = serializers.IntegerField()
    entity = serializers.CharField()
    status = serializers.CharField()
    file_name = serializers.CharField()
    encoding = serializers.CharField()
    delimiter = serializers.CharField()
    duplicates = serializers.CharField()
    total = serializers.IntegerField(allow_null=True)
    processed = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    skipped = serializers.IntegerField()
    failed = serializers.IntegerField()
    error = serializers.CharField(allow_blank=True)
    columns = ImportColumnSerializer(many=True)


class RejectedRowSerializer(Serializer):
    line = serializers.IntegerField()
    cells = serializers.ListField(child=serializers.CharField(allow_blank=True))
    reason = serializers.CharField()


def import_data(draft: ImportJob, samples: list[list[str]] | None = None) -> dict:
    job = draft.job
    samples = samples or []
    return {
        "id": draft.pk, "entity": draft.entity, "status": draft.status,
        "file_name": draft.file_name, "encoding": draft.encoding, "delimiter": draft.delimiter,
        "duplicates": draft.duplicates,
        "total": job.total if job else None,
        "processed": (job.done + job.failed) if job else 0,
        "created": draft.created, "updated": draft.updated, "skipped": draft.skipped,
        "failed": draft.failed, "error": job.error if job else "",
        "columns": [
            {"header": header, "field": draft.mapping.get(header, ""),
             "samples": [row[n] if n < len(row) else "" for row in samples]}
            for n, header in enumerate(draft.headers)
        ],
    }  # fmt: skip


class RowPagination(CheckedCursorPagination):
    ordering = ("id",)  # the file's order


def _options(data: dict) -> dict:
    return {k: data[k] for k in ("mapping", "duplicates", "match_by", "defaults") if k in data}


class ImportViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Imports of the signed-in user."""

    parser_classes = [JSONParser, MultiPartParser]
    serializer_class = ImportSerializer
    pagination_class = TimelinePagination
    queryset = ImportJob.objects.none()  # the schema's model; get_queryset() is the user's
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ImportJob.objects.none()
        rows = ImportJob.objects.select_related("job").order_by("-id")
        user = self.request.user
        return rows if user.is_superuser else rows.filter(requester=user)

    def _draft(self, pk) -> ImportJob:
        draft = self.get_queryset().filter(pk=pk).first()
        if draft is None:
            raise Http404
        return draft

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([import_data(d) for d in page])

    @extend_schema(request={"multipart/form-data": ImportUploadSerializer},
                   responses={201: ImportSerializer})  # fmt: skip
    def create(self, request):
        given = ImportUploadSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        upload = data["file"]
        draft = imports.import_upload(
            user=request.user, entity=data["entity"], file=upload, name=upload.name,
            encoding=data["encoding"], delimiter=data["delimiter"],
        )  # fmt: skip
        options = _options(data)
        if data["start"]:
            draft = imports.import_start(user=request.user, import_job=draft, **options)
        elif options:
            imports.import_configure(user=request.user, import_job=draft, **options)
        return Response(import_data(draft, imports.preview(draft)), status=status.HTTP_201_CREATED)

    @extend_schema(responses=ImportSerializer)
    def retrieve(self, request, pk=None):
        return Response(import_data(self._draft(pk)))

    @extend_schema(request=ImportOptionsSerializer, responses=ImportSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def start(self, request, pk=None):
        draft = self._draft(pk)
        given = ImportOptionsSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        draft = imports.import_start(user=request.user, import_job=draft,
                                     **_options(given.validated_data))  # fmt: skip
        return Response(import_data(draft))

    @extend_schema(responses=RejectedRowSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=RowPagination)
    def errors(self, request, pk=None):
        draft = self._draft(pk)
        rows = ImportRow.objects.filter(import_job=draft, outcome=RowOutcome.FAILED)
        page = self.paginate_queryset(rows)
        shown = [{"line": r.line, "cells": r.cells, "reason": r.reason} for r in page]
        return self.get_paginated_response(shown)

    @extend_schema(request=None, responses=ImportSerializer)
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def undo(self, request, pk=None):
        draft = self._draft(pk)
        imports.import_undo(user=request.user, import_job=draft)
        return Response(import_data(self._draft(pk)))
