"""Zero-setup development: SQLite and in-process tasks unless DATABASE_URL / REDIS_URL say otherwise."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="local-development-only-not-a-secret")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ABR_DEMO_PASSWORD = env("ABR_DEMO_PASSWORD", default="abr-demo-2026")
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
