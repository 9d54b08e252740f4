"""``/api/v1/``: the endpoints of every stage app plus the OpenAPI schema and its documentation pages.

An app exposes endpoints by defining ``router`` (a DRF router) in ``<app>/api/urls.py``, and optionally
``extra_urlpatterns``; their registrations are gathered into one router here, so this file never changes.
"""

from importlib import import_module
from importlib.util import find_spec

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from abr.stages import STAGE_APPS

app_name = "api"

router = DefaultRouter()
extra = []
for stage in STAGE_APPS:
    module_name = f"{stage}.api.urls"
    if find_spec(f"{stage}.api") and find_spec(module_name):
        module = import_module(module_name)
        for prefix, viewset, basename in module.router.registry:
            router.register(prefix, viewset, basename=basename)
        extra.extend(getattr(module, "extra_urlpatterns", []))

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    *extra,
    path("", include(router.urls)),
]
