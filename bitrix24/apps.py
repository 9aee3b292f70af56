from django.apps import AppConfig


class Bitrix24Config(AppConfig):
    name = "bitrix24"
    verbose_name = "Bitrix24-compatible REST"

    def ready(self):
        from timeline.doors import DoorKind, register_door_namer

        from . import batch, general  # noqa: F401  (they register their methods)
        from .models import Webhook

        def webhook_name(pk: int) -> str | None:
            webhook = Webhook.objects.filter(pk=pk).first()
            return str(webhook) if webhook else None  # "webhook #N" when it has no description

        register_door_namer(DoorKind.WEBHOOK, webhook_name)
