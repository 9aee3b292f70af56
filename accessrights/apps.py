from django.apps import AppConfig


class AccessRightsConfig(AppConfig):
    name = "accessrights"
    verbose_name = "Access rights"

    def ready(self):
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
