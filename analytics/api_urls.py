from django.urls import path

from .api import AnalyticsReportView

urlpatterns = [
    path("analytics/<slug:report>/", AnalyticsReportView.as_view(), name="analytics-report"),
]
