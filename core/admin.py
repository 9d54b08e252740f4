"""Django admin for reference data. Every change made here is audited like a service write."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction

from .audit import audit_record, changed, snapshot
from .models import AdminArea, AuditEvent, Membership, Organisation, User


class AuditedAdmin(admin.ModelAdmin):
    """Writes an audit event with the values before and after, in the same transaction as the change."""

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else {}
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            old, new = changed(before, snapshot(obj))
            audit_record(
                actor=request.user,
                action=f"admin.{obj._meta.model_name}.{'change' if change else 'add'}",
                target=obj,
                before=old or None,
                after=new,
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            audit_record(
                actor=request.user,
                action=f"admin.{obj._meta.model_name}.delete",
                target=obj,
                before=snapshot(obj),
            )
            super().delete_model(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AdminArea)
class AdminAreaAdmin(AuditedAdmin):
    list_display = ("pcode", "name", "level", "parent", "country_code", "is_active")
    list_filter = ("level", "country_code", "is_active")
    search_fields = ("pcode", "name")
    raw_id_fields = ("parent",)
    list_select_related = ("parent",)


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ("acronym", "name", "kind", "parent", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "acronym")


class MembershipInline(admin.StackedInline):
    model = Membership
    can_delete = False
    filter_horizontal = ("areas",)


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    inlines = [MembershipInline]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("Preferences", {"fields": ("preferred_language", "calendar")}),
    )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("occurred_at", "actor", "action", "target_type", "target_id", "channel", "ip_address")
    list_filter = ("channel", "action")
    search_fields = ("action", "target_id")
    list_select_related = ("actor", "target_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
