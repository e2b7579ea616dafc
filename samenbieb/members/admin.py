from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from samenbieb.members.models import (
    Consent,
    GuardianLink,
    LibraryCard,
    Membership,
    MembershipPlan,
    Person,
)
from samenbieb.network.admin_site import TenantModelAdmin, TenantScopedMixin, admin_site
from samenbieb.network.models import StaffUser
from samenbieb.privacy.services import person_read_record


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

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """Opening a member here shows all their personal data: a read for the audit trail,
        like the desk's member page (a save is audited as a change by the base class)."""
        if request.method == "GET":
            person = self.get_object(request, object_id)  # within the tenant boundary
            if person is not None:
                staff = cast(StaffUser, request.user)  # the admin site admits staff only
                person_read_record(actor=staff, person=person, view="admin")
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(MembershipPlan, site=admin_site)
class MembershipPlanAdmin(TenantModelAdmin):
    list_display = ("name", "organisation", "price", "period_months", "min_age", "max_age")
    list_select_related = ("organisation",)
