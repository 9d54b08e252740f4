"""Django admin for profiling: read-mostly views for support staff; writes go through the pages and services."""

from django.contrib import admin

from .models import CommunityAssessment, DuplicatePair, Facility, Household, VulnerabilityModel


class ReadOnlyAdmin(admin.ModelAdmin):
    """People's data is changed through the services (audited), never through the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ["reference", "organisation", "settlement", "displacement_status", "size", "vulnerability_band"]
    list_filter = ["displacement_status", "vulnerability_band"]
    search_fields = ["reference", "submission_id"]
    list_select_related = ["organisation", "settlement"]
    exclude = ["head_name", "phone", "phone_key", "notes"]


@admin.register(VulnerabilityModel)
class VulnerabilityModelAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "version", "is_active", "activated_at", "created_by"]


@admin.register(DuplicatePair)
class DuplicatePairAdmin(ReadOnlyAdmin):
    list_display = ["household", "candidate", "status", "found_on", "decided_by"]
    list_filter = ["status", "found_on"]


@admin.register(CommunityAssessment)
class CommunityAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "area", "held_on", "organisation"]
    list_filter = ["kind"]


@admin.register(Facility)
class FacilityAdmin(ReadOnlyAdmin):
    list_display = ["name", "facility_type", "sector", "status", "area", "organisation"]
    list_filter = ["sector", "status", "facility_type"]
