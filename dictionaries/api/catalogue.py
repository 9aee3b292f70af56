"""The field catalogue served (``/api/v1/fields/<entity>/``: system and custom fields alike;
custom ones added, changed and deleted with the settings right) and card layouts
(``/api/v1/layouts/<entity>/``). Every write goes through ``dictionaries.custom_fields`` and
``dictionaries.card_layouts``."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from accessrights.api import SettingsRightOrReadOnly
from crm.api_serializers import Serializer
from crm.entities import entity_type, entity_type_of
from crm.fields import FieldKind, catalogue, hidden_fields, layout
from dictionaries import card_layouts, custom_fields
from dictionaries.models import CustomField

# The kind each system field shows, as custom fields name theirs.
SYSTEM_KINDS = {
    FieldKind.TEXT: "string", FieldKind.DECIMAL: "decimal", FieldKind.INTEGER: "integer",
    FieldKind.DATE: "date", FieldKind.DATETIME: "datetime", FieldKind.BOOL: "boolean",
    FieldKind.CHOICE: "list", FieldKind.REFERENCE: "list", FieldKind.USER: "user",
    FieldKind.CURRENCY: "string", FieldKind.PHONES: "phone", FieldKind.EMAILS: "email",
    FieldKind.WEBSITES: "url",
}  # fmt: skip
ENTITY = OpenApiParameter(
    "entity", str, OpenApiParameter.PATH, description="An item type: company, contact, deal, lead."
)
CODE = OpenApiParameter("code", str, OpenApiParameter.PATH, description="A custom field's code.")


def _kind(field) -> str:
    if field.custom:
        return field.custom_kind
    if field.kind == FieldKind.ITEM_LINK:
        return entity_type_of(field.related_model).key
    if field.kind == FieldKind.DECIMAL and field.unit:
        return "money"
    return SYSTEM_KINDS[field.kind]


class UsableInSerializer(Serializer):
    card = serializers.BooleanField()
    list_column = serializers.BooleanField()
    filter = serializers.BooleanField()
    import_ = serializers.BooleanField()
    export = serializers.BooleanField()
    web_form = serializers.BooleanField()

    def get_fields(self):
        fields = super().get_fields()
        fields["import"] = fields.pop("import_")
        return fields


class OptionSerializer(Serializer):
    id = serializers.IntegerField(required=False, min_value=1)
    label = serializers.CharField(max_length=255)


class CatalogueFieldSerializer(Serializer):
    """A field of an item type, as every door uses it."""

    code = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField(help_text="string, text, integer, decimal, money, date, "
                                 "datetime, boolean, list, url, email, phone, company, contact, "
                                 "deal or user.")  # fmt: skip
    bitrix24_code = serializers.CharField(allow_blank=True)
    required = serializers.BooleanField()
    multiple = serializers.BooleanField()
    read_only = serializers.BooleanField()
    is_custom = serializers.BooleanField()
    list = serializers.CharField(allow_blank=True, help_text="The reference list's code.")
    options = OptionSerializer(many=True, help_text="A custom list's options.")
    help_text = serializers.CharField(allow_blank=True)
    default = serializers.JSONField(allow_null=True, help_text="What a new item gets.")
    usable_in = UsableInSerializer()


FILTERED_KINDS = {FieldKind.REFERENCE, FieldKind.USER, FieldKind.BOOL, FieldKind.DECIMAL,
                  FieldKind.DATE, FieldKind.ITEM_LINK, FieldKind.CHOICE}  # fmt: skip


LISTED = (FieldKind.PHONES, FieldKind.EMAILS, FieldKind.WEBSITES)


def field_data(field, hidden: set[str]) -> dict:
    options = [{"id": pk, "label": label} for pk, label in field.choices] if field.custom else []
    usable_in = {
        "card": field.code not in hidden,
        "list_column": True,
        "filter": field.custom or field.kind in FILTERED_KINDS,
        "import": True,
        "export": True,
        "web_form": True,
    }
    return {
        "code": field.code,
        "label": str(field.label),
        "kind": _kind(field),
        "bitrix24_code": field.bitrix24,
        "required": field.required,
        "multiple": field.multiple or field.kind in LISTED,
        "read_only": False,
        "is_custom": field.custom,
        "list": field.reference_list,
        "options": options,
        "help_text": field.help_text,
        "default": field.default,
        "usable_in": usable_in,
    }


class CustomFieldWriteSerializer(Serializer):
    label = serializers.CharField(max_length=255)
    kind = serializers.ChoiceField(choices=CustomField.Kind.values)
    multiple = serializers.BooleanField(required=False, default=False)
    required = serializers.BooleanField(required=False, default=False)
    help_text = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)
    sort = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False, default=500)
    options = OptionSerializer(many=True, required=False, default=list)
    default = serializers.JSONField(
        required=False, allow_null=True, default=None,
        help_text="What a new item gets, as a value of the field (an option's id or label).",
    )  # fmt: skip


class CustomFieldChangeSerializer(Serializer):
    label = serializers.CharField(max_length=255, required=False)
    required = serializers.BooleanField(required=False)
    help_text = serializers.CharField(max_length=500, required=False, allow_blank=True)
    sort = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    options = OptionSerializer(many=True, required=False)
    default = serializers.JSONField(required=False, allow_null=True)


def _item_type(entity: str):
    try:
        return entity_type(entity)
    except KeyError:
        raise Http404 from None


class FieldViewSet(viewsets.ViewSet):
    """The fields of an item type: system and custom. Custom ones are added (POST), changed
    (PATCH: label, required, help text, sort, options; never the kind) and deleted with the
    settings right."""

    permission_classes = [SettingsRightOrReadOnly]
    lookup_field = "code"
    lookup_value_regex = "UF_CRM_[A-Z0-9_]+"

    def _answer(self, entity: str, code: str | None = None, **kwargs):
        hidden = hidden_fields(entity)
        fields = [field_data(f, hidden) for f in catalogue(entity)]
        if code is not None:
            fields = [f for f in fields if f["code"] == code]
        return Response(fields if code is None else fields[0], **kwargs)

    @extend_schema(parameters=[ENTITY], responses=CatalogueFieldSerializer(many=True))
    def list(self, request, entity=None):
        _item_type(entity)
        return self._answer(entity)

    @extend_schema(parameters=[ENTITY], request=CustomFieldWriteSerializer,
                   responses={201: CatalogueFieldSerializer})  # fmt: skip
    def create(self, request, entity=None):
        _item_type(entity)
        given = CustomFieldWriteSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        field = custom_fields.custom_field_create(
            user=request.user, entity=entity, **given.validated_data
        )
        return self._answer(entity, field.code, status=status.HTTP_201_CREATED)

    def _field(self, entity: str, code: str) -> CustomField:
        _item_type(entity)
        try:
            return CustomField.objects.get(entity=entity, code=code, deleted_at__isnull=True)
        except CustomField.DoesNotExist:
            raise Http404 from None

    @extend_schema(parameters=[ENTITY, CODE], request=CustomFieldChangeSerializer,
                   responses=CatalogueFieldSerializer)  # fmt: skip
    def partial_update(self, request, entity=None, code=None):
        field = self._field(entity, code)
        given = CustomFieldChangeSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        custom_fields.custom_field_update(user=request.user, field=field, **given.validated_data)
        return self._answer(entity, code)

    @extend_schema(parameters=[ENTITY, CODE], responses={204: None})
    def destroy(self, request, entity=None, code=None):
        custom_fields.custom_field_delete(user=request.user, field=self._field(entity, code))
        return Response(status=status.HTTP_204_NO_CONTENT)


class LayoutSectionSerializer(Serializer):
    name = serializers.CharField(max_length=100)
    codes = serializers.ListField(child=serializers.CharField(max_length=60), max_length=500)

    def get_fields(self):  # "fields" would hide the serializer's own ``fields``
        fields = super().get_fields()
        fields["fields"] = fields.pop("codes")
        return fields


class LayoutSerializer(Serializer):
    """An item type's card: its sections in order with their fields, and the hidden fields."""

    sections = LayoutSectionSerializer(many=True)
    hidden = serializers.ListField(
        child=serializers.CharField(max_length=60), max_length=500, required=False, default=list
    )


class LayoutViewSet(viewsets.ViewSet):
    """How an item type's card and form are laid out (PUT with the settings right; PUT of the
    default layout's own value keeps it as an arrangement; DELETE resets to the default)."""

    permission_classes = [SettingsRightOrReadOnly]
    lookup_field = "entity"

    def _answer(self, entity: str):
        sections = [{"name": str(s.label), "fields": [f.code for f in fields]}
                    for s, fields in layout(entity)]  # fmt: skip
        return Response({"sections": sections, "hidden": sorted(hidden_fields(entity))})

    @extend_schema(parameters=[ENTITY], responses=LayoutSerializer)
    def retrieve(self, request, entity=None):
        _item_type(entity)
        return self._answer(entity)

    @extend_schema(parameters=[ENTITY], request=LayoutSerializer, responses=LayoutSerializer)
    def update(self, request, entity=None):
        _item_type(entity)
        given = LayoutSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        card_layouts.layout_set(user=request.user, entity=entity, **given.validated_data)
        return self._answer(entity)

    @extend_schema(parameters=[ENTITY], responses={204: None})
    def destroy(self, request, entity=None):
        _item_type(entity)
        card_layouts.layout_reset(user=request.user, entity=entity)
        return Response(status=status.HTTP_204_NO_CONTENT)
