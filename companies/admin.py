"""Django admin for companies and contacts: reads through restrict(), writes through services.

Every save and delete calls ``companies.services`` with ``user=request.user``, so the admin
records the same history and obeys the same rights as the pages and the API; an update passes
only the fields the form changed. Phones, e-mails and websites are shown, not edited, here.
The lists stay fast on a million rows: no full count, sorting only by indexed columns, related
rows fetched in the same query, no per-filter counts.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accessrights.restriction import restricted_relations
from crm.items import EditConflict

from . import services
from .models import Company, Contact

READ_ONLY = ["communications_list", "created_at", "created_by", "modified_at", "modified_by"]
MAX_LISTED = 50


class IndexedChangeList(ChangeList):
    """Sorts only as an index reads: ``sortable_by`` holds for hand-made ``?o=`` links too, and
    a sort column is completed the way its index is (``name`` -> ``name, id``, both ways)."""

    def get_ordering_field(self, field_name):
        if self.sortable_by is not None and field_name not in self.sortable_by:
            return None
        return super().get_ordering_field(field_name)

    def get_ordering(self, request, queryset):
        ordering = super().get_ordering(request, queryset)
        first = ordering[0] if ordering else None
        if isinstance(first, str):
            descending = first.startswith("-")
            index = self.model_admin.index_orderings.get(first.removeprefix("-"))
            if index:
                return [f"-{name}" if descending else name for name in index]
        return ordering


class ReaderChangeList(IndexedChangeList):
    """A page of items whose links to CRM items their reader may not read are marked (one
    query per kind of link), so that the list does not name them."""

    def get_results(self, request):
        super().get_results(request)
        self.model_admin.mark_hidden_links(request, self.result_list)


HIDDEN_TEXT = _("an item you may not see")


def _hidden_link_display(name: str, label):
    """What the admin shows for link ``name``: the item, unless its reader may not read it."""

    @admin.display(description=label)
    def shown(obj):
        if name in getattr(obj, "hidden_links", ()):
            return HIDDEN_TEXT
        related = getattr(obj, name)
        return None if related is None else str(related)

    return shown


class ItemAdmin(admin.ModelAdmin):
    """What the item admins share: the restricted queryset and writes through services.

    A link to another CRM item (a deal's company) is shown, in lists and forms, only to those
    who may read that item; for others it is "an item you may not see", read-only, and it
    stays as it is when they save.
    """

    spec: services.ItemSpec
    index_orderings: dict[str, tuple[str, ...]] = {}
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    autocomplete_fields = ["responsible"]
    readonly_fields = READ_ONLY

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        self.links = restricted_relations(model)
        for name in self.links:
            label = model._meta.get_field(name).verbose_name
            setattr(self, f"hidden_{name}", _hidden_link_display(name, label))

    def get_changelist(self, request, **kwargs):
        return ReaderChangeList

    def get_list_display(self, request):
        return [
            f"hidden_{name}" if name in self.links else name
            for name in super().get_list_display(request)
        ]

    def mark_hidden_links(self, request, items) -> None:
        """Set ``hidden_links`` on each item: its links its reader may not read."""
        for name, model in self.links.items():
            ids = {getattr(item, f"{name}_id") for item in items} - {None}
            readable = set(
                model.objects.restrict(request.user, "read")
                .filter(pk__in=ids)
                .values_list("pk", flat=True)
            )
            for item in items:
                if getattr(item, f"{name}_id") not in readable | {None}:
                    item.hidden_links = {*getattr(item, "hidden_links", ()), name}

    def _hidden(self, obj) -> set[str]:
        return set(getattr(obj, "hidden_links", ())) if obj is not None else set()

    def get_readonly_fields(self, request, obj=None):
        hidden = [f"hidden_{name}" for name in self._hidden(obj)]
        return [*super().get_readonly_fields(request, obj), *hidden]

    def get_queryset(self, request):
        queryset = self.model.objects.restrict(request.user, "read")
        ordering = self.get_ordering(request)
        return queryset.order_by(*ordering) if ordering else queryset

    def get_fields(self, request, obj=None):
        hidden = self._hidden(obj)
        fields = [
            f"hidden_{name}" if name in hidden else name
            for name in super().get_fields(request, obj)
        ]
        if obj is None:  # a new item has no history or related rows to show yet
            hidden = set(self.get_readonly_fields(request, obj))
            fields = [name for name in fields if name not in hidden]
        return fields

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj.admin_reader = request.user  # for the read-only lists of related items
            self.mark_hidden_links(request, [obj])
        return obj

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if hasattr(related.objects, "restrict"):
            kwargs["queryset"] = related.objects.restrict(request.user, "read")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        return {"responsible": request.user.pk, **super().get_changeform_initial_data(request)}

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one confirmation page for many rows: not here
        return actions

    def service_fields(self, form, change: bool) -> dict:
        """The values to hand to the service: the changed ones on update, all on create."""
        names = form.changed_data if change else form.cleaned_data
        return {name: form.cleaned_data[name] for name in names if name in self.spec.fields}

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The forms check what the services check; a refusal that still comes from a service
        # (someone else's change in between) rolls back and shows as a message.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (ValidationError, EditConflict) as exc:
            text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self.message_user(request, text, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def delete_queryset(self, request, queryset):
        services.items_bulk_delete(
            user=request.user,
            spec=services.SPECS[self.model],
            ids=list(queryset.values_list("pk", flat=True)),
        )

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
class CompanyAdmin(ItemAdmin):
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

    def save_model(self, request, obj, form, change):
        if change:
            services.company_update(
                user=request.user, company=obj, **self.service_fields(form, change)
            )
        else:
            created = services.company_create(
                user=request.user, **self.service_fields(form, change)
            )
            obj.pk = created.pk

    def delete_model(self, request, obj):
        services.company_delete(user=request.user, company=obj)

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
class ContactAdmin(ItemAdmin):
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

    def delete_model(self, request, obj):
        services.contact_delete(user=request.user, contact=obj)
