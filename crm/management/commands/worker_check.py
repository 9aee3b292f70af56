from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from crm.tasks import ping


class Command(BaseCommand):
    help = "Send a ping task through the broker and wait for a worker to answer it."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=10.0)

    def handle(self, *args, timeout, **options):
        if settings.CELERY_TASK_ALWAYS_EAGER:
            self.stdout.write("No broker configured: tasks run in-process.")
        try:
            answer = ping.delay().get(timeout=timeout)
        except Exception as exc:
            raise CommandError(f"No worker answered within {timeout} s: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"Worker answered, database {answer['database']}"))
