from django.urls import path

from . import export_views

app_name = "exports"

urlpatterns = [
    path("exports/", export_views.ExportListView.as_view(), name="export_list"),
    path("exports/new/<str:entity>/", export_views.ExportView.as_view(), name="export_new"),
    path("exports/<int:pk>/download/", export_views.export_download, name="export_download"),
]
