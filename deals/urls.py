from django.urls import path

from . import views

app_name = "deals"

urlpatterns = [
    path("deals/", views.DealKanbanView.as_view(), name="deal_kanban"),
    path("deals/column/", views.DealColumnView.as_view(), name="deal_column"),
    path("deals/list/", views.DealListView.as_view(), name="deal_list"),
    path("deals/add/", views.DealEditView.as_view(), name="deal_add"),
    path("deals/bulk/", views.DealBulkView.as_view(), name="deal_bulk"),
    path("deals/clients/", views.ClientLookupView.as_view(), name="client_lookup"),
    path("deals/<int:pk>/", views.DealView.as_view(), name="deal"),
    path("deals/<int:pk>/edit/", views.DealEditView.as_view(), name="deal_edit"),
    path("deals/<int:pk>/delete/", views.DealDeleteView.as_view(), name="deal_delete"),
    path("deals/<int:pk>/comment/", views.DealCommentView.as_view(), name="deal_comment"),
    path("deals/<int:pk>/move/", views.DealMoveView.as_view(), name="deal_move"),
    path("leads/", views.LeadListView.as_view(), name="lead_list"),
    path("leads/kanban/", views.LeadKanbanView.as_view(), name="lead_kanban"),
    path("leads/column/", views.LeadColumnView.as_view(), name="lead_column"),
    path("leads/add/", views.LeadEditView.as_view(), name="lead_add"),
    path("leads/bulk/", views.LeadBulkView.as_view(), name="lead_bulk"),
    path("leads/<int:pk>/", views.LeadView.as_view(), name="lead"),
    path("leads/<int:pk>/edit/", views.LeadEditView.as_view(), name="lead_edit"),
    path("leads/<int:pk>/delete/", views.LeadDeleteView.as_view(), name="lead_delete"),
    path("leads/<int:pk>/comment/", views.LeadCommentView.as_view(), name="lead_comment"),
    path("leads/<int:pk>/move/", views.LeadMoveView.as_view(), name="lead_move"),
    path("leads/<int:pk>/convert/", views.LeadConvertView.as_view(), name="lead_convert"),
]
