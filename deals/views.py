"""Pages of deals and leads: kanban boards, lists, cards, edit forms, moves and conversion.

Reading goes through restrict() (the generic views of ``crm.generic_views`` and the kanban
here) and the FilterSets of ``deals.filters``; writing through ``deals.services``.
"""

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView

from accessrights.restriction import may
from companies.duplicates import find_duplicates
from companies.filters import CompanyFilterSet, ContactFilterSet
from companies.models import Company, Contact
from companies.views import bulk_actions
from crm.generic_views import (
    ItemBulkView,
    ItemCommentView,
    ItemDeleteView,
    ItemEditView,
    ItemListView,
    ItemView,
    RestrictedItemMixin,
    safe_next,
)
from crm.item_marks import mark_items
from crm.models import FilterPreset
from crm.validators import parse_id
from dictionaries.defaults import DEAL_STAGE
from dictionaries.models import Entry, Pipeline, Semantics

from . import kanban, services
from .filters import DealFilterSet, LeadFilterSet
from .forms import ConvertForm, DealForm, LeadForm
from .models import Deal, Lead

KANBAN_FILTER_SKIP = ("q", "ordering", "pipeline", "stage")


# Kanban boards


class Board(RestrictedItemMixin):
    """What a board shows: its stages and its items, filtered by the board's query."""

    filterset_class = None
    list_name = ""
    list_url_name = ""
    add_url_name = ""
    move_url_name = ""
    column_url_name = ""
    card_url_name = ""
    show_person = False  # lead cards name the person

    def stages(self) -> list[Entry]:
        raise NotImplementedError

    def filtered(self):
        return self.filterset_class(
            self.request.GET, queryset=self.restricted("read"), request=self.request
        )

    def items(self, queryset):
        """The board's part of the (restricted, filtered) ``queryset``."""
        return queryset

    def card_urls(self) -> dict:
        """Each card's link and move address, as what comes before and after its id:
        reversing two URLs for each of 160 cards cost more than the board's queries."""
        return {
            "card_url": _around_id(reverse(self.card_url_name, args=[0])),
            "move_url": _around_id(reverse(self.move_url_name, args=[0])),
        }

    def board_items(self):
        """The board's items; through the FilterSet only when the query filters anything
        (building its form costs queries that a plain board does not need)."""
        if set(self.request.GET) <= {"pipeline", "stage", "before"}:  # a column's own address
            return self.items(self.restricted("read"))
        return self.items(self.filtered().qs)


def _around_id(url: str) -> dict[str, str]:
    # A dict, not a tuple: templates look keys up first, while ``pair.0`` fails twice first.
    before, after = url.split("/0/", 1)
    return {"start": f"{before}/", "end": f"/{after}"}


class KanbanView(Board, TemplateView):
    """A board of one stage list: a column per stage, in its order and colours, with the
    number of items, their amounts and their first cards; the list's filters apply."""

    template_name = "deals/kanban.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = self.filtered()
        columns = kanban.board(self.items(filterset.qs), self.stages())
        cards = [card for column in columns for card in column.cards]
        kanban.name_readable_companies(self.request.user, cards)
        mark_items(self.model, cards, self.request.user)
        query = self.request.GET.copy()
        context.update(
            columns=columns,
            filterset=filterset,
            filter_skip=KANBAN_FILTER_SKIP,
            query=query.urlencode(),
            presets=FilterPreset.objects.filter(user=self.request.user, list_name=self.list_name),
            list_name=self.list_name,
            list_url_name=self.list_url_name,
            add_url_name=self.add_url_name,
            column_url_name=self.column_url_name,
            show_person=self.show_person,
            model_meta=self.model._meta,
            can_add=may(self.request.user, "add", self.model),
            **self.card_urls(),
        )
        return context


class KanbanColumnView(Board, TemplateView):
    """The next cards of one column (``?stage=<code>&before=<id>``), as the board scrolls."""

    template_name = "deals/_cards.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        stage = next((s for s in self.stages() if s.code == self.request.GET.get("stage")), None)
        before = parse_id(self.request.GET.get("before", ""))
        if stage is None or before is None:
            raise Http404
        cards, has_more = kanban.column_cards(self.board_items(), stage, before)
        kanban.name_readable_companies(self.request.user, cards)
        mark_items(self.model, cards, self.request.user)
        query = self.request.GET.copy()
        query.pop("before", None)
        query.pop("stage", None)
        context.update(
            column=kanban.Column(stage, cards=cards, has_more=has_more),
            query=query.urlencode(),
            column_url_name=self.column_url_name,
            show_person=self.show_person,
            **self.card_urls(),
        )
        return context


class DealBoardMixin(Board):
    model = Deal
    filterset_class = DealFilterSet
    select_related = ("responsible",)
    list_name = "deals"
    list_url_name = "deals:deal_list"
    add_url_name = "deals:deal_add"
    move_url_name = "deals:deal_move"
    column_url_name = "deals:deal_column"
    card_url_name = "deals:deal"

    def pipelines(self) -> list[Pipeline]:
        """The pipelines whose deals the user may read, in their order."""
        return Deal.pipelines_for(self.request.user, "read")

    def pipeline(self) -> Pipeline:
        if not hasattr(self, "_pipeline"):
            pipelines = self.pipelines()
            if not pipelines:
                raise PermissionDenied
            wanted = self.request.GET.get("pipeline", "")
            self._pipeline = next((p for p in pipelines if str(p.pk) == wanted), pipelines[0])
        return self._pipeline

    def stages(self):
        return list(Entry.objects.of_list(DEAL_STAGE, self.pipeline()))

    def items(self, queryset):
        return queryset.filter(pipeline=self.pipeline())


class DealKanbanView(DealBoardMixin, KanbanView):
    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(pipelines=self.pipelines(), pipeline=self.pipeline())
        return context


class DealColumnView(DealBoardMixin, KanbanColumnView):
    pass


class LeadBoardMixin(Board):
    model = Lead
    filterset_class = LeadFilterSet
    select_related = ("responsible",)
    list_name = "leads"
    list_url_name = "deals:lead_list"
    add_url_name = "deals:lead_add"
    move_url_name = "deals:lead_move"
    column_url_name = "deals:lead_column"
    card_url_name = "deals:lead"
    show_person = True

    def stages(self):
        return list(Entry.objects.of_list(services.LEAD_STAGE))


class LeadKanbanView(LeadBoardMixin, KanbanView):
    pass


class LeadColumnView(LeadBoardMixin, KanbanColumnView):
    pass


class StageMoveView(RestrictedItemMixin, TemplateView):
    """Moves an item to the stage ``stage`` (a code): a kanban drop or a click on the card's
    stage bar. A script asking for JSON gets what the board needs to update its two columns
    (where the item went, its amount and currency: the board adds and subtracts, nothing is
    recounted); a plain form post is sent back to ``next``."""

    http_method_names = ["post"]
    action = "update"

    def move(self, user, item, code: str):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        wants_json = "application/json" in request.headers.get("Accept", "")
        try:
            item = self.get_object()
            item = self.move(request.user, item, request.POST.get("stage", ""))
        except (Http404, ObjectDoesNotExist):
            return self._refusal(wants_json, _("This item no longer exists."), 404)
        except PermissionDenied:
            return self._refusal(wants_json, _("You do not have the right to do this."), 403)
        except ValidationError as exc:
            return self._refusal(wants_json, " ".join(exc.messages), 400, exc)
        if not wants_json:
            messages.success(request, _("Moved to “%s”.") % item.stage)
            return redirect(safe_next(request, item.get_absolute_url()))
        return JsonResponse(
            {
                "stage": item.stage.code,
                "closed": item.closed,
                "version": item.version,
                "amount": None if item.amount is None else str(item.amount),
                "currency": item.currency,
            }
        )

    def _refusal(self, wants_json, text, status, error=None):
        if wants_json:
            return JsonResponse({"error": text, **self.refusal_extra(error)}, status=status)
        messages.error(self.request, text)
        return redirect(safe_next(self.request, reverse("home")))

    def refusal_extra(self, error) -> dict:
        return {}


class DealMoveView(StageMoveView):
    """Deals move to a stage of any pipeline the user may work in."""

    model = Deal

    def move(self, user, item, code):
        stage = services.deal_stage_by_code(code)
        return services.move_deal_to_stage(user=user, deal=item, stage=stage)


class LeadMoveView(StageMoveView):
    model = Lead
    convert_instead = False  # set when the lead was dropped on its success stage

    def move(self, user, item, code):
        stage = services.stage_by_code(services.LEAD_STAGE, code)
        self.convert_instead = stage.semantics == Semantics.SUCCESS
        return services.lead_update(user=user, lead=item, stage=stage)

    def refusal_extra(self, error):
        # A lead dropped on its success stage is converted: the board opens the conversion.
        if self.convert_instead:
            return {"redirect": reverse("deals:lead_convert", args=[self.kwargs["pk"]])}
        return {}


# Deals


class DealListView(ItemListView):
    model = Deal
    filterset_class = DealFilterSet
    list_name = "deals"
    bulk_url_name = "deals:deal_bulk"
    title_label = gettext_lazy("Title")
    title_fields = ("title",)
    default_columns = ("stage", "amount", "company", "close_date", "responsible", "created_at")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["type_choices"] = Entry.objects.of_list("DEAL_TYPE")
        context["add_url_name"] = "deals:deal_add"
        context["board_url_name"] = "deals:deal_kanban"
        return context


class DealView(ItemView):
    model = Deal
    template_name = "deals/deal.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        deal, user = context["object"], self.request.user
        context["stages"] = Entry.objects.of_list(DEAL_STAGE, deal.pipeline)
        if context["tab"] == "dependencies":
            context.update(
                company=Company.objects.restrict(user, "read").filter(pk=deal.company_id).first(),
                contacts=deal.contacts.restrict(user, "read").order_by("last_name", "first_name"),
                lead=Lead.objects.restrict(user, "read").filter(pk=deal.lead_id).first(),
            )
        return context


class DealEditView(ItemEditView):
    model = Deal
    form_class = DealForm

    def initial_for_new(self):
        initial = {"responsible": self.request.user, "opened": True}
        company = parse_id(self.request.GET.get("company", ""))
        contact = parse_id(self.request.GET.get("contact", ""))
        if company:
            initial["company"] = company
        if contact:
            initial["contacts"] = [contact]
        pipeline = Pipeline.objects.filter(
            pk=parse_id(self.request.GET.get("pipeline")) or 0
        ).first()
        if pipeline is not None:  # "Add" on a pipeline's board starts in its first stage
            initial["stage"] = Entry.objects.of_list(DEAL_STAGE, pipeline).first()
        return initial


class DealDeleteView(ItemDeleteView):
    model = Deal
    list_url_name = "deals:deal_list"


class DealCommentView(ItemCommentView):
    model = Deal


class DealBulkView(ItemBulkView):
    model = Deal
    filterset_class = DealFilterSet
    list_url_name = "deals:deal_list"
    actions = bulk_actions(services.DEAL, "DEAL_TYPE")


# Leads


class LeadListView(ItemListView):
    model = Lead
    filterset_class = LeadFilterSet
    list_name = "leads"
    bulk_url_name = "deals:lead_bulk"
    prefetch_related = ("communications",)
    title_label = gettext_lazy("Title")
    title_fields = ("title",)
    default_columns = (
        "stage", "first_name", "last_name", "company_name", "phones", "emails", "responsible",
        "created_at",
    )  # fmt: skip

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["add_url_name"] = "deals:lead_add"
        context["board_url_name"] = "deals:lead_kanban"
        return context


class LeadView(ItemView):
    model = Lead
    template_name = "deals/lead.html"
    prefetch_related = ("communications",)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        lead, user = context["object"], self.request.user
        context["stages"] = Entry.objects.of_list(services.LEAD_STAGE)
        if context["tab"] == "dependencies":
            context.update(
                company=Company.objects.restrict(user, "read").filter(pk=lead.company_id).first(),
                contact=Contact.objects.restrict(user, "read").filter(pk=lead.contact_id).first(),
                deals=lead.deals.restrict(user, "read").select_related("stage"),
            )
        return context


class LeadEditView(ItemEditView):
    model = Lead
    form_class = LeadForm

    def find_duplicates(self, form, item):
        data = form.cleaned_data
        return find_duplicates(
            user=self.request.user,
            model=Lead,
            phones=data.get("phones", []),
            emails=data.get("emails", []),
        )

    def initial_for_new(self):
        return {"responsible": self.request.user, "opened": True}


class LeadDeleteView(ItemDeleteView):
    model = Lead
    list_url_name = "deals:lead_list"


class LeadCommentView(ItemCommentView):
    model = Lead


class LeadBulkView(ItemBulkView):
    model = Lead
    filterset_class = LeadFilterSet
    list_url_name = "deals:lead_list"
    actions = bulk_actions(services.LEAD)


class LeadConvertView(RestrictedItemMixin, TemplateView):
    """Choose what a lead becomes; shows the existing clients it will be linked to."""

    model = Lead
    action = "update"
    template_name = "deals/lead_convert.html"

    def render_form(self, lead, form):
        user = self.request.user
        return self.render_to_response(
            self.get_context_data(
                object=lead,
                form=form,
                existing_contact=services.existing_client(user, Contact, lead),
                existing_company=services.existing_client(user, Company, lead),
                model_meta=Lead._meta,
            )
        )

    def get(self, request, *args, **kwargs):
        lead = self.get_object()
        return self.render_form(lead, ConvertForm(user=request.user, lead=lead))

    def post(self, request, *args, **kwargs):
        lead = self.get_object()
        form = ConvertForm(request.POST, user=request.user, lead=lead)
        if not form.is_valid():
            return self.render_form(lead, form)
        data = form.cleaned_data
        try:
            produced = services.lead_convert(
                user=request.user,
                lead=lead,
                contact=data["contact"],
                company=data["company"],
                deal_pipeline=data["pipeline"] if data["deal"] else None,
            )
        except ValidationError as exc:
            for error in exc.messages:
                form.add_error(None, error)
            return self.render_form(lead, form)
        names = ", ".join(str(item) for item in produced.values() if item is not None)
        messages.success(request, _("Converted into: %s.") % names)
        return redirect(f"{lead.get_absolute_url()}?tab=dependencies")


# Client pickers of the deal form


class ClientLookupView(RestrictedItemMixin, TemplateView):
    """Up to 10 companies or contacts (``kind``) matching ``q``, for the deal form's pickers."""

    template_name = "deals/_picker_results.html"
    kinds = {"company": (Company, CompanyFilterSet), "contacts": (Contact, ContactFilterSet)}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        model, filterset_class = self.kinds.get(self.request.GET.get("kind"), self.kinds["company"])
        query = self.request.GET.get("q", "").strip()
        results = []
        if query:
            readable = model.objects.restrict(self.request.user, "read")
            results = filterset_class({"q": query}, queryset=readable, request=self.request).qs[:10]
        context.update(results=results, query=query)
        return context
