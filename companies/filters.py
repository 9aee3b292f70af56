"""The ONE definition of a filtered company or contact list: pages, API and export use it."""

import django_filters
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.filters import ItemFilterSet, ReadableItemFilter

from . import communications as comms
from .matching import tax_ids
from .models import Communication, Company, Contact

MAX_SEARCH_LENGTH = 200


def _tax_ids():
    """The tax-identifier lookup the requisites app registers (``companies.matching``), or
    None: without it the search has no tax-identifier mode."""
    try:
        return tax_ids()
    except ImproperlyConfigured:
        return None


def _owners_with(owner_field: str, channel: str, fragments: list[str]):
    """Ids of companies (or contacts) having a phone/e-mail that contains any fragment."""
    condition = Q()
    for fragment in fragments:
        condition |= Q(normalized__contains=fragment)
    return Communication.objects.filter(
        condition, channel=channel, **{f"{owner_field}__isnull": False}
    ).values(f"{owner_field}_id")


def _phone_fragments(value: str) -> list[str]:
    return comms.phone_search_digits(value) or [value.strip()]


class ClientFilterSet(ItemFilterSet):
    """Search and filters of items with phones and e-mails (companies, contacts, leads)."""

    owner_field = ""
    has_requisites = True

    q = django_filters.CharFilter(label=_("Search"), method="search")
    phone = django_filters.CharFilter(label=_("Phone"), method="filter_phone")
    email = django_filters.CharFilter(label=_("E-mail"), method="filter_email")
    tax_id = django_filters.CharFilter(label=_("Tax identifier"), method="filter_tax_id")

    def search(self, qs, name, value):
        """Name, phone, e-mail or tax identifier, by what the text looks like: a known tax
        identifier finds its requisites, digits search phones, an @ searches e-mails,
        anything else names (a prefix for one or two letters)."""
        value = value.strip()[:MAX_SEARCH_LENGTH]
        if not value:
            return qs
        if self._is_tax_id(qs, value):
            return self.filter_tax_id(qs, name, value)
        digits = comms.phone_search_digits(value)
        if digits:
            return qs.filter(pk__in=_owners_with(self.owner_field, comms.PHONE, digits))
        if "@" in value:
            return self.filter_email(qs, name, value)
        lookup = "icontains" if len(value) >= 3 else "istartswith"
        condition = Q()
        for field in self._meta.model.name_fields:
            condition |= Q(**{f"{field}__{lookup}": value})
        return qs.filter(condition)

    def _is_tax_id(self, qs, value: str) -> bool:
        """Whether ``value`` is the tax identifier of one of the items of ``qs`` (the
        reader's restricted items): the mode never depends on items they may not read."""
        lookup = _tax_ids()
        if not self.has_requisites or lookup is None:
            return False
        compact = lookup.compact(value)
        if len(compact) < 8 or not any(c.isdigit() for c in compact):
            return False
        return self.filter_tax_id(qs, "tax_id", compact).exists()

    def filter_tax_id(self, qs, name, value):
        lookup = _tax_ids()
        if lookup is None:
            return qs
        compact = lookup.compact(value[:MAX_SEARCH_LENGTH])
        if not compact:
            return qs
        return qs.filter(pk__in=lookup.owners(self.owner_field, compact))

    def filter_phone(self, qs, name, value):
        value = value.strip()[:MAX_SEARCH_LENGTH]
        if not value:
            return qs
        return qs.filter(
            pk__in=_owners_with(self.owner_field, comms.PHONE, _phone_fragments(value))
        )

    def filter_email(self, qs, name, value):
        value = comms.email_search_fragment(value[:MAX_SEARCH_LENGTH])
        if not value:
            return qs
        return qs.filter(pk__in=_owners_with(self.owner_field, comms.EMAIL, [value]))


class CompanyFilterSet(ClientFilterSet):
    owner_field = "company"
    catalogue_filters = ("type", "industry", "employees", "source")
    ordering = django_filters.OrderingFilter(
        fields=(
            ("name", "name"),
            ("created_at", "created"),
            ("modified_at", "modified"),
            ("id", "id"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Company
        fields = []


class ContactFilterSet(ClientFilterSet):
    owner_field = "contact"
    catalogue_filters = ("type", "source")
    company = ReadableItemFilter(label=_("Company"), field_name="companies", model=Company)
    ordering = django_filters.OrderingFilter(
        fields=(
            ("last_name", "name"),
            ("created_at", "created"),
            ("modified_at", "modified"),
            ("id", "id"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Contact
        fields = []
