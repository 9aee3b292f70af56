from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from rest_framework import serializers

from accessrights.entities import rights_entities
from accessrights.models import Action, Department, Role, Scope
from accessrights.rights import SHARE_VERBS
from crm.api_serializers import ModelSerializer, Serializer
from crm.entities import entity_types
from crm.serializer_fields import BoundedListField, IdListField

MAX_CELLS = 2000  # a grid of 300 pipelines, with room for repeated cells


class CodeField(serializers.ChoiceField):
    """One of the codes of ``choices``; a wrong one is answered with the allowed codes."""

    def to_internal_value(self, data):
        if isinstance(data, str) and data in self.choice_strings_to_values:
            return self.choice_strings_to_values[data]
        raise serializers.ValidationError(
            _("“%(code)s” is not one of: %(allowed)s.")
            % {"code": data, "allowed": ", ".join(self.choice_strings_to_values)}
        )


# Departments


class DepartmentSerializer(ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
        help_text="Id of the parent department; null for a top-level one.",
    )
    head = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(),
        required=False,
        allow_null=True,
        help_text="Id of the user heading the department.",
    )
    members = IdListField(
        queryset=get_user_model().objects.all(),
        required=False,
        help_text="Ids of the users in the department (a whole list replaces the members).",
    )

    class Meta:
        model = Department
        fields = ["id", "name", "parent", "head", "members", "path"]
        read_only_fields = ["id", "path"]
        extra_kwargs = {"path": {"help_text": "Ids from the top down to it: /1/4/9/."}}


# Roles


class EntityField(CodeField):
    """A row of the rights grid: ``company``, ``contact``, ``lead``, ``deal`` (the default
    pipeline) or ``deal:<pipeline id>``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", self.__doc__)
        super().__init__(choices=(), **kwargs)

    def to_internal_value(self, data):
        if not self.choices:  # pipelines come and go: read them once per request, when used
            self.choices = rights_entities()
        return super().to_internal_value(data)


class EntityFieldSchema(OpenApiSerializerFieldExtension):
    """The entity codes as the schema is built, when every app has registered its types: a
    type's key, or ``<key>:<id>`` for a type whose rows are partitions (deals by pipeline,
    which come and go, hence a pattern and not a list)."""

    target_class = EntityField

    def map_serializer_field(self, auto_schema, direction):
        keys = [entity_type.key for entity_type in entity_types()]
        partitioned = [t.key for t in entity_types() if t.rights_rows]
        schema = {"type": "string", "description": EntityField.__doc__.strip()}
        if not partitioned:
            return {**schema, "enum": keys}
        pattern = "^({}):[0-9]+$".format("|".join(partitioned))
        return {**schema, "anyOf": [{"enum": keys}, {"pattern": pattern}]}


class PermissionCellSerializer(Serializer):
    entity = EntityField()
    action = CodeField(choices=Action.choices)
    scope = CodeField(choices=Scope.choices)


class PermissionGridField(BoundedListField):
    """A role's grid as ``[{"entity", "action", "scope"}]``; written whole (cells left out mean
    none). A bad cell is answered as ``Item <n>, <key>: <message>``."""

    child = PermissionCellSerializer()

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_CELLS)
        super().__init__(**kwargs)

    def get_attribute(self, role):
        return role.permissions.all()

    def to_representation(self, cells):
        entities = {code: index for index, (code, _label) in enumerate(rights_entities())}
        actions = list(Action.values)
        ordered = sorted(
            cells, key=lambda c: (entities.get(c.entity, len(entities)), actions.index(c.action))
        )
        return [{"entity": c.entity, "action": c.action, "scope": c.scope} for c in ordered]

    def run_child_validation(self, data):
        try:
            return super().run_child_validation(data)
        except serializers.ValidationError as error:
            raise serializers.ValidationError(_cell_messages(error.detail)) from None


def _cell_messages(errors: dict) -> list[str]:
    messages = []
    for index, detail in sorted(errors.items()):
        if isinstance(detail, dict):
            for key, key_messages in detail.items():
                prefix = "" if key == "non_field_errors" else f"{key}: "
                messages.extend(
                    _("Item %(n)d, %(message)s") % {"n": index + 1, "message": prefix + str(m)}
                    for m in key_messages
                )
        else:
            messages.extend(
                _("Item %(n)d, %(message)s") % {"n": index + 1, "message": str(m)} for m in detail
            )
    return messages


class RoleSerializer(ModelSerializer):
    permissions = PermissionGridField(
        required=False,
        help_text="The grid: entity x action -> scope. Written whole: cells left out mean none.",
    )
    users = IdListField(
        queryset=get_user_model().objects.all(),
        required=False,
        help_text="Ids of the users holding the role directly.",
    )
    departments = IdListField(
        queryset=Department.objects.all(),
        required=False,
        help_text="Ids of the departments holding the role (and every department below them).",
    )

    class Meta:
        model = Role
        fields = ["id", "name", "can_change_settings", "permissions", "users", "departments"]
        read_only_fields = ["id"]
        # accessrights.services checks names (case-insensitively) with its own message.
        extra_kwargs = {"name": {"validators": []}}


# Shares of single items


class ShareSerializer(Serializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="Id of the active user the item is shared with (or give group).",
    )
    group = serializers.PrimaryKeyRelatedField(
        queryset=Group.objects.all(),
        required=False,
        allow_null=True,
        help_text="Id of the group the item is shared with (or give user).",
    )
    actions = BoundedListField(
        child=CodeField(choices=list(SHARE_VERBS)),
        default=["read"],
        allow_empty=False,
        max_length=len(SHARE_VERBS),
        help_text="What the user or group may do with the item on top of their roles.",
    )

    def validate(self, data):
        if (data.get("user") is None) == (data.get("group") is None):
            raise serializers.ValidationError({"user": _("Give either a user or a group.")})
        return data
