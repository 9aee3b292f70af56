from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    """The people who use the CRM: their profile (language, time zone, phone region, photo),
    how they are named everywhere, and the employees and profile pages.

    Its foundation (``models``, ``naming``, ``regional``) sits below every other app, since
    every app names people and parses their phone numbers; its pages and services build on
    ``crm`` and ``accessrights`` like any settings page (pyproject's import contracts)."""

    name = "people"
    verbose_name = _("People")

    def ready(self):
        from crm.entities import register_settings_tabs

        from .views import settings_tabs

        register_settings_tabs("people", settings_tabs, order=85)
