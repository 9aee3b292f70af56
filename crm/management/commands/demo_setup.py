from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from dictionaries import services as dictionary_services
from dictionaries.models import Pipeline

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo"  # noqa: S105 - a throwaway account for a local demo database


class Command(BaseCommand):
    help = "Create the demo administrator and some demo data on a local database (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        User = get_user_model()
        admin, created = User.objects.get_or_create(
            username=DEMO_USERNAME,
            defaults={"is_staff": True, "is_superuser": True, "first_name": "Demo"},
        )
        if created:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        if not Pipeline.objects.filter(is_default=False).exists():
            dictionary_services.pipeline_create(user=admin, name="Partners")
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo login: {DEMO_USERNAME} / {DEMO_PASSWORD}"
                + ("" if created else " (existing account, password unchanged)")
            )
        )
