from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class Bitrix24Config(AppConfig):
    name = "bitrix24"
    verbose_name = gettext_lazy("Bitrix24-compatible REST")

    def ready(self):
        from timeline.doors import DoorKind, register_door_namer

        from . import (  # noqa: F401  (they register their methods)
            batch,
            comments,
            duplicates,
            general,
            item_methods,
            links,
            pipelines,
            requisites,
            statuses,
        )  # fmt: skip
        from .models import Webhook

        def webhook_names(ids: list[int]) -> dict[int, str]:
            # str(): "webhook #N" when it has no description
            return {webhook.pk: str(webhook) for webhook in Webhook.objects.filter(pk__in=ids)}

        register_door_namer(DoorKind.WEBHOOK, webhook_names)
