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
from samenbieb.network.admin_site import TenantModelAdmin, admin_site
from samenbieb.network.models import Organisation
from samenbieb.network.roles import Capability
from samenbieb.programmes.models import Activity, Programme, Registration


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


class ReadOnlyProgrammesAdmin(TenantModelAdmin):
    view_capability = Capability.PROGRAMMES_MANAGE
    change_capability = Capability.PROGRAMMES_MANAGE

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
