from django.apps import AppConfig, apps
from django.db import models
from django.utils.translation import gettext_lazy


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = gettext_lazy("CRM")

    def ready(self):
        from crm import text_lookups
        from crm.timelines import register_events_source
        from crm.validators import validate_text

        _register_rights_tab()
        register_events_source()
        # Case-insensitive search of every script on SQLite as on PostgreSQL.
        text_lookups.register()

        # One check for every door: text that PostgreSQL cannot store (NUL, lone surrogates)
        # is refused by full_clean(), which services, model forms and the admin all run.
        # Added to the validators in use, not to the field's arguments, so no migration.
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                text = isinstance(field, models.CharField | models.TextField | models.JSONField)
                if text and validate_text not in field.validators:  # parents' fields are shared
                    field.validators.append(validate_text)


def _register_rights_tab() -> None:
    """The rights pages' tab of the CRM settings: registered here, where the settings tab bar
    lives, so that the rights (below the framework's pages) import nothing of it."""
    from django.urls import reverse
    from django.utils.translation import gettext_lazy as _

    from crm.entities import SettingsTab, register_settings_tabs

    def current(request) -> bool:
        match = request.resolver_match
        return match is not None and match.app_name == "accessrights"

    register_settings_tabs(
        "accessrights",
        lambda: [SettingsTab(_("Rights"), reverse("accessrights:role_index"), current)],
        order=90,
    )
