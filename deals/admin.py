"""Django admin for deals and leads: reads through restrict(), writes through services.

Built on ``crm.admin.ItemAdmin``: the lists show only the rows
``restrict()`` allows, count once, sort only by indexed columns and fetch related rows in the
same query; every save and delete calls ``deals.services`` with ``user=request.user``, passing
only the fields the form changed, so history, rights, stage rules and the ``closed`` flag are
the services' own. A refusal from a service (someone else's change in between) rolls back and
shows as a message.

Stages: a deal's stage list offers the stages of every pipeline, labelled "pipeline: stage";
a stage of another pipeline moves the deal there, a new pipeline alone moves it to that
pipeline's first stage (what ``deal_update`` does), an empty stage means the first one. A lead
reaches its success stage only by conversion, so the form refuses it. Contacts of a deal are
written by ``deal_update(contacts=...)``; contacts out of the editor's sight are not offered,
and they stay linked.
"""

from django import forms
from django.contrib import admin
from django.urls import NoReverseMatch
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from companies.admin import READ_ONLY, ClientAdminMixin
from companies.models import Contact
from crm.admin import ITEM_READ_ONLY, ItemAdmin
from crm.money import money
from crm.validators import parse_id
from dictionaries.defaults import DEAL_STAGE
from dictionaries.models import Entry, Pipeline, Semantics

from . import services
from .models import Deal, Lead

MAX_SEARCH_LENGTH = 200
# History and derived values: shown, never edited (deals have no phones or e-mails).
DEAL_READ_ONLY = ["closed", "lead", *ITEM_READ_ONLY]
LEAD_READ_ONLY = ["closed", "company", "contact", *READ_ONLY]


class StageChoiceField(forms.ModelChoiceField):
    """Deal stages of every pipeline; stage names repeat across pipelines, so each is labelled
    with its pipeline."""

    def label_from_instance(self, obj):
        return f"{obj.pipeline}: {obj}"


def deal_stages():
    return (
        Entry.objects.filter(list_code=DEAL_STAGE)
        .select_related("pipeline")
        .order_by("pipeline__sort", "pipeline_id", "sort", "id")
    )


class DealForm(forms.ModelForm):
    stage = StageChoiceField(
        queryset=deal_stages(),
        required=False,
        label=_("stage"),
        help_text=_(
            "A stage of another pipeline moves the deal to that pipeline; "
            "leave empty for the first stage of the pipeline."
        ),
    )

    class Meta:
        model = Deal
        fields = [*services.DEAL.fields, "contacts"]

    def clean(self):
        cleaned = super().clean()
        pipeline, stage = cleaned.get("pipeline"), cleaned.get("stage")
        if pipeline is None or stage is None or stage.pipeline_id == pipeline.pk:
            return cleaned
        if self.instance.pk is not None and len({"pipeline", "stage"} & set(self.changed_data)) < 2:
            # One of the two changed: the services make the other follow (a new pipeline
            # alone starts at its first stage, a new stage takes the deal to its pipeline).
            return cleaned
        self.add_error(
            "stage",
            gettext("“%(stage)s” is a stage of the pipeline “%(pipeline)s”, not of “%(chosen)s”.")
            % {"stage": stage, "pipeline": stage.pipeline, "chosen": pipeline},
        )
        return cleaned


class LeadForm(forms.ModelForm):
    stage = forms.ModelChoiceField(
        queryset=Entry.objects.of_list(services.LEAD_STAGE),
        required=False,
        label=_("stage"),
        help_text=_("Leave empty for the first stage."),
    )

    class Meta:
        model = Lead
        fields = list(services.LEAD.fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "title" in self.fields:
            self.fields["title"].required = False
            self.fields["title"].help_text = gettext(
                "Leave empty to use the person's or the company's name."
            )

    def clean_stage(self):
        stage = self.cleaned_data.get("stage")
        if (
            stage is not None
            and stage.semantics == Semantics.SUCCESS
            and stage.pk != self.instance.stage_id
        ):
            raise forms.ValidationError(gettext("A lead reaches “%s” by being converted.") % stage)
        return stage

    def clean(self):
        cleaned = super().clean()
        names = ("title", "first_name", "last_name", "middle_name", "company_name")
        if not any(name in self.errors for name in names) and not any(
            (cleaned.get(name) or "").strip() for name in names
        ):
            self.add_error("title", gettext("Give the lead a title, a name or a company name."))
        return cleaned


class StagedItemAdmin(ItemAdmin):
    """What the deal and lead admins share: search by number or title, the amount column,
    fresh copies handed to the update services, bulk deletes through the item spec."""

    sortable_by = ["created_at"]  # indexed; the default order is the primary key, newest first
    index_orderings = {"created_at": ("created_at", "pk")}
    search_fields = ["title"]
    search_help_text = _("The item's number, or any part of its title.")

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()[:MAX_SEARCH_LENGTH]
        if not term:
            return queryset, False
        if term.isdecimal():  # "²" is a digit, not a decimal: it is searched as title text
            pk = parse_id(term)
            return (queryset.filter(pk=pk) if pk else queryset.none()), False
        return queryset.filter(title__icontains=term), False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        if hasattr(related.objects, "restrict"):  # clients to link: those the user may read
            kwargs["queryset"] = related.objects.restrict(request.user, "read")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def view_on_site(self, obj):
        try:
            return obj.get_absolute_url()
        except NoReverseMatch:  # no item pages for this kind yet
            return None

    def stored(self, obj):
        """The item as stored: the form has already written its values into ``obj``, and the
        update services compare what they are given with what is stored."""
        return self.model.objects.get(pk=obj.pk)

    def save_related(self, request, form, formsets, change):
        pass  # links were made by the services in save_model; there are no inlines

    @admin.display(description=_("amount"))
    def amount_display(self, obj):
        if obj.amount is None:
            return self.get_empty_value_display()
        return money(obj.amount, obj.currency)

    @admin.display(description=_("outcome"), ordering="closed")
    def outcome(self, obj):
        """Open, won or lost: a lost item is closed too, but not with a check mark."""
        if not obj.closed:
            return gettext("open")
        return gettext("won") if obj.stage.semantics == Semantics.SUCCESS else gettext("lost")


@admin.register(Deal)
class DealAdmin(StagedItemAdmin):
    spec = services.DEAL
    form = DealForm
    fields = [*services.DEAL.fields, "contacts", *DEAL_READ_ONLY]
    readonly_fields = DEAL_READ_ONLY
    autocomplete_fields = ["responsible", "company", "contacts"]
    list_display = [
        "title", "pipeline", "stage", "amount_display", "outcome", "company", "responsible",
        "created_at",
    ]  # fmt: skip
    list_select_related = ["pipeline", "stage", "company", "responsible"]
    # Both served by the deal_pipeline index (pipeline, closed, -id); one row per pipeline.
    list_filter = ["pipeline", "closed"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if "pipeline" not in initial:
            default = Pipeline.objects.filter(is_default=True).values_list("pk", flat=True)
            initial["pipeline"] = default.first()
        return initial

    def save_model(self, request, obj, form, change):
        fields = self.service_fields(form, change)
        contacts = form.cleaned_data.get("contacts")
        if not change:
            created = services.deal_create(user=request.user, contacts=contacts or (), **fields)
            obj.pk = created.pk
            return
        deal = self.stored(obj)
        if "contacts" in form.changed_data:
            # Contacts out of the user's sight were not offered: they stay.
            readable = Contact.objects.restrict(request.user, "read").values("pk")
            hidden = deal.contacts.exclude(pk__in=readable)
            contacts = {*(contacts or ()), *hidden}
        else:
            contacts = None
        services.deal_update(user=request.user, deal=deal, contacts=contacts, **fields)


@admin.register(Lead)
class LeadAdmin(ClientAdminMixin, StagedItemAdmin):
    spec = services.LEAD
    form = LeadForm
    fields = [*services.LEAD.fields, *LEAD_READ_ONLY]
    readonly_fields = LEAD_READ_ONLY
    list_display = [
        "title", "stage", "company_name", "amount_display", "outcome", "responsible", "created_at"
    ]  # fmt: skip
    list_select_related = ["stage", "responsible"]
    # Five stages at most; stage and closed lists are served by the lead_stage / lead_resp
    # indexes.
    list_filter = ["stage", "closed"]

    def save_model(self, request, obj, form, change):
        fields = self.service_fields(form, change)
        if change:
            services.lead_update(user=request.user, lead=self.stored(obj), **fields)
        else:
            created = services.lead_create(user=request.user, **fields)
            obj.pk, obj.title = created.pk, created.title  # a title made from the name
