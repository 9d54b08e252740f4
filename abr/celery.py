"""Celery application. Configuration lives in Django settings under the CELERY_ namespace."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abr.settings.local")

app = Celery("abr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def keep_django_logging(**kwargs) -> None:
    """Workers log through Django's LOGGING (with its personal-data filter); Celery must not replace it."""
