"""The filters every CRM item list shares (responsible person, dates), and the filter of each
catalogue field by its kind: a FilterSet names the catalogue fields it filters by
(``catalogue_filters``) and gets their filters, labels and lists from the catalogue."""

from collections.abc import Callable

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import DateRangeWidget

from .fields import CatalogueField, FieldKind, catalogue_of_model, field_of_model
from .models import MoneyField
from .validators import parse_id
from .widgets import FastSelectMultiple


def active_users():
    return get_user_model().objects.filter(is_active=True).order_by("first_name", "username")


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


class ReadableItemFilter(django_filters.NumberFilter):
    """Items linked to one CRM item given by id (``?company=7``), and only when the reader
    may read that item: a hidden item's id finds nothing, exactly as an unknown id does, so
    that ids cannot be probed. Needs the FilterSet's ``request``; without one it finds
    nothing."""

    def __init__(self, *args, model, **kwargs):
        super().__init__(*args, **kwargs)
        self.related_model = model

    def filter(self, qs, value):
        if value in ([], (), {}, "", None):
            return qs
        request = getattr(self.parent, "request", None)
        user = getattr(request, "user", None)
        readable = self.related_model.objects.restrict(user, "read").filter(pk=value)
        return qs.filter(**{f"{self.field_name}__in": readable.values("pk")})


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
    FieldKind.BOOL: lambda f: django_filters.BooleanFilter(f.code, label=capfirst(f.label)),
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


class ItemFilterSet(django_filters.FilterSet):
    """The filters of an item list. ``catalogue_filters`` names the catalogue fields of
    ``Meta.model`` it filters by, each by its kind's filter (a filter declared on the class
    under the same name wins); they come before the ordering."""

    catalogue_filters: tuple[str, ...] = ()

    responsible = IdsFilter(
        label=_("Responsible"), queryset=active_users(), widget=FastSelectMultiple
    )
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
