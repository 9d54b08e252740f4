"""Django admin for targeting: read-only views of imports and rounds. Changes go through the pages
(and their services), where they are checked and audited."""

from django.contrib import admin

from .models import AreaScore, DtmDataset, ScoringModel, TargetArea, TargetingRound


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DtmDataset)
class DtmDatasetAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "organisation", "admin_level", "row_count", "figure_count", "unmatched_count")
    list_filter = ("source", "organisation")
    search_fields = ("round_label", "file_name", "file_sha256")


@admin.register(ScoringModel)
class ScoringModelAdmin(ReadOnlyAdmin):
    list_display = ("name", "version", "organisation", "is_active", "created_at")
    list_filter = ("organisation", "is_active")


class TargetAreaInline(admin.TabularInline):
    model = TargetArea
    fields = ("area", "rationale", "selected_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TargetingRound)
class TargetingRoundAdmin(ReadOnlyAdmin):
    list_display = ("name", "organisation", "area", "admin_level", "status", "approved_at")
    list_filter = ("status", "organisation")
    list_select_related = ("organisation", "area")
    inlines = [TargetAreaInline]


@admin.register(AreaScore)
class AreaScoreAdmin(ReadOnlyAdmin):
    list_display = ("round", "area", "rank", "score")
    list_select_related = ("round", "area")
