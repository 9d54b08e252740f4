"""Django admin for the reference data of referrals: resource centres and directory entries (audited).

Referrals, walk-ins and complaints are not in the Django admin: it would bypass the scoping and the
sensitive-case rules. They are handled through the pages and the API, which apply both.
"""

from django.contrib import admin

from core.admin import AuditedAdmin

from .models import ResourceCentre, Service


@admin.register(ResourceCentre)
class ResourceCentreAdmin(AuditedAdmin):
    list_display = ("name", "organisation", "area", "opening_hours", "is_active")
    list_filter = ("is_active", "organisation")
    search_fields = ("name", "area__pcode", "area__name")
    raw_id_fields = ("area",)
    list_select_related = ("organisation", "area")


@admin.register(Service)
class ServiceAdmin(AuditedAdmin):
    list_display = ("name", "provider", "sector", "accepts_referrals", "is_active", "maintained_by")
    list_filter = ("sector", "is_active", "accepts_referrals", "provider")
    search_fields = ("name", "provider__acronym", "provider__name")
    filter_horizontal = ("areas",)
    list_select_related = ("provider", "maintained_by")
