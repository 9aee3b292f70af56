"""Bitrix24's list ``filter`` as filters-as-data (``crm.filterspecs``): ``{">=ID": 5,
"%TITLE": "Acme", "@COMPANY_TYPE": ["CUSTOMER", "PARTNER"]}`` becomes a spec of a FilterSet
made for the fields and operators the filter names, validated by its form, and the list is
``queryset_for()`` of that spec: ``restrict(user, "read")`` then the filters. No lookup is
built from the client's text; a field or an operator the table below does not offer is a
400, never a filter silently left out.

Operators (a prefix on the field): none or ``=`` equal (a list: among), ``!`` / ``!=`` not
equal, ``>``, ``>=``, ``<``, ``<=``, ``@`` / ``!@`` among / not among a list, ``%`` / ``!%``
contains / does not contain, ``=%`` / ``%=`` LIKE with the caller's ``%`` at either end.
"""

import django_filters
from django import forms
from django.db.models import DecimalField, IntegerField, Q, TextField
from django.http import QueryDict
from django.utils.translation import gettext as _

from companies import communications as comms
from companies.models import Communication
from crm.fields import FieldKind as K
from crm.fields import parse_bool, parse_date, parse_datetime
from crm.filters import CustomExactFilter, CustomLinkFilter, CustomTextFilter, custom_key
from crm.filterspecs import queryset_for, spec_from_query

from . import multifields
from .errors import bad_argument
from .items import B24Field
from .params import is_none

MAX_VALUES = 1000
# Longest first: a key is read by the first prefix it starts with.
_PREFIXES = {"!=%": "!%", "!%=": "!%", "!@": "!@", "!%": "!%", "!=": "!", ">=": ">=",
             "<=": "<=", "=%": "=%", "%=": "=%", "@": "@", "!": "!", ">": ">", "<": "<",
             "%": "%", "=": "="}  # fmt: skip
_COMPARE = {"=": "exact", "!": "exact", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte",
            "@": "in", "!@": "in", "%": "icontains", "!%": "icontains"}  # fmt: skip
_NEGATED = {"!", "!@", "!%"}
# LIKE by where the caller's % are: (at the start, at the end) -> lookup.
_LIKE = {(True, True): "icontains", (True, False): "iendswith", (False, True): "istartswith",
         (False, False): "iexact"}  # fmt: skip
_ORDERED = {"=", "!", ">", ">=", "<", "<=", "@", "!@"}
_TEXT = _ORDERED | {"%", "!%", "=%"}


class ParsedField(forms.Field):
    """A value read by one of the catalogue's parsers (dates, moments, yes or no)."""

    def __init__(self, parse, **kwargs):
        super().__init__(**kwargs)
        self.parse = parse

    def to_python(self, value):
        return None if value in self.empty_values else self.parse(value)


class ValuesField(forms.Field):
    """Several values, each read by ``one``: the list of ``@`` and ``!@``."""

    widget = forms.SelectMultiple

    def __init__(self, one: forms.Field, **kwargs):
        super().__init__(**kwargs)
        self.one = one

    def clean(self, value):
        values = [one for one in value or [] if one not in self.empty_values]
        if len(values) > MAX_VALUES:
            raise forms.ValidationError(_("At most %d values.") % MAX_VALUES)
        return [self.one.clean(one) for one in values]


def _value_field(field: B24Field) -> forms.Field:
    """The form field that reads one filter value of ``field``."""
    kind = field.kind
    if kind in (K.INTEGER, K.USER, K.ITEM_LINK, K.CHOICE) or field.is_category:
        return forms.IntegerField(min_value=0, max_value=2**63 - 1)
    if kind == K.DECIMAL:
        return forms.DecimalField(max_digits=20, decimal_places=6)
    if kind == K.DATE:
        return ParsedField(parse_date)
    if kind == K.DATETIME:
        return ParsedField(parse_datetime)
    if kind == K.BOOL:
        return ParsedField(parse_bool)
    return forms.CharField(max_length=255)


class _Typed:
    """A filter whose form field is ``field_class(**field_kwargs)`` made per filter."""

    def __init__(self, *args, value_field: forms.Field, **kwargs):
        super().__init__(*args, **kwargs)
        self.value_field = value_field

    @property
    def field(self):
        if not hasattr(self, "_field"):
            self._field = self.value_field
            self._field.label = self.label
        return self._field


class TypedFilter(_Typed, django_filters.Filter):
    pass


class LikeFilter(_Typed, django_filters.Filter):
    """``=%``: Bitrix24's LIKE with the caller's ``%`` at the start and/or the end."""

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        starts, ends = value.startswith("%"), value.endswith("%") and len(value) > 1
        text = value[1 if starts else 0 : -1 if ends else None]
        lookup = _LIKE[(starts, ends)]
        return qs.filter(**{f"{self.field_name}__{lookup}": text})


class CategoryFilter(_Typed, django_filters.Filter):
    """A pipeline by its Bitrix24 category id, 0 being the default one."""

    def filter(self, qs, value):
        if value in (None, "", []):
            return qs
        ids = value if isinstance(value, list) else [value]
        condition = Q(**{f"{self.field_name}_id__in": [pk for pk in ids if pk]})
        if 0 in ids:
            condition |= Q(**{f"{self.field_name}__is_default": True})
        return qs.exclude(condition) if self.exclude else qs.filter(condition)


class ReadableLinksFilter(_Typed, django_filters.Filter):
    """Items linked to one of the given items, among those the reader may read: a hidden
    item finds nothing, as a missing one does."""

    def __init__(self, *args, related_model, **kwargs):
        super().__init__(*args, **kwargs)
        self.related_model = related_model

    def filter(self, qs, value):
        if value in (None, "", []):
            return qs
        ids = value if isinstance(value, list) else [value]
        user = self.parent.request.user
        readable = self.related_model.objects.restrict(user, "read").filter(pk__in=ids)
        linked = qs.model.objects.filter(**{f"{self.field_name}__in": readable.values("pk")})
        return qs.filter(pk__in=linked.values("pk"))


class MultifieldFilter(_Typed, django_filters.Filter):
    """Items having a phone, e-mail or website equal to the value (as normalised)."""

    def __init__(self, *args, channel: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel = channel

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        try:
            normalized = comms.NORMALIZERS[self.channel](value)
        except forms.ValidationError:
            normalized = value.strip()
        owner = f"{qs.model._meta.model_name}_id"
        found = Communication.objects.filter(channel=self.channel, normalized=normalized)
        return qs.filter(pk__in=found.values(owner))


class CustomCompareFilter(_Typed, django_filters.Filter):
    """A custom field's value compared as its type (amounts are kept as text: cast; dates as
    ISO text, which sorts as the dates do)."""

    def __init__(self, *args, output, **kwargs):
        super().__init__(*args, **kwargs)
        self.output = output

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        if isinstance(self.output, TextField) and hasattr(value, "isoformat"):
            value = value.isoformat()
        alias = f"_custom_{self.field_name.lower()}"
        qs = qs.alias(**{alias: custom_key(self.field_name, self.output)})
        return qs.filter(**{f"{alias}__{self.lookup_expr}": value})


def _custom_filter(field: B24Field, operator: str, value_field: forms.Field):
    kind, code = field.kind, field.name
    if kind in (K.CHOICE, K.BOOL, K.USER) and operator == "=":
        return _typed(CustomExactFilter, value_field, field_name=code, multiple=field.multiple)
    if kind == K.ITEM_LINK and operator == "=":
        link = CustomLinkFilter(field_name=code, model=field.related_model)
        link.multiple = field.multiple
        return link
    if field.multiple:
        return None
    if kind == K.TEXT and operator == "%":
        return CustomTextFilter(field_name=code)
    outputs = {K.INTEGER: IntegerField(), K.TEXT: None, K.DATE: TextField(),
               K.DATETIME: TextField(),
               K.DECIMAL: DecimalField(max_digits=20, decimal_places=6)}  # fmt: skip
    if kind in outputs and operator in {"=", ">", ">=", "<", "<="}:
        return CustomCompareFilter(field_name=code, lookup_expr=_COMPARE[operator],
                                   value_field=value_field, output=outputs[kind])  # fmt: skip
    return None


def _typed(filter_class, value_field: forms.Field, **kwargs):
    made = filter_class(**kwargs)
    made.field_class = lambda **_kwargs: value_field
    return made


def _operators(field: B24Field) -> set[str]:
    if field.is_list:
        return {"="}
    if field.kind == K.ITEM_LINK:
        return {"=", "@"}
    if field.kind == K.BOOL:
        return {"=", "!"}
    if field.kind == K.REFERENCE:
        return {"=", "!", "@", "!@"}
    return _TEXT if field.kind in (K.TEXT, K.CURRENCY) else _ORDERED


def filter_of(field: B24Field, operator: str):
    """The filter for ``operator`` on ``field`` (None: Bitrix24 has none such here)."""
    one = _value_field(field)
    if field.custom:
        return _custom_filter(field, operator, one)
    if operator not in _operators(field):
        return None
    listed = operator in ("@", "!@")
    value_field = ValuesField(one) if listed else one
    options = {"value_field": value_field, "exclude": operator in _NEGATED}
    if field.is_list:
        return MultifieldFilter(field_name="pk", channel=multifields.channel_of(field), **options)
    if field.kind == K.ITEM_LINK:
        return ReadableLinksFilter(field_name=field.name, related_model=field.related_model,
                                   **options)  # fmt: skip
    if field.is_category:
        return CategoryFilter(field_name=field.name, **options)
    if operator == "=%":
        return LikeFilter(field_name=field.name, **options)
    name = f"{field.name}__code" if field.kind == K.REFERENCE else field.name
    return TypedFilter(field_name=name, lookup_expr=_COMPARE[operator], **options)


def _key(key) -> tuple[str, str]:
    """``">=ID"`` as ``(">=", "ID")``."""
    key = str(key).strip()
    for prefix, operator in _PREFIXES.items():
        if key.startswith(prefix):
            return operator, key[len(prefix) :].strip().upper()
    return "=", key.upper()


_classes: dict[tuple, type] = {}


def _filterset_class(model, chosen: dict[str, tuple[B24Field, str]]) -> type:
    """A FilterSet of exactly the filters ``chosen`` names, made once per set of fields."""
    key = (model, *sorted((name, f.code, f.kind, f.multiple, f.name) for name, (f, _o)
                          in chosen.items()))  # fmt: skip
    if key not in _classes:
        if len(_classes) > 500:
            _classes.clear()  # custom fields come and go: no unbounded cache
        filters = {}
        for name, (field, operator) in chosen.items():
            found = filter_of(field, operator)
            if found is None:
                raise bad_argument(
                    _("The filter %(operator)s is not available for the field %(field)s.")
                    % {"operator": operator, "field": field.code}, "filter",
                )  # fmt: skip
            filters[name] = found
        meta = type("Meta", (), {"model": model, "fields": []})
        _classes[key] = type("Bitrix24Filter", (django_filters.FilterSet,),
                             {**filters, "Meta": meta})  # fmt: skip
    return _classes[key]


def _query(given: dict, fields: dict[str, B24Field]) -> tuple[QueryDict, dict]:
    query, chosen = QueryDict(mutable=True), {}
    for key, value in given.items():
        operator, code = _key(key)
        field = fields.get(code)
        if field is None:
            raise bad_argument(_("There is no field %s to filter by.") % code, "filter")
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list) and operator in ("=", "!"):
            operator = "@" if operator == "=" else "!@"
        values = value if isinstance(value, list) else [value]
        if not values or any(is_none(one) or isinstance(one, dict | list) for one in values):
            raise bad_argument(_("The filter %s needs a value.") % key, "filter")
        if len(values) > 1 and operator not in ("@", "!@"):
            raise bad_argument(_("The filter %s takes one value.") % key, "filter")
        name = f"{operator}{code}"
        chosen[name] = (field, operator)
        query.setlist(name, [_text(one) for one in values])
    return query, chosen


def _text(value) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def filtered(user, model, fields: dict[str, B24Field], given):
    """The items of ``model`` that ``user`` may read, filtered by Bitrix24's ``given``
    filter; a 400 for a filter that is no map, an unknown field or operator, a bad value."""
    if given in (None, "", []):
        given = {}
    if not isinstance(given, dict):
        raise bad_argument(_("Parameter 'filter' must be array."), "filter")
    query, chosen = _query(given, fields)
    filterset_class = _filterset_class(model, chosen)
    try:
        spec = spec_from_query(filterset_class, query)
        return queryset_for(model, filterset_class, user, "read", spec)
    except forms.ValidationError as error:
        raise bad_argument(_("Bad filter: %s") % _messages(error), "filter") from None


def _messages(error) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name}: {' '.join(m)}" for name, m in error.message_dict.items())
    return " ".join(error.messages)
