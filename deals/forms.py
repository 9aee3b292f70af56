"""Forms of the deal and lead pages: they read and check what was posted; services write."""

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from companies.forms import ClientForm, responsible_field
from companies.models import Company, Contact
from crm.forms import ItemForm
from crm.items import snapshot
from crm.validators import parse_id
from dictionaries.defaults import DEAL_STAGE
from dictionaries.models import Entry, Pipeline, Semantics

from .models import Deal
from .services import DEAL, LEAD, LEAD_STAGE


class ClientPicker(forms.Widget):
    """Chosen companies or contacts as removable chips, and a search box that finds more
    (``static/js/picker.js``): thousands of clients never become a select's options."""

    def __init__(self, kind: str, multiple: bool, queryset, attrs=None):
        super().__init__(attrs)
        self.kind = kind
        self.multiple = multiple
        self.queryset = queryset  # what the user may pick: only those are ever named

    def value_from_datadict(self, data, files, name):
        values = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return values if self.multiple else (values[-1] if values else None)

    def value_omitted_from_data(self, data, files, name):
        return False  # an empty picker means "none", not "unchanged"

    def render(self, name, value, attrs=None, renderer=None):
        values = value if isinstance(value, list | tuple) else [value]
        ids = [pk for pk in map(parse_id, map(str, values)) if pk]
        chosen = self.queryset.filter(pk__in=ids) if ids else []
        chips = format_html_join(
            "",
            '<span class="chip">{}<input type="hidden" name="{}" value="{}">'
            '<button type="button" class="link" data-unpick aria-label="{} {}">×</button></span>',
            ((str(item), name, item.pk, _("Remove"), str(item)) for item in chosen),
        )
        return format_html(
            '<div class="picker" data-name="{}" data-multiple="{}"><span class="chips">{}</span>'
            '<input type="search" placeholder="{}" aria-label="{}" autocomplete="off" '
            'hx-get="{}" hx-vals=\'{{"kind": "{}"}}\' hx-trigger="input changed delay:300ms" '
            'hx-target="next .picker-results" name="q"><ul class="picker-results"></ul></div>',
            name,
            "1" if self.multiple else "",
            chips,
            _("Find by name, phone or e-mail"),
            _("Find a client"),
            reverse_lazy("deals:client_lookup"),
            self.kind,
        )


class DealForm(ItemForm):
    """A deal: stage (which decides the pipeline), amounts, dates, client, more."""

    stage = forms.ModelChoiceField(label=_("Stage"), queryset=Entry.objects.none())
    currency = forms.ChoiceField(label=_("Currency"), required=False)
    company = forms.ModelChoiceField(
        label=_("Company"), queryset=Company.objects.none(), required=False
    )
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contacts"), queryset=Contact.objects.none(), required=False
    )

    class Meta:
        model = Deal
        fields = [name for name in DEAL.fields if name != "pipeline"]
        widgets = {
            "begin_date": forms.DateInput(attrs={"type": "date"}),
            "close_date": forms.DateInput(attrs={"type": "date"}),
            "comments": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["responsible"] = responsible_field()
        self.fields["stage"].queryset = deal_stages(user, self.instance)
        self.fields["stage"].label_from_instance = stage_label
        if not self.instance.pk and not self.initial.get("stage"):
            self.initial["stage"] = self.fields["stage"].queryset.first()
        self.fields["currency"].choices = currency_choices(self.initial.get("currency"))
        for name, model, multiple in (("company", Company, False), ("contacts", Contact, True)):
            field = self.fields[name]
            field.queryset = model.objects.restrict(user, "read")
            field.widget = ClientPicker(name, multiple, field.queryset)
        for name in ("type", "source"):
            self.fields[name].label_from_instance = lambda entry: entry.name
        if self.instance.pk and not self.is_bound:
            self.initial["contacts"] = list(self.instance.contacts.values_list("pk", flat=True))

    @property
    def service_fields(self):
        return (*self.Meta.fields, "contacts")

    def snapshot_of(self, item):
        values = snapshot(item, self.Meta.fields, reader=self.user)
        readable = Contact.objects.restrict(self.user, "read").values("pk")
        values["contacts"] = ids_display(item.contacts.filter(pk__in=readable))
        return values

    def submitted_snapshot(self):
        values = snapshot(self.instance, self.Meta.fields, reader=self.user)
        values["contacts"] = ids_display(self.cleaned_data["contacts"])
        return values


def ids_display(items) -> str:
    return ",".join(str(pk) for pk in sorted(item.pk for item in items))


def stage_label(stage: Entry) -> str:
    return f"{stage.pipeline.name}: {stage.name}" if stage.pipeline_id else stage.name


def deal_stages(user, deal):
    """The stages of every pipeline the user may add deals to (or update this deal in)."""
    action = "update" if deal.pk else "add"
    pipelines = [p.pk for p in Deal.pipelines_for(user, action)]
    if deal.pk:
        pipelines.append(deal.pipeline_id)
    return (
        Entry.objects.filter(list_code=DEAL_STAGE, pipeline__in=pipelines)
        .select_related("pipeline")
        .order_by("pipeline__sort", "pipeline_id", "sort", "id")
    )


def currency_choices(current: str | None) -> list[tuple[str, str]]:
    choices = [("", "—"), *((c, c) for c in settings.CRM_CURRENCIES)]
    if current and current not in settings.CRM_CURRENCIES:
        choices.append((current, current))
    return choices


class LeadForm(ClientForm):
    spec = LEAD
    currency = forms.ChoiceField(label=_("Currency"), required=False)

    class Meta:
        model = LEAD.model
        fields = LEAD.fields
        widgets = {"comments": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Left empty: the person's or company's name.")
        self.fields["currency"].choices = currency_choices(self.initial.get("currency"))
        # The converted (success) stage is reached by converting, not by editing.
        stages = Entry.objects.of_list(LEAD_STAGE).exclude(semantics=Semantics.SUCCESS)
        if self.instance.pk:
            stages = Entry.objects.of_list(LEAD_STAGE).filter(
                pk__in=[*stages.values_list("pk", flat=True), self.instance.stage_id]
            )
        self.fields["stage"].queryset = stages
        self.fields["stage"].required = False
        self.fields["stage"].empty_label = _("— first stage —")


class ConvertForm(forms.Form):
    """What a lead becomes: a contact, a company, a deal in a pipeline (any of the three)."""

    contact = forms.BooleanField(label=_("Contact"), required=False, initial=True)
    company = forms.BooleanField(label=_("Company"), required=False)
    deal = forms.BooleanField(label=_("Deal"), required=False, initial=True)
    pipeline = forms.ModelChoiceField(
        label=_("Pipeline of the deal"), queryset=Pipeline.objects.none(), required=False
    )

    def __init__(self, *args, user, lead, **kwargs):
        super().__init__(*args, **kwargs)
        pipelines = [p.pk for p in Deal.pipelines_for(user, "add")]
        self.fields["pipeline"].queryset = Pipeline.objects.filter(pk__in=pipelines)
        self.fields["pipeline"].empty_label = None
        self.fields["company"].initial = bool(lead.company_name)

    def clean(self):
        data = super().clean()
        if data.get("deal") and not data.get("pipeline"):
            self.add_error("pipeline", _("Choose the pipeline of the deal."))
        if not (data.get("contact") or data.get("company") or data.get("deal")):
            raise forms.ValidationError(_("Choose at least one thing to create."))
        return data
