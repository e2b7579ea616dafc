"""Programmes in the network administration. Other areas append their admins below.

National programmes are reference data their publisher (the KB or a support organisation)
keeps here. Activities, sessions and registrations change only through the services (the
desk's activity pages); the admin shows them read-only within the tenant boundary.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.forms import ModelChoiceField
from django.http import HttpRequest

from samenbieb.network import tenancy
from samenbieb.network.admin_site import (
    ReadOnlyAdminMixin,
    ReadOnlyTenantAdmin,
    TenantModelAdmin,
    TenantScopedMixin,
    admin_site,
)
from samenbieb.network.models import Organisation
from samenbieb.network.roles import Capability
from samenbieb.programmes.models import (
    Activity,
    ActivityPartner,
    Appointment,
    Attendance,
    ConsultationSchedule,
    Partner,
    PartnerAccount,
    PartnerContact,
    Programme,
    Referral,
    Registration,
    Session,
    Slot,
    WalkInContact,
)


@admin.register(Programme, site=admin_site)
class ProgrammeAdmin(TenantModelAdmin):
    view_capability = Capability.PROGRAMMES_MANAGE
    change_capability = Capability.PROGRAMMES_MANAGE
    list_display = ("name", "publisher", "kind", "sessions", "session_minutes", "is_active")
    list_filter = ("kind", "is_active")
    list_select_related = ("publisher",)
    filter_horizontal = ("themes", "target_groups")
    search_fields = ("name", "code")

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        # A programme is published in the name of an organisation the user may change.
        if db_field.name == "publisher":
            kwargs["queryset"] = tenancy.visible(
                Organisation, request.user, Capability.PROGRAMMES_MANAGE
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyProgrammesAdmin(ReadOnlyTenantAdmin):
    view_capability = Capability.PROGRAMMES_MANAGE
    change_capability = Capability.PROGRAMMES_MANAGE


@admin.register(Activity, site=admin_site)
class ActivityAdmin(ReadOnlyProgrammesAdmin):
    list_display = ("title", "organisation", "kind", "status", "capacity", "programme")
    list_filter = ("status", "kind")
    list_select_related = ("organisation", "programme")
    search_fields = ("title",)


@admin.register(Registration, site=admin_site)
class RegistrationAdmin(ReadOnlyProgrammesAdmin):
    # No names or phone numbers in lists: the desk's activity page shows who is coming.
    list_display = ("activity", "status", "via", "created_at", "anonymised_at")
    list_filter = ("status", "via")
    list_select_related = ("activity",)
    exclude = ("name", "phone", "person")


# Read-only overviews for the library's programme staff: everything here changes through
# the programmes services (desk and portal). No names or phone numbers in lists.


@admin.register(Session, site=admin_site)
class SessionAdmin(ReadOnlyProgrammesAdmin):
    list_display = ("activity", "starts_at", "ends_at")
    list_select_related = ("activity",)


@admin.register(Attendance, site=admin_site)
class AttendanceAdmin(ReadOnlyProgrammesAdmin):
    list_display = ("session", "present", "recorded_at")
    list_select_related = ("session__activity",)
    exclude = ("registration",)


@admin.register(ConsultationSchedule, site=admin_site)
class ConsultationScheduleAdmin(ReadOnlyProgrammesAdmin):
    list_display = ("activity", "branch", "weekday", "starts", "ends", "slot_minutes")
    list_select_related = ("activity", "branch")


@admin.register(Slot, site=admin_site)
class SlotAdmin(ReadOnlyProgrammesAdmin):
    list_display = ("activity", "branch", "starts_at", "ends_at")
    list_select_related = ("activity", "branch")


@admin.register(Appointment, site=admin_site)
class AppointmentAdmin(ReadOnlyProgrammesAdmin):
    list_display = ("slot", "topic", "status", "created_at")
    list_select_related = ("slot__activity", "topic")
    exclude = ("name", "phone", "person", "token")


@admin.register(WalkInContact, site=admin_site)
class WalkInContactAdmin(ReadOnlyProgrammesAdmin):
    list_display = ("occurred_on", "activity", "branch", "topic", "outcome")
    list_filter = ("outcome",)
    list_select_related = ("activity", "branch", "topic")


class PartnerContactInline(ReadOnlyAdminMixin, TenantScopedMixin, admin.TabularInline):
    model = PartnerContact
    extra = 0
    view_capability = Capability.PROGRAMMES_MANAGE
    change_capability = Capability.PROGRAMMES_MANAGE


@admin.register(Partner, site=admin_site)
class PartnerAdmin(ReadOnlyProgrammesAdmin):
    list_display = ("name", "kind", "organisation", "is_active")
    list_filter = ("kind",)
    list_select_related = ("organisation",)
    inlines = (PartnerContactInline,)


@admin.register(ActivityPartner, site=admin_site)
class ActivityPartnerAdmin(ReadOnlyProgrammesAdmin):
    list_display = ("activity", "partner", "role")
    list_select_related = ("activity", "partner")


@admin.register(PartnerAccount, site=admin_site)
class PartnerAccountAdmin(ReadOnlyProgrammesAdmin):
    list_display = ("user", "partner")
    list_select_related = ("user", "partner")


@admin.register(Referral, site=admin_site)
class ReferralAdmin(ReadOnlyProgrammesAdmin):
    list_display = ("direction", "partner", "activity", "status", "created_at")
    list_filter = ("direction", "status")
    list_select_related = ("partner", "activity")
    exclude = ("name", "phone", "person", "note")
