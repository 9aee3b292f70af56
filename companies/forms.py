from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from crm.forms import ItemForm
from crm.items import snapshot
from dictionaries.models import Entry
from people.naming import PersonChoiceField, people

from . import communications as comms
from .models import Communication, Company, Contact
from .services import CHANNELS, COMPANY, CONTACT, channels_display, stored_channels

MAX_ROWS = 50


class CommunicationsWidget(forms.Widget):
    """Rows of value + kind inputs (``phones-0-value``, ``phones-0-kind``, ...), two blank."""

    input_type = {comms.PHONE: "tel", comms.EMAIL: "email", comms.WEB: "text"}

    def __init__(self, channel: str, attrs=None):
        super().__init__(attrs)
        self.channel = channel

    def value_from_datadict(self, data, files, name):
        rows = []
        for index in range(MAX_ROWS):
            if f"{name}-{index}-value" not in data:
                break
            rows.append(
                {
                    "value": data.get(f"{name}-{index}-value", ""),
                    "kind": data.get(f"{name}-{index}-kind", "work"),
                }
            )
        return rows

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-0-value" not in data

    def _understood(self, value: str):
        """How a phone number is read in the current region ("+33 1 42 00 00 01"), beside a
        number not typed so; nothing for one that cannot be read (its error says why)."""
        if self.channel != comms.PHONE or not value.strip():
            return ""
        try:
            international = comms.phone_international(comms.normalize_phone(value))
        except ValidationError:
            return ""
        if international == value.strip():
            return ""
        return format_html(' <span class="muted small understood">{}</span>', international)

    def render(self, name, value, attrs=None, renderer=None):
        # The rows typed, then two blank ones: a form sent back with an error comes with the
        # blank rows it was sent with, which must not add up.
        typed = [item for item in value or [] if str(item.get("value", "")).strip()]
        rows = [*typed, {"value": "", "kind": "work"}, {"value": "", "kind": "work"}]
        kinds = Communication.Kind.choices

        def row(index, item):
            options = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((v, " selected" if v == item.get("kind") else "", label) for v, label in kinds),
            )
            return format_html(
                '<div class="comm-row"><input type="{}" name="{}-{}-value" value="{}" '
                'maxlength="{}" aria-label="{} {}"><select name="{}-{}-kind" '
                'aria-label="{} {}">{}</select>{}</div>',
                self.input_type[self.channel],
                name,
                index,
                item.get("value", ""),
                comms.MAX_VALUE_LENGTH,
                name,
                index + 1,
                name,
                index,
                _("kind of"),
                name,
                options,
                self._understood(item.get("value", "")),
            )

        return format_html(
            '<div class="comm-rows" data-name="{}">{}</div>',
            name,
            format_html_join("", "{}", ((row(i, item),) for i, item in enumerate(rows))),
        )


class CommunicationsField(forms.Field):
    """A list of ``{"value", "kind"}``, validated and normalised like the services do."""

    def __init__(self, channel: str, **kwargs):
        self.channel = channel
        super().__init__(widget=CommunicationsWidget(channel), required=False, **kwargs)

    def clean(self, value):
        return comms.clean_values(self.channel, value)


def responsible_field():
    return PersonChoiceField(label=_("Responsible person"), queryset=people())


class ClientForm(ItemForm):
    """A form for an item with phones, e-mails and websites (company, contact, lead)."""

    spec = None

    phones = CommunicationsField(comms.PHONE, label=_("Phones"))
    emails = CommunicationsField(comms.EMAIL, label=_("E-mails"))
    websites = CommunicationsField(comms.WEB, label=_("Websites"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"] = responsible_field()
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and field.queryset.model is Entry:
                field.label_from_instance = lambda entry: entry.name
        if self.instance.pk and not self.is_bound:
            for name, values in stored_channels(self.instance).items():
                self.initial.setdefault(name, values)

    @property
    def service_fields(self):
        return (*self.spec.fields, *CHANNELS)

    def snapshot_of(self, item):
        values = snapshot(item, self.spec.fields)
        values.update({n: channels_display(v) for n, v in stored_channels(item).items()})
        return values

    def submitted_snapshot(self):
        values = snapshot(self.instance, self.spec.fields)
        values.update({name: channels_display(self.cleaned_data[name]) for name in CHANNELS})
        return values


class CompanyForm(ClientForm):
    spec = COMPANY
    currency = forms.ChoiceField(label=_("Currency"), required=False)

    class Meta:
        model = Company
        fields = COMPANY.fields
        widgets = {"comments": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *((c, c) for c in settings.CRM_CURRENCIES)]
        current = self.initial.get("currency") or ""
        if current and current not in settings.CRM_CURRENCIES:
            choices.append((current, current))
        self.fields["currency"].choices = choices


class ContactForm(ClientForm):
    spec = CONTACT

    class Meta:
        model = Contact
        fields = CONTACT.fields
        widgets = {
            "birthday": forms.DateInput(attrs={"type": "date"}),
            "comments": forms.Textarea(attrs={"rows": 3}),
        }
