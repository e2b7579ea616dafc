from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from samenbieb.core.models import AuditEvent
from samenbieb.network.admin_site import TenantModelAdmin, TenantScopedMixin, admin_site
from samenbieb.network.models import (
    Branch,
    Closure,
    Municipality,
    OpeningHours,
    Organisation,
    StaffRole,
    StaffUser,
)
from samenbieb.network.roles import Capability


# Stacked, not tabular: Django's tabular inlines leave each row's inputs without a label.
class OpeningHoursInline(TenantScopedMixin, admin.StackedInline):
    model = OpeningHours
    extra = 0


class BranchInline(TenantScopedMixin, admin.StackedInline):
    model = Branch
    fields = ("code", "name", "kind", "city", "is_active")
    show_change_link = True
    extra = 0


@admin.register(Organisation, site=admin_site)
class OrganisationAdmin(TenantModelAdmin):
    list_display = ("name", "kind", "isil", "province", "is_active")
    list_filter = ("kind", "province", "is_active")
    search_fields = ("name", "short_name", "isil")
    filter_horizontal = ("municipalities",)
    inlines = [BranchInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # What makes an organisation part of the network is the operators' to change.
        if request.user.is_superuser:
            return ()
        return ("kind", "isil", "province", "support_organisation", "is_active")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # New organisations join the network through its operators.
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


@admin.register(Branch, site=admin_site)
class BranchAdmin(TenantModelAdmin):
    list_display = ("name", "organisation", "kind", "city", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "code", "city", "postcode")
    list_select_related = ("organisation",)
    ordering = ("organisation__name", "name")
    inlines = [OpeningHoursInline]


@admin.register(Closure, site=admin_site)
class ClosureAdmin(TenantModelAdmin):
    list_display = ("reason", "organisation", "branch", "start_date", "end_date")
    list_filter = ("start_date",)
    list_select_related = ("organisation", "branch")
    date_hierarchy = "start_date"


@admin.register(StaffRole, site=admin_site)
class StaffRoleAdmin(TenantModelAdmin):
    view_capability = Capability.STAFF_MANAGE
    change_capability = Capability.STAFF_MANAGE
    list_display = ("user", "organisation", "role", "granted_at")
    list_filter = ("role",)
    list_select_related = ("user", "organisation")
    autocomplete_fields = ("user",)
    search_fields = ("user__username",)


@admin.register(StaffUser, site=admin_site)
class StaffUserAdmin(TenantModelAdmin, UserAdmin):
    view_capability = Capability.STAFF_MANAGE
    change_capability = Capability.STAFF_MANAGE
    list_display = ("username", "first_name", "last_name", "email", "is_active")
    list_filter = ("is_active",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ("last_login", "date_joined")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An account without a role would be invisible to its creator; operators add them.
        return bool(request.user.is_superuser)


@admin.register(Municipality, site=admin_site)
class MunicipalityAdmin(admin.ModelAdmin):
    """Public reference data: every staff member may read it, nobody edits it here."""

    list_display = ("name", "cbs_code", "province", "population", "population_year")
    list_filter = ("province",)
    search_fields = ("name", "cbs_code")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return True

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent, site=admin_site)
class AuditEventAdmin(TenantScopedMixin, admin.ModelAdmin):
    """Read-only: the audit trail is append-only."""

    view_capability = Capability.AUDIT_VIEW
    change_capability = Capability.AUDIT_VIEW
    list_display = (
        "occurred_at",
        "event_type",
        "actor_label",
        "organisation_id",
        "object_type",
        "object_id",
    )
    list_filter = ("event_type",)
    search_fields = ("event_type", "actor_label", "object_id")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
