"""The incident register in the administration: read only. Incidents are handled at the
desk (/balie/incidenten/), where every change goes through the services and the timeline."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from samenbieb.incidents.models import Incident, IncidentEntry
from samenbieb.network.admin_site import TenantModelAdmin, TenantScopedMixin, admin_site
from samenbieb.network.roles import Capability


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class IncidentEntryInline(_ReadOnly, TenantScopedMixin, admin.TabularInline):
    model = IncidentEntry
    view_capability = Capability.INCIDENTS_MANAGE
    change_capability = Capability.INCIDENTS_MANAGE
    fields = ("at", "kind", "text", "author_label")
    readonly_fields = fields
    extra = 0


@admin.register(Incident, site=admin_site)
class IncidentAdmin(_ReadOnly, TenantModelAdmin):
    view_capability = Capability.INCIDENTS_MANAGE
    change_capability = Capability.INCIDENTS_MANAGE
    list_display = ("reference", "title", "severity", "status", "detected_at", "organisation")
    list_filter = ("severity", "status", "personal_data_breach")
    search_fields = ("reference", "title")
    inlines = [IncidentEntryInline]
