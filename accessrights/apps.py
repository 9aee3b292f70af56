from django.apps import AppConfig


class AccessRightsConfig(AppConfig):
    name = "accessrights"
    verbose_name = "Access rights"
