from django.apps import AppConfig


class CallListsConfig(AppConfig):
    name = "calllists"
    verbose_name = "Call lists"
