"""The filters every CRM item list shares: responsible person, dates, ordering."""

from decimal import Decimal

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import DateRangeWidget

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


class ReadableItemFilter(django_filters.NumberFilter):
    """Items linked to one CRM item given by id (``?company=7``), and only when the reader
    may read that item: a hidden item's id finds nothing, exactly as an unknown id does, so
    that ids cannot be probed. Needs the FilterSet's ``request``; without one it finds
    nothing."""

    field_class = IdField

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


class ItemFilterSet(django_filters.FilterSet):
    responsible = IdsFilter(
        label=_("Responsible"), queryset=active_users(), widget=FastSelectMultiple
    )
    created_at = django_filters.DateFromToRangeFilter(
        label=_("Created"), widget=DateRangeWidget(attrs={"type": "date"})
    )
    modified_at = django_filters.DateFromToRangeFilter(
        label=_("Modified"), widget=DateRangeWidget(attrs={"type": "date"})
    )
