"""Shared pieces of item forms: knowing which fields the person changed, conflicts, and the
custom fields of the item type (an input by kind; their values go to the services as
``custom``, which check them as for every door)."""

import json
import math
from datetime import date, datetime
from decimal import Decimal

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from people.naming import PersonChoiceField, people

from .custom_values import custom_fields
from .entities import entity_type_of
from .fields import CatalogueField, FieldKind, hidden_fields, layout

ORIGINAL_SALT = "crm.item-form.original"


class ItemForm(forms.ModelForm):
    """A form for a CRM item that remembers the values it was opened with.

    ``original`` carries (signed) what the person saw; ``changed_fields()`` are the fields whose
    submitted value differs from it, so a save writes only what this person changed and leaves
    alone what somebody else changed meanwhile. ``snapshot_of(item)`` gives the displayed
    values compared (the same strings the item's history uses), as ``user`` may read them:
    signed is not secret, so a linked item hidden from them is not in it.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    original = forms.CharField(widget=forms.HiddenInput, required=False)
    confirm_duplicates = forms.BooleanField(
        required=False, label=_("Save anyway: these are not duplicates")
    )
    service_fields: tuple[str, ...] = ()

    def __init__(self, *args, original: dict | None = None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user  # the reader: the snapshot carries nothing they may not read
        entity_key = entity_type_of(self._meta.model).key
        hidden = hidden_fields(entity_key)
        self.custom = {
            code: field for code, field in custom_fields(entity_key).items() if code not in hidden
        }
        stored = (self.instance.custom or {}) if self.instance.pk else {}
        for code, field in self.custom.items():
            self.fields[code] = custom_form_field(field)
            if not self.is_bound and code in stored:
                self.initial[code] = stored[code]
        for code in hidden:  # hidden from the form: not offered, so never emptied by it
            self.fields.pop(code, None)
        if not self.is_bound and self.instance.pk:
            self.initial["version"] = self.instance.version
            self.initial["original"] = signing.dumps(
                original if original is not None else self._full_snapshot(self.instance),
                salt=ORIGINAL_SALT,
                compress=True,
            )

    def _full_snapshot(self, item) -> dict[str, str]:
        stored = item.custom or {}
        return {**self.snapshot_of(item),
                **{code: _shown(stored.get(code)) for code in self.custom}}  # fmt: skip

    def full_submitted_snapshot(self) -> dict[str, str]:
        return {**self.submitted_snapshot(),
                **{code: _shown(self._custom_raw(code)) for code in self.custom}}  # fmt: skip

    def _custom_raw(self, code: str):
        return raw_of(self.cleaned_data.get(code))

    @property
    def sections(self) -> list[tuple[str, list[str]]]:
        """The form's fields in the sections of the item type's layout (``crm.fields``):
        ``(title, field names)``, only fields this form has."""
        grouped = (
            (section.label, [field.code for field in fields if field.code in self.fields])
            for section, fields in layout(entity_type_of(self._meta.model).key)
        )
        return [(title, names) for title, names in grouped if names]

    def _get_validation_exclusions(self):
        # A row chosen in a ModelChoiceField (the responsible person, a reference value) was
        # found by the field's own query, in a queryset no wider than the model's: the model's
        # check that it exists would ask the database a second time.
        exclude = super()._get_validation_exclusions()
        exclude.update(
            name
            for name, field in self.fields.items()
            if isinstance(field, forms.ModelChoiceField)
            and getattr(self, "cleaned_data", {}).get(name) is not None
        )
        return exclude

    def snapshot_of(self, item) -> dict[str, str]:
        raise NotImplementedError

    def submitted_snapshot(self) -> dict[str, str]:
        """The displayed values of what was submitted (call after is_valid())."""
        raise NotImplementedError

    def original_snapshot(self) -> dict[str, str] | None:
        try:
            return signing.loads(self.cleaned_data.get("original") or "", salt=ORIGINAL_SALT)
        except signing.BadSignature:
            return None

    def changed_fields(self) -> list[str]:
        """Fields this person changed; every field when the original is unknown."""
        original = self.original_snapshot()
        names = [n for n in (*self.service_fields, *self.custom) if n in self.fields]
        if original is None:
            return names
        submitted = self.full_submitted_snapshot()
        return [f for f in names if submitted.get(f) != original.get(f)]

    def service_data(self, fields=None) -> dict:
        """What the services take: the fields, and the custom ones as ``custom``."""
        if fields is None:
            fields = [n for n in (*self.service_fields, *self.custom) if n in self.fields]
        data = {name: self.cleaned_data[name] for name in fields if name not in self.custom}
        custom = {name: self._custom_raw(name) for name in fields if name in self.custom}
        return {**data, "custom": custom} if custom else data


def _shown(raw) -> str:
    return json.dumps(raw, sort_keys=True)


def raw_of(value):
    """A form's cleaned value as the services take custom values (JSON-like)."""
    if isinstance(value, list | tuple):
        return [raw_of(one) for one in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return None if value == "" else value


class _LinesField(forms.CharField):
    """Several text values, one per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def custom_form_field(field: CatalogueField) -> forms.Field:
    """The input of a custom field, by kind (the services check the value again, for every
    door: a linked item is given by number and must be one the writer may read)."""
    options = {"label": field.label, "required": False, "help_text": field.help_text}
    kind = field.kind
    if kind == FieldKind.CHOICE:
        choices = [(str(pk), label) for pk, label in field.choices]
        if field.multiple:
            return forms.TypedMultipleChoiceField(choices=choices, coerce=int, **options)
        return forms.TypedChoiceField(choices=[("", "—"), *choices], coerce=int,
                                      empty_value=None, **options)  # fmt: skip
    if field.multiple:
        return _LinesField(**options)
    if kind == FieldKind.BOOL:  # yes, no or not said: an untouched form changes nothing
        return forms.NullBooleanField(**options)
    if kind == FieldKind.INTEGER:
        return forms.IntegerField(**options)
    if kind == FieldKind.DECIMAL:
        return forms.DecimalField(max_digits=20, decimal_places=4, **options)
    if kind == FieldKind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **options)
    if kind == FieldKind.DATETIME:
        widget = forms.DateTimeInput(attrs={"type": "datetime-local"})
        return forms.DateTimeField(widget=widget, **options)
    if kind == FieldKind.USER:
        return PersonChoiceField(queryset=people(), **options)
    if kind == FieldKind.ITEM_LINK:
        help_text = field.help_text or _("The number of the %s.") % (
            field.related_model._meta.verbose_name
        )
        return forms.IntegerField(min_value=1, **{**options, "help_text": help_text})
    widget = forms.Textarea(attrs={"rows": 3}) if field.custom_kind == "text" else None
    return forms.CharField(max_length=20_000, widget=widget, **options)


def posted_position(data, name: str, default: float) -> float:
    """The position a page's arrange widget posted as ``name`` (a number; anything else,
    infinities and NaN included, keeps ``default``)."""
    try:
        position = float(data.get(name, default))
    except ValueError:
        return default
    return position if math.isfinite(position) else default


def posted_arrangement(data, codes, group: str = "shown") -> list[str]:
    """The ``codes`` a page's arrange widget placed in ``group`` (each one's ``place-<code>``),
    in the order of their posted positions (``order-<code>``; ties keep the order of
    ``codes``)."""
    placed = [
        (posted_position(data, f"order-{code}", position), position, code)
        for position, code in enumerate(codes)
        if data.get(f"place-{code}") == group
    ]
    return [code for *_order, code in sorted(placed)]
