"""Django admin for quotes and invoices: reads through restrict(), writes through services.

Built on the deal admin's ``StagedItemAdmin`` (``crm.admin.ItemAdmin``): every save and delete
calls ``quotes.services`` with ``user=request.user`` and only the fields the form changed. The
lines and totals are shown, not edited here: the line editor of the pages and the API change
them through the same services.
"""

from django import forms
from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from companies.models import Contact
from crm.admin import ITEM_READ_ONLY
from deals.admin import StagedItemAdmin
from dictionaries.models import Entry

from . import services
from .fields import TOTALS
from .models import Invoice, Quote

READ_ONLY = ["closed", *TOTALS, "lines_display", *ITEM_READ_ONLY]


def _form(model, spec):
    class DocumentAdminForm(forms.ModelForm):
        stage = forms.ModelChoiceField(
            queryset=Entry.objects.of_list(model.stage_list),
            required=False,
            label=_("stage"),
            help_text=_("Leave empty for the first stage."),
        )

        class Meta:
            fields = [name for name in spec.fields if name not in TOTALS]

    DocumentAdminForm.Meta.model = model
    return DocumentAdminForm


class DocumentAdmin(StagedItemAdmin):
    readonly_fields = READ_ONLY
    autocomplete_fields = ["responsible", "company", "contacts"]
    list_display = ["title", "number", "stage", "amount_display", "outcome", "company",
                    "responsible", "created_at"]  # fmt: skip
    list_select_related = ["stage", "company", "responsible"]
    list_filter = ["stage", "closed"]

    @admin.display(description=_("lines"))
    def lines_display(self, obj):
        if obj.pk is None:
            return self.get_empty_value_display()
        return format_html_join(
            "",
            "<div>{} × {} {} = {}</div>",
            ((line.product_name, line.quantity.normalize(), line.price, line.amount)
             for line in obj.lines.all()),
        ) or self.get_empty_value_display()  # fmt: skip

    def save_model(self, request, obj, form, change):
        fields = self.service_fields(form, change)
        contacts = form.cleaned_data.get("contacts")
        if not change:
            created = self.create(user=request.user, contacts=contacts or (), **fields)
            obj.pk = created.pk
            return
        document = self.stored(obj)
        if "contacts" in form.changed_data:
            # Contacts out of the user's sight were not offered: they stay.
            readable = Contact.objects.restrict(request.user, "read").values("pk")
            contacts = {*(contacts or ()), *document.contacts.exclude(pk__in=readable)}
        else:
            contacts = None
        self.update(request.user, document, contacts, fields)


@admin.register(Quote)
class QuoteAdmin(DocumentAdmin):
    spec = services.QUOTE
    form = _form(Quote, services.QUOTE)
    fields = [*(n for n in services.QUOTE.fields if n not in TOTALS), "contacts", *READ_ONLY]

    def create(self, **kwargs):
        return services.quote_create(**kwargs)

    def update(self, user, document, contacts, fields):
        return services.quote_update(user=user, quote=document, contacts=contacts, **fields)


@admin.register(Invoice)
class InvoiceAdmin(DocumentAdmin):
    spec = services.INVOICE
    form = _form(Invoice, services.INVOICE)
    fields = [*(n for n in services.INVOICE.fields if n not in TOTALS), "contacts", *READ_ONLY]

    def create(self, **kwargs):
        return services.invoice_create(**kwargs)

    def update(self, user, document, contacts, fields):
        return services.invoice_update(user=user, invoice=document, contacts=contacts, **fields)
