"""The quote and invoice form: its fields in the catalogue's sections and a line editor.

Lines are posted as parallel lists (``line_product_name``, ``line_quantity``, ...), one
value per row of the editor; a row without a product name is left out. The editor works
without JavaScript (the form comes with blank rows; clearing a row's product removes it),
and ``static/js/lines.js`` adds and removes rows in place.
"""

import json
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from companies.forms import responsible_field
from companies.models import Company, Contact
from crm.forms import ItemForm
from crm.items import snapshot
from deals.forms import ClientPicker, currency_choices, ids_display
from deals.models import Deal
from dictionaries.models import Entry

from .fields import TOTALS
from .services import INVOICE, LINE_FIELDS, QUOTE, stored_lines

BLANK_ROWS = 3


def _editable(spec) -> list[str]:
    return [name for name in spec.fields if name not in TOTALS]


def _shown(value) -> str:
    """A line's value as compared: numbers by their value ("1" and a stored 1.0000 alike),
    so that saving a form whose lines nobody touched does not count them as changed."""
    try:
        number = Decimal(str(value).strip() or "0")
    except InvalidOperation:
        return str(value)
    return str(number.normalize()) if number.is_finite() else str(value)


def _shown_lines(lines: list[dict]) -> str:
    """Lines as one comparable string (the form's snapshot of them)."""
    return json.dumps([[_shown(line.get(name, "")) for name in LINE_FIELDS] for line in lines])


class DocumentForm(ItemForm):
    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Entry.objects.none())
    currency = forms.ChoiceField(label=_("Currency"))
    company = forms.ModelChoiceField(
        label=_("Company"), queryset=Company.objects.none(), required=False
    )
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contacts"), queryset=Contact.objects.none(), required=False
    )
    deal = forms.ModelChoiceField(
        label=_("Deal"),
        queryset=Deal.objects.none(),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1}),
        help_text=_("The number of the deal."),
    )
    # Filled by clean() from the editor's rows (drawn by the template, not by this field).
    lines = forms.Field(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["responsible"] = responsible_field()
        stages = Entry.objects.of_list(self._meta.model.stage_list)
        self.fields["stage"].queryset = stages
        self.fields["stage"].label_from_instance = lambda entry: entry.name
        if not self.instance.pk and not self.initial.get("stage"):
            self.initial["stage"] = stages.first()
        current = self.initial.get("currency") or self.instance.currency
        self.fields["currency"].choices = currency_choices(current)
        for name, model, multiple in (("company", Company, False), ("contacts", Contact, True)):
            field = self.fields[name]
            field.queryset = model.objects.restrict(user, "read")
            field.widget = ClientPicker(name, multiple, field.queryset)
        self.fields["deal"].queryset = Deal.objects.restrict(user, "read")
        if self.instance.pk and not self.is_bound:
            readable = Contact.objects.restrict(user, "read").values("pk")
            self.initial["contacts"] = list(
                self.instance.contacts.filter(pk__in=readable).values_list("pk", flat=True)
            )
        self.rows = self._rows()

    @property
    def service_fields(self):
        return (*self.Meta.fields, "contacts", "lines")

    def _rows(self) -> list[dict]:
        """The editor's rows: as posted, or the stored lines (or the initial ones), then
        blank rows to type more into."""
        if self.is_bound:
            rows = self._posted_rows()
        elif self.instance.pk:
            rows = stored_lines(self.instance)
        else:
            rows = list(self.initial.get("lines", []))
        return [*rows, *({} for _row in range(BLANK_ROWS))]

    def _posted_rows(self) -> list[dict]:
        columns = {name: self.data.getlist(f"line_{name}") for name in LINE_FIELDS}
        count = max((len(values) for values in columns.values()), default=0)
        rows = []
        for index in range(count):
            row = {name: (values[index] if index < len(values) else "").strip()
                   for name, values in columns.items()}  # fmt: skip
            if row["product_name"] or any(row[name] for name in ("price", "unit")):
                rows.append(row)
        return rows

    def clean(self):
        data = super().clean()
        data["lines"] = [row for row in self.rows if row]
        return data

    def snapshot_of(self, item):
        values = snapshot(item, self.Meta.fields, reader=self.user)
        readable = Contact.objects.restrict(self.user, "read").values("pk")
        values["contacts"] = ids_display(item.contacts.filter(pk__in=readable))
        values["lines"] = _shown_lines(stored_lines(item))
        return values

    def submitted_snapshot(self):
        values = snapshot(self.instance, self.Meta.fields, reader=self.user)
        values["contacts"] = ids_display(self.cleaned_data["contacts"])
        values["lines"] = _shown_lines(self.cleaned_data["lines"])
        return values


_WIDGETS = {"comments": forms.Textarea(attrs={"rows": 3}),
            "terms": forms.Textarea(attrs={"rows": 3})}  # fmt: skip


class QuoteForm(DocumentForm):
    class Meta:
        model = QUOTE.model
        fields = _editable(QUOTE)
        widgets = {**_WIDGETS, "valid_until": forms.DateInput(attrs={"type": "date"})}


class InvoiceForm(DocumentForm):
    class Meta:
        model = INVOICE.model
        fields = _editable(INVOICE)
        widgets = {
            **_WIDGETS,
            "pay_before": forms.DateInput(attrs={"type": "date"}),
            "paid_on": forms.DateInput(attrs={"type": "date"}),
        }
