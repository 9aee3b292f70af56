"""How history events look in every API (companies, contacts, roles, later deals)."""

from django.contrib.contenttypes.models import ContentType
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from people.naming import person_label

from .doors import DoorKind
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


class DoorSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DoorKind.choices)
    id = serializers.IntegerField(
        allow_null=True, help_text="The import job, web form or webhook; null for other doors."
    )


class EventSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()
    door = serializers.SerializerMethodField()
    on_behalf_of_name = serializers.SerializerMethodField()
    actor = serializers.SerializerMethodField()
    changes = ChangeSerializer(many=True, read_only=True)
    related = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = [
            "id", "kind", "author", "author_name", "door", "on_behalf_of", "on_behalf_of_name",
            "actor", "created_at", "changes", "text", "related",
        ]  # fmt: skip
        read_only_fields = fields
        extra_kwargs = {
            "author": {"help_text": "The user whose rights the write used; null for none."},
            "on_behalf_of": {"help_text": "The user the door acted for (an import's uploader)."},
        }

    def get_author_name(self, event) -> str:
        return person_label(event.author)

    @extend_schema_field(DoorSerializer(allow_null=True))
    def get_door(self, event):
        """Through which door the event came; null for events recorded before doors were."""
        if not event.door:
            return None
        return {"kind": event.door, "id": event.door_id}

    def get_on_behalf_of_name(self, event) -> str:
        return person_label(event.on_behalf_of)

    def get_actor(self, event) -> str:
        """Who, for whom and through which door, as history reads it: "by Anna via API"."""
        return event.actor_line()

    @extend_schema_field(RelatedItemSerializer(allow_null=True))
    def get_related(self, event):
        if event.related_type_id is None:
            return None
        return {
            "type": ContentType.objects.get_for_id(event.related_type_id).model,
            "id": None if getattr(event, "related_hidden", False) else event.related_id,
            "label": event.related_label,
        }
