"""Test settings: the database and broker come from DATABASE_URL / REDIS_URL when set (CI: PostgreSQL, Redis)."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-not-a-secret"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests run tasks in-process; the broker integration tests start a real worker on REDIS_URL themselves.
CELERY_TASK_ALWAYS_EAGER = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
ABR_DEMO_PASSWORD = "demo-password-for-tests"
# INFO, so the planted-personal-data check in conftest.py sees what production would log.
LOGGING["root"]["level"] = env("DJANGO_LOG_LEVEL", default="INFO")  # noqa: F405

# A tiny people's-data model used to test the scoping chokepoint independently of the stage apps.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.scoping_app"]  # noqa: F405
WHITENOISE_AUTOREFRESH = True
# Most tests sign users in with force_login; the MFA tests switch enforcement on themselves.
ABR_MFA_REQUIRED_ROLES = []
AXES_VERBOSE = False
