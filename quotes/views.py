"""Pages of quotes and invoices: kanban boards, lists, cards, forms with a line editor,
conversions, and the printable document (HTML and PDF).

Reading goes through restrict() (the generic views, the boards of ``deals.views``) and the
FilterSets of ``quotes.filters``; writing through ``quotes.services``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View

from companies.models import Company
from companies.views import bulk_actions
from crm.generic_views import (
    ItemBulkView,
    ItemCommentView,
    ItemDeleteView,
    ItemEditView,
    ItemListView,
    ItemView,
    RestrictedItemMixin,
)
from crm.validators import parse_id
from deals.models import Deal
from deals.views import Board, KanbanColumnView, KanbanView, StageMoveView
from dictionaries.models import Entry

from . import documents, services
from .filters import InvoiceFilterSet, QuoteFilterSet
from .forms import InvoiceForm, QuoteForm
from .models import Invoice, Quote

# Boards


class QuoteBoardMixin(Board):
    model = Quote
    filterset_class = QuoteFilterSet
    select_related = ("responsible",)
    list_name = "quotes"
    list_url_name = "quotes:quote_list"
    add_url_name = "quotes:quote_add"
    move_url_name = "quotes:quote_move"
    column_url_name = "quotes:quote_column"
    card_url_name = "quotes:quote"

    def stages(self):
        return list(Entry.objects.of_list(self.model.stage_list))


class InvoiceBoardMixin(QuoteBoardMixin):
    model = Invoice
    filterset_class = InvoiceFilterSet
    list_name = "invoices"
    list_url_name = "quotes:invoice_list"
    add_url_name = "quotes:invoice_add"
    move_url_name = "quotes:invoice_move"
    column_url_name = "quotes:invoice_column"
    card_url_name = "quotes:invoice"


class QuoteKanbanView(QuoteBoardMixin, KanbanView):
    pass


class QuoteColumnView(QuoteBoardMixin, KanbanColumnView):
    pass


class InvoiceKanbanView(InvoiceBoardMixin, KanbanView):
    pass


class InvoiceColumnView(InvoiceBoardMixin, KanbanColumnView):
    pass


class DocumentMoveView(StageMoveView):
    def move(self, user, item, code):
        stage = services.stage_by_code(self.model, code)
        return services.move_to_stage(user=user, item=item, stage=stage)


class QuoteMoveView(DocumentMoveView):
    model = Quote


class InvoiceMoveView(DocumentMoveView):
    model = Invoice


# Lists, cards, forms


class QuoteListView(ItemListView):
    model = Quote
    filterset_class = QuoteFilterSet
    list_name = "quotes"
    bulk_url_name = "quotes:quote_bulk"
    title_label = gettext_lazy("Title")
    title_fields = ("title",)
    default_columns = ("number", "stage", "amount", "company", "valid_until", "responsible",
                       "created_at")  # fmt: skip
    add_url_name = "quotes:quote_add"
    board_url_name = "quotes:quote_kanban"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(add_url_name=self.add_url_name, board_url_name=self.board_url_name)
        return context


class InvoiceListView(QuoteListView):
    model = Invoice
    filterset_class = InvoiceFilterSet
    list_name = "invoices"
    bulk_url_name = "quotes:invoice_bulk"
    default_columns = ("number", "stage", "amount", "company", "pay_before", "paid_on",
                       "responsible")  # fmt: skip
    add_url_name = "quotes:invoice_add"
    board_url_name = "quotes:invoice_kanban"


def _readable(model, user, pk):
    return model.objects.restrict(user, "read").filter(pk=pk).first() if pk else None


class DocumentView(ItemView):
    template_name = "quotes/document.html"
    move_url_name = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document, user = context["object"], self.request.user
        context.update(
            stages=Entry.objects.of_list(self.model.stage_list),
            lines=list(document.lines.all()),
            move_url_name=self.move_url_name,
            is_quote=self.model is Quote,
        )
        if context["tab"] == "dependencies":
            context.update(
                company=_readable(Company, user, document.company_id),
                contacts=document.contacts.restrict(user, "read"),
                deal=_readable(Deal, user, document.deal_id),
                invoices=document.invoices.restrict(user, "read").select_related("stage")
                if self.model is Quote
                else [],
                quote=_readable(Quote, user, document.quote_id) if self.model is Invoice else None,
            )
        return context


class QuoteView(DocumentView):
    model = Quote
    move_url_name = "quotes:quote_move"


class InvoiceView(DocumentView):
    model = Invoice
    move_url_name = "quotes:invoice_move"


class DocumentEditView(ItemEditView):
    template_name = "quotes/document_edit.html"

    def initial_for_new(self):
        initial = {"responsible": self.request.user, "opened": True}
        for name in ("company", "deal"):
            pk = parse_id(self.request.GET.get(name, ""))
            if pk:
                initial[name] = pk
        contact = parse_id(self.request.GET.get("contact", ""))
        if contact:
            initial["contacts"] = [contact]
        return initial


class QuoteEditView(DocumentEditView):
    model = Quote
    form_class = QuoteForm


class InvoiceEditView(DocumentEditView):
    model = Invoice
    form_class = InvoiceForm


class QuoteDeleteView(ItemDeleteView):
    model = Quote
    list_url_name = "quotes:quote_list"


class InvoiceDeleteView(ItemDeleteView):
    model = Invoice
    list_url_name = "quotes:invoice_list"


class QuoteCommentView(ItemCommentView):
    model = Quote


class InvoiceCommentView(ItemCommentView):
    model = Invoice


class QuoteBulkView(ItemBulkView):
    model = Quote
    filterset_class = QuoteFilterSet
    list_url_name = "quotes:quote_list"
    actions = bulk_actions(services.QUOTE)


class InvoiceBulkView(ItemBulkView):
    model = Invoice
    filterset_class = InvoiceFilterSet
    list_url_name = "quotes:invoice_list"
    actions = bulk_actions(services.INVOICE)


# Conversions


class ConvertView(RestrictedItemMixin, View):
    """Makes a new document from a deal or a quote the user may read (a post)."""

    http_method_names = ["post"]

    def convert(self, user, source):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        source = self.get_object()
        try:
            made = self.convert(request.user, source)
        except PermissionDenied:
            messages.error(request, _("You do not have the right to do this."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Created “%s”.") % made)
            return redirect(made.get_absolute_url())
        return redirect(f"{source.get_absolute_url()}?tab=dependencies")


class QuoteFromDealView(ConvertView):
    model = Deal

    def convert(self, user, source):
        return services.quote_from_deal(user=user, deal=source)


class InvoiceFromDealView(ConvertView):
    model = Deal

    def convert(self, user, source):
        return services.invoice_from_deal(user=user, deal=source)


class InvoiceFromQuoteView(ConvertView):
    model = Quote

    def convert(self, user, source):
        return services.invoice_from_quote(user=user, quote=source)


# The printable document


class DocumentPrintView(RestrictedItemMixin, TemplateView):
    """The document as printed, in its language: a page to print, or its PDF."""

    pdf = False

    def get(self, request, *args, **kwargs):
        document = self.get_object()
        if not self.pdf:
            return HttpResponse(documents.render_html(document, request.user, request))
        pdf = documents.render_pdf(document, request.user)
        if pdf is None:
            return render(request, "quotes/pdf_unavailable.html", status=503)
        response = HttpResponse(pdf, content_type="application/pdf")
        name = slugify(f"{document._meta.verbose_name} {document.number}") or "document"
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
