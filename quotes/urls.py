from django.urls import path

from . import settings_views, views

app_name = "quotes"


def _document_urls(kind: str, board, column, listing, card, edit, delete, comment, bulk, move):
    return [
        path(f"{kind}s/", board.as_view(), name=f"{kind}_kanban"),
        path(f"{kind}s/column/", column.as_view(), name=f"{kind}_column"),
        path(f"{kind}s/list/", listing.as_view(), name=f"{kind}_list"),
        path(f"{kind}s/add/", edit.as_view(), name=f"{kind}_add"),
        path(f"{kind}s/bulk/", bulk.as_view(), name=f"{kind}_bulk"),
        path(f"{kind}s/<int:pk>/", card.as_view(), name=kind),
        path(f"{kind}s/<int:pk>/edit/", edit.as_view(), name=f"{kind}_edit"),
        path(f"{kind}s/<int:pk>/delete/", delete.as_view(), name=f"{kind}_delete"),
        path(f"{kind}s/<int:pk>/comment/", comment.as_view(), name=f"{kind}_comment"),
        path(f"{kind}s/<int:pk>/move/", move.as_view(), name=f"{kind}_move"),
        path(f"{kind}s/<int:pk>/print/", views.DocumentPrintView.as_view(model=card.model),
             name=f"{kind}_print"),
        path(f"{kind}s/<int:pk>/print/pdf/",
             views.DocumentPrintView.as_view(model=card.model, pdf=True), name=f"{kind}_pdf"),
    ]  # fmt: skip


urlpatterns = [
    *_document_urls("quote", views.QuoteKanbanView, views.QuoteColumnView, views.QuoteListView,
                    views.QuoteView, views.QuoteEditView, views.QuoteDeleteView,
                    views.QuoteCommentView, views.QuoteBulkView, views.QuoteMoveView),
    *_document_urls("invoice", views.InvoiceKanbanView, views.InvoiceColumnView,
                    views.InvoiceListView, views.InvoiceView, views.InvoiceEditView,
                    views.InvoiceDeleteView, views.InvoiceCommentView, views.InvoiceBulkView,
                    views.InvoiceMoveView),
    path("deals/<int:pk>/quote/", views.QuoteFromDealView.as_view(), name="quote_from_deal"),
    path("deals/<int:pk>/invoice/", views.InvoiceFromDealView.as_view(),
         name="invoice_from_deal"),
    path("quotes/<int:pk>/invoice/", views.InvoiceFromQuoteView.as_view(),
         name="invoice_from_quote"),
    path("settings/our-company/", settings_views.SellerView.as_view(), name="seller"),
]  # fmt: skip
