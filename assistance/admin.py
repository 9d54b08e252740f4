"""Django admin for assistance reference data (activity types, indicators). Changes are audited."""

from django.contrib import admin

from core.admin import AuditedAdmin

from .models import ActivityType, Indicator


@admin.register(ActivityType)
class ActivityTypeAdmin(AuditedAdmin):
    list_display = ["code", "name", "sector", "modality", "beneficiary", "repeat_window_days", "is_active"]
    list_filter = ["sector", "modality", "beneficiary", "is_active"]
    search_fields = ["code", "name"]


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdmin):
    list_display = ["code", "name", "sector", "count_by", "is_active"]
    list_filter = ["sector", "count_by", "is_active"]
    search_fields = ["code", "name"]
    filter_horizontal = ["activity_types"]
