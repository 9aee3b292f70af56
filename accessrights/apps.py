from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class AccessRightsConfig(AppConfig):
    name = "accessrights"
    verbose_name = gettext_lazy("Access rights")
