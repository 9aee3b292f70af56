"""The Celery application: ``celery -A crm worker`` runs it against the broker in settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

# Tasks start at the "system" door, never a request's (crm.actors).
app = Celery("crm", task_cls="crm.actors:SystemDoorTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
