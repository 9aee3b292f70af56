from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class TimelineConfig(AppConfig):
    name = "timeline"
    verbose_name = gettext_lazy("History")
