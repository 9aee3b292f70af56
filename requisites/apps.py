from django.apps import AppConfig


class RequisitesConfig(AppConfig):
    name = "requisites"
    verbose_name = "Requisites (legal details)"
