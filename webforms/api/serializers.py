from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.api_serializers import ModelSerializer, Serializer
from dictionaries.models import Entry, Pipeline

from ..models import Scheme, SubmissionStatus, Target, WebForm


class WebFormFieldSerializer(Serializer):
    name = serializers.SlugField(max_length=60)
    target = serializers.ChoiceField(choices=Target.choices)
    code = serializers.CharField(max_length=60)
    label = serializers.CharField(max_length=200)
    placeholder = serializers.CharField(max_length=200, allow_blank=True, required=False)
    required = serializers.BooleanField(required=False)


class WebFormWriteSerializer(Serializer):
    """A form as given to ``webform_create`` / ``webform_update``: ``fields`` and
    ``responsibles``, when given, replace the whole lists."""

    name = serializers.CharField(max_length=200)
    scheme = serializers.ChoiceField(choices=Scheme.choices, required=False)
    pipeline = serializers.PrimaryKeyRelatedField(
        queryset=Pipeline.objects.all(), allow_null=True, required=False
    )
    stage = serializers.PrimaryKeyRelatedField(
        queryset=Entry.objects.filter(list_code="DEAL_STAGE"), allow_null=True, required=False
    )
    source = serializers.PrimaryKeyRelatedField(
        queryset=Entry.objects.filter(list_code="SOURCE"), allow_null=True, required=False
    )
    responsibles = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), many=True
    )
    success_message = serializers.CharField(max_length=500, allow_blank=True, required=False)
    redirect_url = serializers.CharField(max_length=500, allow_blank=True, required=False)
    allowed_origins = serializers.ListField(
        child=serializers.CharField(max_length=200), max_length=50, required=False
    )
    proof_of_work = serializers.BooleanField(required=False)
    languages = serializers.ListField(
        child=serializers.ChoiceField(choices=settings.LANGUAGES), max_length=10, required=False,
        help_text="The languages of the form's page (codes of the CRM's languages); empty: all.",
    )  # fmt: skip
    active = serializers.BooleanField(required=False)
    fields = WebFormFieldSerializer(many=True, max_length=100)


class WebFormSerializer(ModelSerializer):
    allowed_origins = serializers.ListField(child=serializers.CharField())
    languages = serializers.ListField(child=serializers.CharField())
    fields = WebFormFieldSerializer(many=True, source="fields.all")
    page_url = serializers.SerializerMethodField()
    submit_url = serializers.SerializerMethodField()
    embed = serializers.SerializerMethodField(
        help_text="The line that shows the form on a page of an allowed site."
    )

    class Meta:
        model = WebForm
        fields = ["id", "key", "name", "scheme", "pipeline", "stage", "source", "responsibles",
                  "success_message", "redirect_url", "allowed_origins", "proof_of_work",
                  "languages", "active", "fields", "page_url", "submit_url", "embed", "created_at",
                  "modified_at"]  # fmt: skip
        read_only_fields = fields

    def _url(self, form: WebForm, name: str) -> str:
        return self.context["request"].build_absolute_uri(reverse(name, args=[form.key]))

    @extend_schema_field(OpenApiTypes.URI)
    def get_page_url(self, form: WebForm) -> str:
        return self._url(form, "webforms:page")

    @extend_schema_field(OpenApiTypes.URI)
    def get_submit_url(self, form: WebForm) -> str:
        return self._url(form, "webforms:submit")

    @extend_schema_field(OpenApiTypes.STR)
    def get_embed(self, form: WebForm) -> str:
        return f'<script src="{self._url(form, "webforms:embed")}" async></script>'


class SubmissionSerializer(Serializer):
    id = serializers.IntegerField()
    received_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=SubmissionStatus.choices)
    error = serializers.CharField()
    data = serializers.DictField(help_text="The fields as posted.")
    origin = serializers.CharField()
    ip = serializers.IPAddressField(allow_null=True)
    user_agent = serializers.CharField()
    created = serializers.SerializerMethodField(
        help_text="The ids of the items it created or reused, by kind: those you may read."
    )

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_created(self, submission) -> dict:
        readable = self.context["created_items"][submission.pk]
        return {item._meta.model_name: item.pk for item in readable}


class SpamPurgeSerializer(Serializer):
    deleted = serializers.IntegerField(help_text="How many spam submissions were deleted.")
