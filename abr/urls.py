from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("core.urls")),
    path("django-admin/", admin.site.urls),
]

handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
