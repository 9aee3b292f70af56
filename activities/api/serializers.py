from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.api import active_users
from crm.api_serializers import ModelSerializer, Serializer

from ..items import item_type_keys, key_of_type
from ..models import Activity


class ItemTypeField(serializers.ChoiceField):
    """A registered item type by its key (``company``, ``contact``, ``deal``, ``lead``)."""

    def __init__(self, **kwargs):
        super().__init__(choices=item_type_keys(), **kwargs)

    def to_representation(self, value):
        return key_of_type(value)


READ_ONLY = [
    "id", "done", "completed_at", "completed_by", "result", "entity", "item_id",
    "item_label", "created_at", "created_by", "modified_at", "modified_by",
]  # fmt: skip


class ActivitySerializer(ModelSerializer):
    entity = ItemTypeField(
        source="item_type_id", read_only=True, help_text="The type of the item it belongs to."
    )
    item_label = serializers.SerializerMethodField()
    responsible = serializers.PrimaryKeyRelatedField(
        queryset=active_users(), required=False, help_text="Id of an active user."
    )

    class Meta:
        model = Activity
        fields = [
            "id", "kind", "subject", "description", "deadline", "duration", "responsible",
            "done", "completed_at", "completed_by", "result", "entity", "item_id",
            "item_label", "created_at", "created_by", "modified_at", "modified_by",
        ]  # fmt: skip
        read_only_fields = READ_ONLY
        extra_kwargs = {
            "deadline": {"help_text": "ISO 8601 date and time: a call's or meeting's time, "
                         "or a task's deadline; without an offset, in the server's time zone."},
            "item_id": {"help_text": "The id of the item it belongs to."},
        }  # fmt: skip

    @extend_schema_field(serializers.CharField())
    def get_item_label(self, activity) -> str:
        """The item's name; empty when you may not read the item (an activity of yours on
        an item out of your reach)."""
        item = getattr(activity, "readable_item", None)
        return str(item) if item is not None else ""


class ActivityCreateSerializer(ActivitySerializer):
    entity = ItemTypeField(help_text="The type of the item it belongs to.")
    item_id = serializers.IntegerField(
        min_value=1, help_text="The id of the item: one you may read (otherwise 400, as an "
        "item that does not exist)."
    )  # fmt: skip

    class Meta(ActivitySerializer.Meta):
        read_only_fields = [name for name in READ_ONLY if name not in ("entity", "item_id")]


class CompleteSerializer(Serializer):
    result = serializers.CharField(max_length=20_000, required=False, allow_blank=True)
