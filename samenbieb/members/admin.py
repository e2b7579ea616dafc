from __future__ import annotations

from django.contrib import admin

from samenbieb.members.models import (
    Consent,
    GuardianLink,
    LibraryCard,
    Membership,
    MembershipPlan,
    Person,
)
from samenbieb.network.admin_site import TenantModelAdmin, TenantScopedMixin, admin_site


class LibraryCardInline(TenantScopedMixin, admin.StackedInline):
    model = LibraryCard
    extra = 0
    readonly_fields = ("barcode", "status", "issued_by", "issued_at", "status_changed_at")
    can_delete = False


class MembershipInline(TenantScopedMixin, admin.StackedInline):
    model = Membership
    extra = 0
    readonly_fields = ("plan", "organisation", "starts_on", "ends_on", "cancelled_at")
    can_delete = False


class ConsentInline(TenantScopedMixin, admin.StackedInline):
    model = Consent
    extra = 0
    readonly_fields = ("kind", "given", "text_version", "recorded_at", "recorded_via")
    can_delete = False


class GuardianInline(TenantScopedMixin, admin.StackedInline):
    model = GuardianLink
    fk_name = "child"
    extra = 0
    raw_id_fields = ("guardian",)


@admin.register(Person, site=admin_site)
class PersonAdmin(TenantModelAdmin):
    list_display = ("family_name", "given_name", "birth_date", "home_organisation", "is_active")
    search_fields = ("family_name", "=email", "=cards__barcode")
    list_select_related = ("home_organisation",)
    exclude = ("password", "identity_key")
    readonly_fields = ("last_login", "email_verified_at", "created_at", "updated_at")
    inlines = [LibraryCardInline, MembershipInline, ConsentInline, GuardianInline]
    show_full_result_count = False


@admin.register(MembershipPlan, site=admin_site)
class MembershipPlanAdmin(TenantModelAdmin):
    list_display = ("name", "organisation", "price", "period_months", "min_age", "max_age")
    list_select_related = ("organisation",)
