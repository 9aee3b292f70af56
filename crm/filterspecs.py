"""Filters as data: the filter of a list as a validated, JSON-safe spec, and back.

A spec maps filter names to cleaned values made JSON-safe: ids for rows, codes and strings as
they are, ISO dates, numbers as decimal strings, lists for
filters of several values (sorted: their order means nothing), a comma-joined string for an
ordering, ``{suffix: value}`` for a range (``{"after": "2024-01-31"}`` stands for
``?created_at_after=2024-01-31``). Empty filters are left out. A worker turns a spec back into
the list its requester saw with ``queryset_for()``.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict
from django.utils.translation import gettext as _
from django_filters.fields import BaseCSVField


@dataclass(frozen=True)
class FilterReader:
    """What the FilterSets read of their request: the user they filter for
    (``crm.filters.ReadableItemFilter``)."""

    user: object


def _parameters(name: str, field: forms.Field) -> list[str]:
    """The query parameters of a form field: one, or one per part of a range."""
    suffixes = getattr(field.widget, "suffixes", None)
    if isinstance(field, forms.MultiValueField) and suffixes:
        return [field.widget.suffixed(name, suffix) for suffix in suffixes]
    return [name]


def _json(value, field: forms.Field):
    """A cleaned value of ``field`` as JSON: a row by its id (or the field's ``to_field_name``),
    a date as ISO, a number as its decimal string (exact, and short even for ``1E+999``)."""
    if isinstance(value, models.Model):
        return getattr(value, getattr(field, "to_field_name", None) or "pk")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | str):
        return value
    raise TypeError(f"no JSON form for a {type(value).__name__} filter value")


def _spec_value(field: forms.Field, name: str, query: QueryDict, cleaned):
    if isinstance(field, forms.MultiValueField):
        # A range by its parts as given: the compressed value (a slice of day bounds) is
        # no longer what the person typed.
        raw = field.widget.value_from_datadict(query, {}, name)
        parts = {
            suffix: _json(part.clean(value), part)
            for suffix, part, value in zip(field.widget.suffixes, field.fields, raw, strict=True)
        }
        return {suffix: value for suffix, value in parts.items() if value is not None}
    if isinstance(field, BaseCSVField):
        return ",".join(_json(value, field) for value in cleaned or [])
    if isinstance(cleaned, list | tuple | models.QuerySet):
        return sorted({_json(value, field) for value in cleaned})
    return _json(cleaned, field)


def spec_from_query(filterset_class, query: QueryDict) -> dict:
    """The filter spec of ``query`` on a list of ``filterset_class``: only its filters, with
    valid values. What the list would silently leave out, and so show more than asked for, is
    a ValidationError naming it: a parameter that is no filter, a value that is not valid."""
    form = filterset_class(query).form
    known = {p for name, field in form.fields.items() for p in _parameters(name, field)}
    unknown = sorted(set(query) - known)
    if unknown:
        raise ValidationError(
            {name: _("There is no filter “%s” on this list.") % name for name in unknown}
        )
    if not form.is_valid():
        raise ValidationError(form.errors.as_data())
    spec = {}
    for name, field in form.fields.items():
        value = _spec_value(field, name, query, form.cleaned_data.get(name))
        if value not in (None, "", [], {}):
            spec[name] = value
    return spec


def _text(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def spec_to_query(spec: dict) -> QueryDict:
    """The query string of ``spec``, as the list page would have it."""
    query = QueryDict(mutable=True)
    for name, value in spec.items():
        if isinstance(value, dict):
            for suffix, part in value.items():
                query[f"{name}_{suffix}"] = _text(part)
        elif isinstance(value, list):
            query.setlist(name, [_text(part) for part in value])
        else:
            query[name] = _text(value)
    return query


def queryset_for(model, filterset_class, user, action: str, spec: dict):
    """The items of ``model`` that ``user`` may ``action`` (``restrict()``) in the list that
    ``spec`` filters, as ``filterset_class`` filters it for that user. A spec that is no
    longer valid (a reference value deleted since), or that no query makes (it does not come
    back as it is from its query), is a ValidationError, never a wider list."""
    query = spec_to_query(spec)
    if spec_from_query(filterset_class, query) != spec:
        raise ValidationError(_("This is not a filter of this list."))
    filterset = filterset_class(
        query, queryset=model.objects.restrict(user, action), request=FilterReader(user)
    )
    return filterset.qs


def in_list_order(items):
    """``items`` in the order of their list: the FilterSet's ``ordering`` when one was
    chosen, else the model's (newest first), with the primary key last so that no two rows
    tie. The key takes the direction of the first one, as the lists' indexes are built
    (``name`` -> ``name, id``; ``-name`` -> ``-name, -id``), so that either way is one read
    of an index."""
    query = items.query
    keys = list(query.order_by or (items.model._meta.ordering if query.default_ordering else ()))
    names = {key.lstrip("-") for key in keys if isinstance(key, str)}
    if names & {"pk", items.model._meta.pk.name}:
        return items.order_by(*keys)
    first = keys[0] if keys else ""
    descending = first.startswith("-") if isinstance(first, str) else first.descending
    return items.order_by(*keys, "-pk" if descending else "pk")
