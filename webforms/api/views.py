"""``/api/v1/webforms/``: forms (CRUD through ``webforms.services``) and, under each, its
submissions (newest first, ``?status=``) with ``POST .../<id>/retry/`` and ``POST
.../purge-spam/``. The settings
right reads and writes both: submissions hold what visitors typed."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accessrights.api import SettingsRight
from crm.api import CheckedCursorPagination, ServiceWriteMixin

from .. import services
from ..filters import SubmissionFilterSet
from ..models import Submission, WebForm
from ..reading import created_items
from .serializers import (
    SpamPurgeSerializer,
    SubmissionSerializer,
    WebFormSerializer,
    WebFormWriteSerializer,
)


class NewestFirst(CheckedCursorPagination):
    ordering = ("-id",)


class WebFormViewSet(
    ServiceWriteMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Web forms with their fields, public addresses and embed snippet."""

    serializer_class = WebFormSerializer
    permission_classes = [SettingsRight]
    pagination_class = NewestFirst
    queryset = WebForm.objects.prefetch_related("fields", "responsibles")
    lookup_value_regex = "[0-9]+"

    @extend_schema(request=WebFormWriteSerializer, responses={201: WebFormSerializer})
    def create(self, request):
        data = self.validated_input(WebFormWriteSerializer)
        form = services.webform_create(user=request.user, **data)
        return Response(self._read(form), status=status.HTTP_201_CREATED)

    @extend_schema(request=WebFormWriteSerializer, responses=WebFormSerializer)
    def partial_update(self, request, pk):
        data = self.validated_input(WebFormWriteSerializer, partial=request.method == "PATCH")
        form = services.webform_update(user=request.user, form=self.get_object(), **data)
        return Response(self._read(form))

    @extend_schema(request=WebFormWriteSerializer, responses=WebFormSerializer)
    def update(self, request, pk):
        return self.partial_update(request, pk)

    def destroy(self, request, pk):
        services.webform_delete(user=request.user, form=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _read(self, form: WebForm) -> dict:
        return self.get_serializer(self.get_queryset().get(pk=form.pk)).data


@extend_schema(parameters=[OpenApiParameter("form_pk", int, OpenApiParameter.PATH)])
class SubmissionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The submissions of one form, newest first; a failed one can be processed again."""

    serializer_class = SubmissionSerializer
    permission_classes = [SettingsRight]
    pagination_class = NewestFirst
    filterset_class = SubmissionFilterSet
    queryset = Submission.objects.none()  # the schema's model; get_queryset() is the form's
    lookup_value_regex = "[0-9]+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Submission.objects.none()
        form = get_object_or_404(WebForm, pk=self.kwargs["form_pk"])
        return Submission.objects.filter(form=form)

    def list(self, request, form_pk):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._read(page))

    @extend_schema(request=None, responses=SubmissionSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, form_pk, pk):
        submission = services.submission_retry(user=request.user, submission=self.get_object())
        return Response(self._read([submission])[0])

    @extend_schema(request=None, responses=SpamPurgeSerializer)
    @action(detail=False, methods=["post"], url_path="purge-spam")
    def purge_spam(self, request, form_pk):
        """Delete the form's spam submissions."""
        form = get_object_or_404(WebForm, pk=form_pk)
        deleted = services.submissions_purge_spam(user=request.user, form=form)
        return Response({"deleted": deleted})

    def _read(self, submissions):
        context = {"created_items": created_items(submissions, self.request.user)}
        return SubmissionSerializer(submissions, many=True, context=context).data
