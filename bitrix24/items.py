"""Our items as Bitrix24 names and shapes their fields: the table of an item type's Bitrix24
fields, read from the field catalogue (``CatalogueField.bitrix24``) with the columns every
item has (``ID``, ``DATE_CREATE``...), and what ``crm.X.fields`` says of each.

A field's value on the wire is Bitrix24's: ids and numbers as strings, ``Y``/``N`` flags, ISO
dates with their offset, reference-list entries by code, a deal's pipeline by its Bitrix24
category id (0 for the default one), custom fields as ``UF_CRM_*``.
"""

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from crm.entities import entity_type_of
from crm.fields import LIST_KINDS, CatalogueField, catalogue
from crm.fields import FieldKind as K

# Bitrix24's type of each kind of catalogue field, then of each kind of custom field.
_TYPES = {
    K.TEXT: "string", K.DECIMAL: "double", K.INTEGER: "integer", K.DATE: "date",
    K.DATETIME: "datetime", K.BOOL: "char", K.CHOICE: "enumeration",
    K.REFERENCE: "crm_status", K.USER: "user", K.CURRENCY: "crm_currency",
    K.PHONES: "crm_multifield", K.EMAILS: "crm_multifield", K.WEBSITES: "crm_multifield",
}  # fmt: skip
_CUSTOM_TYPES = {
    "string": "string", "text": "string", "email": "string", "phone": "string", "url": "url",
    "integer": "integer", "decimal": "double", "money": "money", "date": "date",
    "datetime": "datetime", "boolean": "boolean", "list": "enumeration", "company": "crm",
    "contact": "crm", "deal": "crm", "user": "employee",
}  # fmt: skip


@dataclass(frozen=True)
class B24Field:
    """One Bitrix24 field of an item type.

    ``source`` is our catalogue field (None for the columns every item has, read from
    ``attribute``); ``first_only``: the single Bitrix24 field showing the first of a
    multiple link (``COMPANY_ID`` beside ``COMPANY_IDS``)."""

    code: str
    kind: K
    title: object
    source: CatalogueField | None = None
    attribute: str = ""
    read_only: bool = False
    immutable: bool = False
    multiple: bool = False
    first_only: bool = False

    @property
    def custom(self) -> bool:
        return self.source is not None and self.source.custom

    @property
    def name(self) -> str:
        """Our name of the field: the catalogue code, or the model attribute."""
        return self.source.code if self.source is not None else self.attribute

    @property
    def related_model(self):
        return self.source.related_model if self.source is not None else None

    @property
    def is_list(self) -> bool:
        """A phones, e-mails or websites multi-field."""
        return self.kind in LIST_KINDS

    @property
    def is_category(self) -> bool:
        """A reference to rows without codes, named by id, 0 being the default one (a deal's
        pipeline: Bitrix24's CATEGORY_ID)."""
        related = self.related_model
        return self.kind == K.REFERENCE and related is not None and not hasattr(related, "code")

    @property
    def in_default_select(self) -> bool:
        """What ``select: ["*", "UF_*"]`` (no select) returns: every field of one value."""
        return not (self.multiple or self.is_list)

    @property
    def bitrix24_type(self) -> str:
        if self.custom:
            return _CUSTOM_TYPES.get(self.source.custom_kind, "string")
        if self.kind == K.ITEM_LINK:
            return f"crm_{entity_type_of(self.related_model).bitrix24.lower()}"
        if self.is_category:
            return "crm_category"
        return _TYPES[self.kind]

    def describe(self) -> dict:
        """What ``crm.X.fields`` says of the field, as Bitrix24 says it."""
        description = {
            "type": self.bitrix24_type,
            "isRequired": bool(self.source and self.source.required),
            "isReadOnly": self.read_only,
            "isImmutable": self.immutable,
            "isMultiple": self.multiple or self.is_list,
            "isDynamic": self.custom,
            "title": self.code if self.custom else capfirst(str(self.title)),
        }
        if self.custom:
            label = str(self.title)
            description.update(listLabel=label, formLabel=label, filterLabel=label)
        if description["type"] == "crm_status":
            description["statusType"] = self.source.reference_list
        if self.custom and self.kind == K.ITEM_LINK:
            # Which kinds of items a "crm" field links, as Bitrix24 says it.
            target = entity_type_of(self.related_model).bitrix24
            kinds = ("LEAD", "CONTACT", "COMPANY", "DEAL")
            description["settings"] = {kind: "Y" if kind == target else "N" for kind in kinds}
        if description["type"] == "enumeration":
            description["items"] = [{"ID": str(pk), "VALUE": str(label)}
                                    for pk, label in self.source.choices]  # fmt: skip
        return description


def _system_fields() -> list[B24Field]:
    """The columns of every item, read-only on the wire."""
    return [
        B24Field("ID", K.INTEGER, "ID", attribute="id", read_only=True),
        B24Field("CREATED_BY_ID", K.USER, _("Created by"), attribute="created_by",
                 read_only=True),
        B24Field("MODIFY_BY_ID", K.USER, _("Modified by"), attribute="modified_by",
                 read_only=True),
        B24Field("DATE_CREATE", K.DATETIME, _("Created"), attribute="created_at",
                 read_only=True),
        B24Field("DATE_MODIFY", K.DATETIME, _("Modified"), attribute="modified_at",
                 read_only=True),
    ]  # fmt: skip


def _catalogue_fields(field: CatalogueField) -> list[B24Field]:
    """A catalogue field's Bitrix24 fields: one, or for a link to several items its list
    (``CONTACT_IDS``) and the first of them under the catalogue's code (``CONTACT_ID``)."""
    immutable = field.bitrix24 == "CATEGORY_ID"  # moving a deal between pipelines: its stage
    if field.kind == K.ITEM_LINK and field.multiple and not field.custom:
        return [
            B24Field(field.bitrix24, field.kind, field.label, field, first_only=True),
            B24Field(f"{field.bitrix24}S", field.kind, field.label, field, multiple=True),
        ]
    return [B24Field(field.bitrix24, field.kind, field.label, field, immutable=immutable,
                     multiple=field.multiple)]  # fmt: skip


def b24_fields(entity_key: str) -> dict[str, B24Field]:
    """The Bitrix24 fields of the item type ``entity_key`` by code, in Bitrix24's order:
    ``ID``, the catalogue's fields with a Bitrix24 code (custom ones last), who and when."""
    system = _system_fields()
    fields = [field for field in catalogue(entity_key) if field.bitrix24]
    declared = [b for f in fields if not f.custom for b in _catalogue_fields(f)]
    custom = [b for f in fields if f.custom for b in _catalogue_fields(f)]
    return {field.code: field for field in [system[0], *declared, *system[1:], *custom]}
