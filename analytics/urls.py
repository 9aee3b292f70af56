from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("analytics/", views.index, name="index"),
    path("analytics/<slug:key>/", views.report, name="report"),
    path("analytics/<slug:key>/download.<slug:file_format>", views.download, name="download"),
]
