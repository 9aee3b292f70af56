"""The ONE definition of a filtered quote or invoice list: list pages, kanban, API, export."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from companies.models import Company, Contact
from crm.filters import BooleanFilter, ItemFilterSet, ReadableItemFilter, named
from crm.validators import parse_id

from .models import Invoice, Quote

MAX_SEARCH_LENGTH = 200
_ORDERING = (
    ("title", "title"),
    ("amount", "amount"),
    ("created_at", "created"),
    ("modified_at", "modified"),
    ("id", "id"),
)


class DocumentFilterSet(ItemFilterSet):
    search_hint = _("Search by number, title or client")
    q = django_filters.CharFilter(label=_("Search"), method="search")
    closed = BooleanFilter(label=_("Closed"))
    contact = ReadableItemFilter(label=_("Contact"), field_name="contacts", model=Contact)

    def search(self, qs, name, value):
        """A document's id or number, or words of its title or of its client's name, among
        the clients the reader may read (a hidden client's name finds nothing)."""
        value = value.strip()[:MAX_SEARCH_LENGTH]
        if not value:
            return qs
        model = qs.model
        by_number = Q(number=value)
        if value.isdecimal():
            pk = parse_id(value)
            return qs.filter(Q(pk=pk) | by_number) if pk else qs.filter(by_number)
        user = getattr(self.request, "user", None)
        companies = Company.objects.restrict(user, "read").filter(named(Company, value))
        contacts = Contact.objects.restrict(user, "read").filter(named(Contact, value))
        with_contacts = model.contacts.through.objects.filter(contact__in=contacts.values("pk"))
        key = f"{model._meta.model_name}_id"
        return qs.filter(
            by_number
            | named(model, value)
            | Q(company__in=companies.values("pk"))
            | Q(pk__in=with_contacts.values(key))
        )


class QuoteFilterSet(DocumentFilterSet):
    catalogue_filters = ("stage", "amount", "valid_until", "company", "deal")
    ordering = django_filters.OrderingFilter(
        fields=(*_ORDERING, ("valid_until", "valid_until")), label=_("Sort by")
    )

    class Meta:
        model = Quote
        fields = []


class InvoiceFilterSet(DocumentFilterSet):
    catalogue_filters = ("stage", "amount", "pay_before", "paid_on", "company", "deal")
    ordering = django_filters.OrderingFilter(
        fields=(*_ORDERING, ("pay_before", "pay_before"), ("paid_on", "paid_on")),
        label=_("Sort by"),
    )

    class Meta:
        model = Invoice
        fields = []
