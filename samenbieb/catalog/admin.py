"""The shared catalogue in the administration: every staff member reads it; cataloguers edit.

Records are not owned by one organisation, so the tenant boundary does not scope them;
the right to change them comes from the ``catalogue.edit`` capability in any organisation.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from samenbieb.catalog import search
from samenbieb.catalog.models import Contributor, DigitalResource, Identifier, Record, Subject
from samenbieb.core.audit import audit_record
from samenbieb.network import tenancy
from samenbieb.network.admin_site import admin_site
from samenbieb.network.roles import Capability


class CataloguePermissions:
    def _can_edit(self, request: HttpRequest) -> bool:
        return not tenancy.staff_scope(request.user, Capability.CATALOGUE_EDIT).is_empty

    def has_module_permission(self, request: HttpRequest) -> bool:
        return not tenancy.staff_scope(request.user, Capability.NETWORK_VIEW).is_empty

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can_edit(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can_edit(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can_edit(request)


class ContributorInline(CataloguePermissions, admin.StackedInline):
    model = Contributor
    extra = 0


class SubjectInline(CataloguePermissions, admin.StackedInline):
    model = Subject
    extra = 0


class IdentifierInline(CataloguePermissions, admin.StackedInline):
    model = Identifier
    extra = 0


class DigitalResourceInline(CataloguePermissions, admin.StackedInline):
    model = DigitalResource
    extra = 0


@admin.register(Record, site=admin_site)
class RecordAdmin(CataloguePermissions, admin.ModelAdmin):
    list_display = ("title", "responsibility", "year", "format", "language", "isbn")
    list_filter = ("format", "language")
    search_fields = ("title", "isbn", "=control_number")
    exclude = ("marc",)
    readonly_fields = ("match_key", "created_at", "updated_at", "deleted_at")
    inlines = [ContributorInline, SubjectInline, IdentifierInline, DigitalResourceInline]
    show_full_result_count = False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # After the inlines, so contributors and subjects are in the search document too.
        search.index_records([form.instance.pk])

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            event_type=f"catalog.record.{'changed' if change else 'created'}",
            organisation_id=None,
            target=obj,
            details={"fields": sorted(form.changed_data), "via": "admin"},
        )
