from django.urls import path

from . import views

app_name = "activities"

urlpatterns = [
    path("activities/", views.MyActivitiesView.as_view(), name="mine"),
    path("activities/complete/", views.ActivityBulkCompleteView.as_view(), name="bulk_complete"),
    path(
        "activities/add/<str:item_type>/<int:item_id>/",
        views.ActivityCreateView.as_view(),
        name="add",
    ),
    path("activities/<int:pk>/edit/", views.ActivityEditView.as_view(), name="edit"),
    path("activities/<int:pk>/complete/", views.ActivityCompleteView.as_view(), name="complete"),
    path("activities/<int:pk>/delete/", views.ActivityDeleteView.as_view(), name="delete"),
]
