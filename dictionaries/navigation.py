"""The settings tabs of reference lists: one per list, and the deal pipelines."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.entities import SettingsTab

from .defaults import LISTS


def _on(url_names: set[str], **kwargs):
    def current(request) -> bool:
        match = request.resolver_match
        return (
            match is not None
            and match.app_name == "dictionaries"
            and match.url_name in url_names
            and all(match.kwargs.get(k) == v for k, v in kwargs.items())
        )

    return current


def settings_tabs() -> list[SettingsTab]:
    return [
        SettingsTab(_("Deal pipelines"), reverse("dictionaries:pipeline_list"),
                    _on({"pipeline_list", "pipeline"}))
        if spec.per_pipeline
        else SettingsTab(spec.name, reverse("dictionaries:dictionary", args=[spec.code]),
                         _on({"dictionary"}, list_code=spec.code))
        for spec in LISTS
    ] + [
        SettingsTab(_("Custom fields"), reverse("dictionaries:custom_fields", args=["company"]),
                    _on({"custom_fields", "custom_field"})),
        SettingsTab(_("Card layouts"), reverse("dictionaries:card_layout", args=["company"]),
                    _on({"card_layout"})),
    ]  # fmt: skip
