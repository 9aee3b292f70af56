from rest_framework import serializers

from crm.api_serializers import ModelSerializer, Serializer
from crm.serializer_fields import IdListField
from dictionaries.defaults import DEFAULT_COLOR
from dictionaries.models import Entry, Pipeline, Semantics


class ListSerializer(Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    is_stage_list = serializers.BooleanField()
    per_pipeline = serializers.BooleanField()
    entries_url = serializers.SerializerMethodField()

    def get_entries_url(self, spec) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(f"/api/v1/dictionaries/{spec.code}/entries/")


class EntrySerializer(ModelSerializer):
    class Meta:
        model = Entry
        fields = [
            "id",
            "code",
            "name",
            "original_name",
            "sort",
            "color",
            "is_system",
            "semantics",
            "pipeline",
        ]
        read_only_fields = fields


class EntryCreateSerializer(Serializer):
    name = serializers.CharField(max_length=100)
    code = serializers.CharField(max_length=50, required=False, default="")
    color = serializers.CharField(max_length=7, required=False, default=DEFAULT_COLOR)
    semantics = serializers.ChoiceField(choices=Semantics.values, required=False, default="")
    pipeline = serializers.PrimaryKeyRelatedField(
        queryset=Pipeline.objects.all(), required=False, allow_null=True, default=None
    )


class EntryUpdateSerializer(Serializer):
    name = serializers.CharField(max_length=100, required=False)
    color = serializers.CharField(max_length=7, required=False)


class ReorderSerializer(Serializer):
    ids = IdListField(allow_empty=False, max_length=10_000)


class EntryReorderSerializer(ReorderSerializer):
    pipeline = serializers.PrimaryKeyRelatedField(
        queryset=Pipeline.objects.all(), required=False, allow_null=True, default=None
    )


class PipelineSerializer(ModelSerializer):
    stages = EntrySerializer(many=True, read_only=True)

    class Meta:
        model = Pipeline
        fields = ["id", "name", "sort", "is_default", "stages"]
        read_only_fields = ["id", "sort", "is_default", "stages"]


class PipelineWriteSerializer(Serializer):
    name = serializers.CharField(max_length=100)
