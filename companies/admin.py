"""Django admin for companies and contacts, on ``crm.admin.ItemAdmin``: reads through
restrict(), writes through ``companies.services``. Phones, e-mails and websites are shown, not
edited, here."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.admin import ITEM_READ_ONLY, ItemAdmin

from . import services
from .models import Company, Contact

READ_ONLY = ["communications_list", *ITEM_READ_ONLY]
MAX_LISTED = 50


class ClientAdminMixin:
    """What the admins of items with phones, e-mails and websites add: their list, read-only."""

    readonly_fields = READ_ONLY

    @admin.display(description=_("phones, e-mails, websites"))
    def communications_list(self, obj):
        return format_html_join(
            "",
            "<div>{} ({}, {})</div>",
            (
                (comm.value, comm.get_channel_display(), comm.get_kind_display())
                for comm in obj.communications.all()[:MAX_LISTED]
            ),
        ) or gettext("none")


@admin.register(Company)
class CompanyAdmin(ClientAdminMixin, ItemAdmin):
    spec = services.COMPANY
    fields = [*services.COMPANY.fields, "contacts_list", *READ_ONLY]
    readonly_fields = ["contacts_list", *READ_ONLY]
    list_display = ["name", "type", "industry", "responsible", "opened", "created_at"]
    list_select_related = ["type", "industry", "responsible"]
    list_filter = ["type", "industry", "employees", "source", "responsible", "opened"]
    # Indexed columns only (company_name, created_at); the default order is the primary key.
    sortable_by = ["name", "created_at"]
    index_orderings = {"name": ("name", "pk"), "created_at": ("created_at", "pk")}
    search_fields = ["name"]
    search_help_text = _("Any part of the name.")

    @admin.display(description=_("contacts"))
    def contacts_list(self, obj):
        contacts = obj.contacts.restrict(obj.admin_reader, "read")[:MAX_LISTED]
        return format_html_join(
            "",
            '<div><a href="{}">{}</a></div>',
            (
                (reverse("admin:companies_contact_change", args=[contact.pk]), contact)
                for contact in contacts
            ),
        ) or gettext("none")


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = [*services.CONTACT.fields, "companies"]

    def clean(self):
        cleaned = super().clean()
        names = ("first_name", "last_name")
        if not any(name in self.errors for name in names) and not any(
            cleaned.get(name, "").strip() for name in names
        ):
            self.add_error("last_name", gettext("Give the contact a first or a last name."))
        return cleaned


@admin.register(Contact)
class ContactAdmin(ClientAdminMixin, ItemAdmin):
    spec = services.CONTACT
    form = ContactForm
    fields = [*services.CONTACT.fields, "companies", *READ_ONLY]
    autocomplete_fields = ["responsible", "companies"]
    list_display = ["full_name", "position", "type", "responsible", "opened", "created_at"]
    list_select_related = ["type", "responsible"]
    list_filter = ["type", "source", "honorific", "responsible", "opened"]
    sortable_by = ["full_name", "created_at"]  # contact_name and created_at indexes
    index_orderings = {
        "last_name": ("last_name", "first_name", "pk"),
        "created_at": ("created_at", "pk"),
    }
    search_fields = ["first_name", "last_name"]
    search_help_text = _("Any part of the first or last name.")

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, obj):
        return obj.full_name

    def save_model(self, request, obj, form, change):
        fields = self.service_fields(form, change)
        companies = form.cleaned_data.get("companies")
        if not change:
            created = services.contact_create(
                user=request.user, companies=companies or (), **fields
            )
            obj.pk = created.pk
            return
        contact = services.contact_update(user=request.user, contact=obj, **fields)
        if "companies" in form.changed_data:
            # Links to companies out of the user's sight were not offered: they stay.
            linked = set(contact.companies.restrict(request.user, "read"))
            wanted = set(companies or ())
            for company in sorted(wanted - linked, key=lambda c: c.pk):
                services.contact_link(user=request.user, contact=contact, company=company)
            for company in sorted(linked - wanted, key=lambda c: c.pk):
                services.contact_unlink(user=request.user, contact=contact, company=company)

    def save_related(self, request, form, formsets, change):
        pass  # links were made by the services in save_model; there are no inlines
