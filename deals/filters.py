"""The ONE definition of a filtered deal or lead list: list pages, kanban, API and export."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from companies.filters import ClientFilterSet
from companies.models import Company, Contact
from crm.filters import BooleanFilter, ItemFilterSet, ReadableItemFilter, named
from crm.validators import parse_id
from dictionaries.filters import EntryCodeFilter
from dictionaries.models import Entry

from .models import Deal, Lead

MAX_SEARCH_LENGTH = 200


class DealStageFilter(EntryCodeFilter):
    """Deal stages of every pipeline (``EntryCodeFilter`` offers only entries without one)."""

    @property
    def field(self):
        if not hasattr(self, "_field"):
            stages = Entry.objects.filter(list_code=self.list_code).select_related("pipeline")
            super().field.choices = [
                (s.code, f"{s.pipeline.name}: {s.name}")
                for s in stages.order_by("pipeline__sort", "pipeline_id", "sort", "id")
            ]
        return self._field


class DealFilterSet(ItemFilterSet):
    search_hint = _("Search by title, client or number")
    q = django_filters.CharFilter(label=_("Search"), method="search")
    catalogue_filters = ("pipeline", "type", "source", "amount", "close_date", "company")
    stage = DealStageFilter(label=_("Stage"), list_code="DEAL_STAGE")
    closed = BooleanFilter(label=_("Closed"))
    contact = ReadableItemFilter(label=_("Contact"), field_name="contacts", model=Contact)
    ordering = django_filters.OrderingFilter(
        fields=(
            ("title", "title"),
            ("amount", "amount"),
            ("close_date", "close_date"),
            ("created_at", "created"),
            ("modified_at", "modified"),
            ("id", "id"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Deal
        fields = []

    def search(self, qs, name, value):
        """A deal's number, or words of its title or of its client's name: the company's or
        a contact's, among the clients the reader may read (a hidden client's name finds
        nothing, so it cannot be probed through its deals)."""
        value = value.strip()[:MAX_SEARCH_LENGTH]
        if not value:
            return qs
        if value.isdecimal():  # "²" is a digit, not a decimal: it is searched as title text
            pk = parse_id(value)
            return qs.filter(pk=pk) if pk else qs.none()
        user = getattr(self.request, "user", None)
        companies = Company.objects.restrict(user, "read").filter(named(Company, value))
        contacts = Contact.objects.restrict(user, "read").filter(named(Contact, value))
        with_contacts = Deal.contacts.through.objects.filter(contact__in=contacts.values("pk"))
        return qs.filter(
            named(Deal, value)
            | Q(company__in=companies.values("pk"))
            | Q(pk__in=with_contacts.values("deal_id"))
        )


class LeadFilterSet(ClientFilterSet):
    owner_field = "lead"
    has_requisites = False

    tax_id = None
    catalogue_filters = ("stage", "source")
    closed = BooleanFilter(label=_("Closed"))
    ordering = django_filters.OrderingFilter(
        fields=(
            ("title", "title"),
            ("created_at", "created"),
            ("modified_at", "modified"),
            ("id", "id"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Lead
        fields = []
