"""Pages of the client base: lists, cards, edit forms, links between companies and contacts.

The generic views of ``crm.generic_views`` do the reading (through restrict()) and the writing
(through the services named here); this module only configures them.
"""

from functools import partial

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from crm.bulk import BulkAction
from crm.generic_views import (
    ItemBulkView,
    ItemCommentView,
    ItemDeleteView,
    ItemEditView,
    ItemListView,
    ItemView,
    RestrictedItemMixin,
)
from crm.services import items_bulk_delete, items_bulk_update
from crm.validators import parse_id
from dictionaries.models import Entry

from . import services
from .duplicates import find_duplicates
from .filters import CompanyFilterSet, ContactFilterSet
from .forms import CompanyForm, ContactForm
from .models import Company, Contact


def bulk_actions(spec, type_list: str = "") -> dict:
    """The bulk actions of a list: new responsible, new type (``type_list``), delete."""

    def new_responsible(value) -> dict:
        pk = parse_id(value)
        responsible = get_user_model().objects.filter(is_active=True, pk=pk).first() if pk else None
        if responsible is None:
            raise ValidationError(_("Choose the new responsible person."))
        return {"responsible": responsible}

    def new_type(value) -> dict:
        entry = Entry.objects.filter(list_code=type_list).with_code(value).first()
        if entry is None:
            raise ValidationError(_("Choose the new type."))
        return {"type": entry}

    update = partial(items_bulk_update, spec=spec)
    actions = {
        "responsible": BulkAction("update", update, new_responsible),
        "type": BulkAction("update", update, new_type),
        "delete": BulkAction("delete", partial(items_bulk_delete, spec=spec)),
    }
    if not type_list:
        del actions["type"]
    return actions


# Companies


class CompanyListView(ItemListView):
    model = Company
    filterset_class = CompanyFilterSet
    list_name = "companies"
    bulk_url_name = "companies:company_bulk"
    prefetch_related = ("communications",)
    title_label = gettext_lazy("Name")
    title_fields = ("name",)
    default_columns = (
        "type",
        "industry",
        "phones",
        "emails",
        "responsible",
        "created_at",
        "modified_at",
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["type_choices"] = Entry.objects.of_list("COMPANY_TYPE")
        context["add_url_name"] = "companies:company_add"
        return context


class CompanyView(ItemView):
    model = Company
    template_name = "companies/company.html"
    prefetch_related = ("communications",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["tab"] == "dependencies":
            context["contacts"] = (
                context["object"]
                .contacts.restrict(self.request.user, "read")
                .select_related("responsible")
                .prefetch_related("communications")
                .order_by("last_name", "first_name", "id")
            )
            context.update(linked_deals_and_leads(context["object"], self.request.user))
        return context


def linked_deals_and_leads(client, user) -> dict:
    """The deals and leads of a company or contact that ``user`` may read, newest first."""
    return {
        "deals": client.deals.restrict(user, "read").select_related("stage").order_by("-id"),
        "leads": client.leads.restrict(user, "read").select_related("stage").order_by("-id"),
    }


class _ClientEditView(ItemEditView):
    def find_duplicates(self, form, item):
        data = form.cleaned_data
        return find_duplicates(
            user=self.request.user,
            model=self.model,
            name=data.get("name", ""),
            first_name=data.get("first_name", ""),
            last_name=data.get("last_name", ""),
            phones=data.get("phones", []),
            emails=data.get("emails", []),
            exclude=item,
        )

    def initial_for_new(self):
        return {"responsible": self.request.user, "opened": True}


class CompanyEditView(_ClientEditView):
    model = Company
    form_class = CompanyForm


class CompanyDeleteView(ItemDeleteView):
    model = Company
    list_url_name = "companies:company_list"


class CompanyCommentView(ItemCommentView):
    model = Company


class CompanyBulkView(ItemBulkView):
    model = Company
    filterset_class = CompanyFilterSet
    list_url_name = "companies:company_list"
    actions = bulk_actions(services.COMPANY, "COMPANY_TYPE")


# Contacts


class ContactListView(ItemListView):
    model = Contact
    filterset_class = ContactFilterSet
    list_name = "contacts"
    bulk_url_name = "companies:contact_bulk"
    prefetch_related = ("communications",)
    title_label = gettext_lazy("Name")
    title_fields = ("last_name", "first_name", "middle_name")
    default_columns = (
        "position", "companies", "type", "phones", "emails", "responsible", "created_at",
        "modified_at",
    )  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["type_choices"] = Entry.objects.of_list("CONTACT_TYPE")
        context["add_url_name"] = "companies:contact_add"
        return context


class ContactView(ItemView):
    model = Contact
    template_name = "companies/contact.html"
    prefetch_related = ("communications",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context["tab"] == "dependencies":
            context["companies"] = (
                context["object"]
                .companies.restrict(self.request.user, "read")
                .select_related("type", "responsible")
                .prefetch_related("communications")
                .order_by("name", "id")
            )
            context.update(linked_deals_and_leads(context["object"], self.request.user))
        return context


class ContactEditView(_ClientEditView):
    model = Contact
    form_class = ContactForm

    def link_company(self):
        """The company a new contact is created for (``?company=<id>``), if readable."""
        pk = parse_id(self.request.POST.get("company") or self.request.GET.get("company"))
        if pk is None:
            return None
        return Company.objects.restrict(self.request.user, "read").filter(pk=pk).first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["link_company"] = self.link_company() if "pk" not in self.kwargs else None
        return context

    def create(self, user, data):
        company = self.link_company()
        return services.contact_create(user=user, companies=[company] if company else [], **data)


class ContactDeleteView(ItemDeleteView):
    model = Contact
    list_url_name = "companies:contact_list"


class ContactCommentView(ItemCommentView):
    model = Contact


class ContactBulkView(ItemBulkView):
    model = Contact
    filterset_class = ContactFilterSet
    list_url_name = "companies:contact_list"
    actions = bulk_actions(services.CONTACT, "CONTACT_TYPE")


# Links between contacts and companies


class LinkView(RestrictedItemMixin, TemplateView):
    """Link or unlink a contact and a company, from either card.

    The card's item comes from the URL; the other one from the form (``other``). Both must be
    readable (else 404); the service checks the right to change both.
    """

    http_method_names = ["post"]
    unlink = False

    def post(self, request, *args, **kwargs):
        item = self.get_object()
        other_model = Contact if self.model is Company else Company
        other = get_object_or_404(
            other_model.objects.restrict(request.user, "read"),
            pk=request.POST.get("other") or kwargs.get("other") or 0,
        )
        contact, company = (other, item) if self.model is Company else (item, other)
        service = services.contact_unlink if self.unlink else services.contact_link
        try:
            service(user=request.user, contact=contact, company=company)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(f"{item.get_absolute_url()}?tab=dependencies")


class LinkLookupView(RestrictedItemMixin, TemplateView):
    """Up to 10 items of the other kind matching ``q`` (the list's search), to link one."""

    template_name = "companies/_link_lookup.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = self.get_object()
        if self.model is Company:
            other_model, filterset_class = Contact, ContactFilterSet
            link_url = reverse("companies:company_link", args=[item.pk])
        else:
            other_model, filterset_class = Company, CompanyFilterSet
            link_url = reverse("companies:contact_link", args=[item.pk])
        query = self.request.GET.get("q", "").strip()
        results = []
        if query:
            readable = other_model.objects.restrict(self.request.user, "read")
            results = filterset_class({"q": query}, queryset=readable, request=self.request).qs[:10]
        context.update(object=item, results=results, link_url=link_url, query=query)
        return context
