"""Read-only admin views of community planning: changes go through the pages and services (audited)."""

from django.contrib import admin

from .models import Action, Council, CouncilMember, Plan, PlanRevision, Priority, Workshop, WorkshopParticipation


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CouncilMemberInline(admin.TabularInline):
    model = CouncilMember
    extra = 0
    can_delete = False
    readonly_fields = ["name", "sex", "role", "population_group", "joined_on", "left_on"]


@admin.register(Council)
class CouncilAdmin(ReadOnlyAdmin):
    list_display = ["name", "target_area", "registration_code", "established_on"]
    search_fields = ["name", "registration_code", "target_area__area__pcode"]
    inlines = [CouncilMemberInline]


class ParticipationInline(admin.TabularInline):
    model = WorkshopParticipation
    extra = 0
    can_delete = False
    readonly_fields = ["group", "women", "men"]


@admin.register(Workshop)
class WorkshopAdmin(ReadOnlyAdmin):
    list_display = ["held_on", "place", "target_area"]
    date_hierarchy = "held_on"
    inlines = [ParticipationInline]


class PriorityInline(admin.TabularInline):
    model = Priority
    extra = 0
    can_delete = False
    readonly_fields = ["position", "sector", "title", "votes", "rank"]
    fields = readonly_fields


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ["title", "target_area", "period_start", "period_end", "status", "version"]
    list_filter = ["status"]
    search_fields = ["title", "target_area__area__pcode", "target_area__area__name"]
    inlines = [PriorityInline]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["description", "priority", "budget", "currency", "status"]
    list_filter = ["status", "currency"]


@admin.register(PlanRevision)
class PlanRevisionAdmin(ReadOnlyAdmin):
    list_display = ["plan", "number", "made_by", "made_at"]
