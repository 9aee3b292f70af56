from django.urls import path

from . import import_views

app_name = "importexport"

urlpatterns = [
    path("imports/", import_views.import_list, name="imports"),
    path("imports/new/", import_views.import_new, name="import_new"),
    path("imports/<int:pk>/", import_views.import_page, name="import"),
    path("imports/<int:pk>/rejected.csv", import_views.import_errors, name="import_errors"),
    path("imports/<int:pk>/undo/", import_views.import_undo, name="import_undo"),
]
