"""How history events look in every API (companies, contacts, roles, later deals)."""

from django.contrib.contenttypes.models import ContentType
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Event


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.CharField(help_text="Empty for an item you may not read.")
    new = serializers.CharField(help_text="Empty for an item you may not read.")
    old_hidden = serializers.BooleanField(
        required=False, help_text="True when the old value is an item you may not read."
    )
    new_hidden = serializers.BooleanField(
        required=False, help_text="True when the new value is an item you may not read."
    )


class RelatedItemSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="Model of the other item: company, contact, ...")
    id = serializers.IntegerField(allow_null=True, help_text="Null for an item you may not read.")
    label = serializers.CharField(help_text="Empty for an item you may not read.")


class EventSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()
    changes = ChangeSerializer(many=True, read_only=True)
    related = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = ["id", "kind", "author", "author_name", "created_at", "changes", "text", "related"]
        read_only_fields = fields

    def get_author_name(self, event) -> str:
        author = event.author
        if author is None:
            return ""
        return author.get_full_name() or author.get_username()

    @extend_schema_field(RelatedItemSerializer(allow_null=True))
    def get_related(self, event):
        if event.related_type_id is None:
            return None
        return {
            "type": ContentType.objects.get_for_id(event.related_type_id).model,
            "id": None if getattr(event, "related_hidden", False) else event.related_id,
            "label": event.related_label,
        }


class CommentSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20_000)
