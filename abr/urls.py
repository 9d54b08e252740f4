"""Every stage app with a ``urls.py`` is mounted at ``/<app>/`` (core at the root) without editing this file."""

from importlib.util import find_spec

from django.contrib import admin
from django.urls import include, path

from abr.stages import STAGE_APPS

urlpatterns = [
    path("", include("core.urls")),
    path("api/v1/", include("abr.api_urls")),
    path("django-admin/", admin.site.urls),
]
urlpatterns += [path(f"{stage}/", include(f"{stage}.urls")) for stage in STAGE_APPS[1:] if find_spec(f"{stage}.urls")]

handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
