"""The filters every CRM item list shares (responsible person, dates), and the filter of each
catalogue field by its kind: a FilterSet names the catalogue fields it filters by
(``catalogue_filters``) and gets their filters, labels and lists from the catalogue."""

import json
from collections.abc import Callable
from decimal import Decimal

import django_filters
from django import forms
from django.db import connection
from django.db.models import DecimalField, IntegerField, Q, TextField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import DateRangeWidget

from people.naming import choice_label, people

from .fields import CatalogueField, FieldKind, catalogue_of_model, field_of_model
from .models import MoneyField
from .validators import parse_id
from .widgets import FastSelectMultiple


def _money_field() -> forms.DecimalField:
    return forms.DecimalField(
        max_digits=MoneyField.MAX_DIGITS, decimal_places=MoneyField.DECIMAL_PLACES
    )


class MoneyRangeField(django_filters.fields.RangeField):
    """A from-to range of amounts, bounded as stored amounts are (``crm.models.MoneyField``):
    ``1e999999`` is a clear error, not a database overflow."""

    def __init__(self, *args, **kwargs):
        super().__init__((_money_field(), _money_field()), *args, **kwargs)


class MoneyRangeFilter(django_filters.RangeFilter):
    field_class = MoneyRangeField


class IdsField(django_filters.fields.ModelMultipleChoiceField):
    """Rows chosen by id: a value that is not an id a column can hold (``-5``, 21 digits,
    ``²``) is refused, like an id no row has, before it reaches the database (where SQLite
    overflows and PostgreSQL casts)."""

    def _check_values(self, value):
        for pk in value:
            if parse_id(pk) is None and _is_number(pk):  # a number no id can be: none has it
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
            if parse_id(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


def _is_number(value) -> bool:
    text = str(value).strip()
    return text.isascii() and text.lstrip("+-").isdigit()


class IdsFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = IdsField


class PeopleIdsField(IdsField):
    def label_from_instance(self, obj):
        return choice_label(obj)


class PeopleFilter(IdsFilter):
    """People chosen by id, offered by their names (``people.naming``)."""

    field_class = PeopleIdsField


class IdField(forms.DecimalField):
    """An id: a whole number a column can hold; ``0.5``, ``-5`` or 21 digits are refused.
    A Decimal, as the NumberFilter it narrows gave, so saved filter specs keep their form."""

    default_error_messages = {"invalid": _("Enter a whole number.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        pk = parse_id(value)
        if pk is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return Decimal(pk)


class _StrictNullBooleanSelect(forms.NullBooleanSelect):
    """Django's yes/no/unknown select, handing what it is given to the field (which refuses
    what is no boolean) instead of reading unknown text, or its legacy "2" and "3", itself."""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        return None if value in (None, "", "unknown") else value


class StrictNullBooleanField(forms.NullBooleanField):
    widget = _StrictNullBooleanSelect
    default_error_messages = {"invalid": _("Give true or false.")}

    def to_python(self, value):
        if isinstance(value, str) and value not in ("True", "true", "1", "False", "false", "0"):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class BooleanFilter(django_filters.BooleanFilter):
    """Yes, no or either (empty); ``?closed=maybe`` is an error, not a filter ignored."""

    field_class = StrictNullBooleanField


class IdOrNameField(forms.CharField):
    """An item given by its number (``7``) or by words of its name (``Nordwind``)."""

    max_name = 200

    def __init__(self, *args, **kwargs):
        attrs = {"placeholder": _("Name or number"), "maxlength": self.max_name}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value).strip()
        if len(value) > self.max_name:
            raise forms.ValidationError(
                _("A name has at most %(limit)d characters."),
                code="max_length",
                params={"limit": self.max_name},
            )
        if value.isdecimal():  # "²" is a digit, not a decimal: it is a name
            pk = parse_id(value)
            if pk is None:
                raise forms.ValidationError(_("No item has this number."), code="invalid")
            return Decimal(pk)
        return value or None


def named(model, words: str):
    """The rows of ``model`` whose name fields (the model's ``name_fields``) hold every word
    of ``words``: "Greta Baum" finds the contact Greta Baum."""
    condition = Q()
    for word in words.split()[:5]:
        condition &= _any_name_holds(model, word)
    return condition


def _any_name_holds(model, word: str) -> Q:
    lookup = "icontains" if len(word) >= 3 else "istartswith"
    either = Q()
    for field in model.name_fields:
        either |= Q(**{f"{field}__{lookup}": word})
    return either


class ReadableItemFilter(django_filters.CharFilter):
    """Items linked to one CRM item given by id (``?company=7``) or by name
    (``?company=Nordwind``: any readable item so named), and only when the reader may read
    that item: a hidden item's id or name finds nothing, exactly as an unknown one does, so
    that neither can be probed. Needs the FilterSet's ``request``; without one it finds
    nothing."""

    field_class = IdOrNameField

    def __init__(self, *args, model, **kwargs):
        super().__init__(*args, **kwargs)
        self.related_model = model

    def filter(self, qs, value):
        if value in ([], (), {}, "", None):
            return qs
        request = getattr(self.parent, "request", None)
        user = getattr(request, "user", None)
        readable = self.related_model.objects.restrict(user, "read")
        if isinstance(value, str):
            readable = readable.filter(named(self.related_model, value))
        else:
            readable = readable.filter(pk=value)
        return qs.filter(**{f"{self.field_name}__in": readable.values("pk")}).distinct()


def _date_range(field: CatalogueField):
    return django_filters.DateFromToRangeFilter(
        field_name=field.code, label=capfirst(field.label),
        widget=DateRangeWidget(attrs={"type": "date"}),
    )  # fmt: skip


def _row_choice(field: CatalogueField):
    """A reference to rows without codes (a deal's pipeline): chosen by id."""
    related = field.model_field.related_model
    return django_filters.ModelChoiceFilter(
        field_name=field.code, label=capfirst(field.label), queryset=related._default_manager.all()
    )


def _item_link(field: CatalogueField):
    return ReadableItemFilter(
        field_name=field.code, label=capfirst(field.label),
        model=field.model_field.related_model,
    )  # fmt: skip


_kind_filters: dict[FieldKind, Callable[[CatalogueField], django_filters.Filter]] = {
    FieldKind.BOOL: lambda f: BooleanFilter(f.code, label=capfirst(f.label)),
    FieldKind.DECIMAL: lambda f: MoneyRangeFilter(f.code, label=capfirst(f.label)),
    FieldKind.DATE: _date_range,
    FieldKind.ITEM_LINK: _item_link,
    FieldKind.REFERENCE: _row_choice,
}
_list_filter: list[Callable] = []


def register_list_filter(factory: Callable[[CatalogueField], django_filters.Filter]) -> None:
    """The filter of fields holding an entry of a reference list (the app keeping the lists
    registers it: the framework does not know their table)."""
    _list_filter[:] = [factory]


def catalogue_filter(field: CatalogueField) -> django_filters.Filter:
    """The filter of a catalogue field, by its kind (KeyError: the kind has none)."""
    if field.kind == FieldKind.REFERENCE and field.reference_list and _list_filter:
        return _list_filter[0](field)
    return _kind_filters[field.kind](field)


_SEARCH = ("q", "phone", "email", "tax_id")  # the search box and its modes come first


# Filters of custom fields: values in the item's ``custom`` JSON column, by code.


def custom_key(code: str, output=None):
    text = KeyTextTransform(code, "custom")
    return Cast(text, output) if output is not None else text


class CustomExactFilter(django_filters.Filter):
    """Items whose custom field ``field_name`` holds the value (an option id, yes or no, a
    number); for a field of several values, among them."""

    def __init__(self, *args, multiple=False, **kwargs):
        self.multiple = multiple
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        if connection.vendor == "postgresql":
            # JSON containment (custom @> '{"CODE": value}'), which the GIN index of each item
            # table's custom column serves.
            held = [value] if self.multiple else value
            return qs.filter(custom__contains={self.field_name: held})
        if not self.multiple:
            return qs.filter(**{f"custom__{self.field_name}": value})
        # Elsewhere (SQLite has no JSON containment): the list's JSON text holds the value.
        text, alias = json.dumps(value), f"_custom_{self.field_name.lower()}"
        qs = qs.alias(**{alias: custom_key(self.field_name)})
        return qs.filter(
            Q(**{f"{alias}__contains": f"[{text}]"})
            | Q(**{f"{alias}__contains": f"[{text},"})
            | Q(**{f"{alias}__contains": f",{text},"})
            | Q(**{f"{alias}__contains": f",{text}]"})
        )


class CustomRangeFilter(django_filters.RangeFilter):
    """Numbers, amounts and dates from a lower and/or to an upper bound (``_min``/``_max``),
    compared as their type (amounts are kept as text: cast)."""

    def __init__(self, *args, output=None, **kwargs):
        self.output = output
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        alias = f"_custom_{self.field_name.lower()}"
        qs = qs.alias(**{alias: custom_key(self.field_name, self.output)})
        start, stop = value.start, value.stop
        if isinstance(self.output, TextField):  # dates as ISO text, compared as text, whole days
            start = start and start.date().isoformat()
            stop = stop and f"{stop.date().isoformat()}\uffff"
        if start is not None:
            qs = qs.filter(**{f"{alias}__gte": start})
        if stop is not None:
            qs = qs.filter(**{f"{alias}__lte": stop})
        return qs


class CustomTextFilter(django_filters.CharFilter):
    def filter(self, qs, value):
        value = (value or "").strip()[:200]
        if not value:
            return qs
        alias = f"_custom_{self.field_name.lower()}"
        return qs.alias(**{alias: custom_key(self.field_name)}).filter(
            **{f"{alias}__icontains": value}
        )


class CustomLinkFilter(ReadableItemFilter):
    """Items whose custom link names one item, only when the reader may read that item."""

    field_class = IdField

    def filter(self, qs, value):
        if value in ([], (), {}, "", None):
            return qs
        user = getattr(getattr(self.parent, "request", None), "user", None)
        if not self.related_model.objects.restrict(user, "read").filter(pk=value).exists():
            return qs.none()
        return CustomExactFilter(field_name=self.field_name, multiple=self.multiple).filter(
            qs, int(value)
        )


def _with_field(filter_: django_filters.Filter, field_class) -> django_filters.Filter:
    filter_.field_class = field_class  # the form field that reads the value
    return filter_


def custom_filter(field: CatalogueField) -> django_filters.Filter:
    """The filter of a custom field, by kind: exact for lists, yes/no and links; ranges for
    numbers, amounts and dates; contains for text."""
    name, label, kind = field.code, field.label, field.kind
    if kind == FieldKind.CHOICE:
        choices = [(pk, option) for pk, option in field.choices]
        exact = CustomExactFilter(field_name=name, label=label, multiple=field.multiple,
                                  choices=choices, coerce=int)  # fmt: skip
        return _with_field(exact, forms.TypedChoiceField)
    if kind == FieldKind.BOOL:
        return _with_field(CustomExactFilter(field_name=name, label=label), StrictNullBooleanField)
    if kind == FieldKind.INTEGER:
        return CustomRangeFilter(field_name=name, label=label, output=IntegerField())
    if kind == FieldKind.DECIMAL:
        output = DecimalField(max_digits=MoneyField.MAX_DIGITS, decimal_places=4)
        amounts = CustomRangeFilter(field_name=name, label=label, output=output)
        return _with_field(amounts, MoneyRangeField)
    if kind in (FieldKind.DATE, FieldKind.DATETIME):
        days = CustomRangeFilter(
            field_name=name, label=label, output=TextField(),
            widget=DateRangeWidget(attrs={"type": "date"}),
        )  # fmt: skip
        return _with_field(days, django_filters.fields.DateRangeField)
    if kind == FieldKind.ITEM_LINK:
        link = CustomLinkFilter(field_name=name, label=label, model=field.related_model)
        link.multiple = field.multiple
        return link
    if kind == FieldKind.USER:
        user = CustomExactFilter(field_name=name, label=label, multiple=field.multiple)
        return _with_field(user, forms.IntegerField)
    return CustomTextFilter(field_name=name, label=label)


class ItemFilterSet(django_filters.FilterSet):
    """The filters of an item list. ``catalogue_filters`` names the catalogue fields of
    ``Meta.model`` it filters by, each by its kind's filter (a filter declared on the class
    under the same name wins); they come before the ordering."""

    catalogue_filters: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        """The filters of the item type's custom fields join those of the class: they come
        and go while the class stays."""
        super().__init__(*args, **kwargs)
        model = self._meta.model
        for field in catalogue_of_model(model):
            if field.custom and field.code not in self.filters:
                self.filters[field.code] = custom_filter(field)
                self.filters[field.code].model = model
                self.filters[field.code].parent = self

    responsible = PeopleFilter(label=_("Responsible"), queryset=people(), widget=FastSelectMultiple)
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Created"), widget=DateRangeWidget(attrs={"type": "date"})
    )
    modified_at = django_filters.DateFromToRangeFilter(
        label=_("Modified"), widget=DateRangeWidget(attrs={"type": "date"})
    )

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        model = getattr(getattr(cls, "_meta", None), "model", None)
        if model is None:
            return filters
        for code in cls.catalogue_filters:
            field = field_of_model(model, code)
            if field is None:
                raise LookupError(f"{cls.__name__}: the catalogue of {model} has no {code!r}")
            filters.setdefault(code, catalogue_filter(field))
        # The search and the shared filters first, then those of catalogue fields (declared
        # or not) in catalogue order, then the type's others, the ordering last.
        shared = [n for n in filters if n in ItemFilterSet.declared_filters or n in _SEARCH]
        codes = [f.code for f in catalogue_of_model(model, custom=False) if f.code in filters]
        ordered = dict.fromkeys([*shared, *codes, *filters])
        ordered.pop("ordering", None)
        names = [*ordered, *(["ordering"] if "ordering" in filters else [])]
        return {name: filters[name] for name in names}
