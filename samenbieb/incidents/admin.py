"""The incident register in the administration: read only. Incidents are handled at the
desk (/balie/incidenten/), where every change goes through the services and the timeline."""

from __future__ import annotations

from django.contrib import admin

from samenbieb.incidents.models import Incident, IncidentEntry
from samenbieb.network.admin_site import (
    ReadOnlyAdminMixin,
    ReadOnlyTenantAdmin,
    TenantScopedMixin,
    admin_site,
)
from samenbieb.network.roles import Capability


class IncidentEntryInline(ReadOnlyAdminMixin, TenantScopedMixin, admin.TabularInline):
    model = IncidentEntry
    view_capability = Capability.INCIDENTS_MANAGE
    change_capability = Capability.INCIDENTS_MANAGE
    fields = ("at", "kind", "text", "author_label")
    readonly_fields = fields
    extra = 0


@admin.register(Incident, site=admin_site)
class IncidentAdmin(ReadOnlyTenantAdmin):
    view_capability = Capability.INCIDENTS_MANAGE
    change_capability = Capability.INCIDENTS_MANAGE
    list_display = ("reference", "title", "severity", "status", "detected_at", "organisation")
    list_filter = ("severity", "status", "personal_data_breach")
    search_fields = ("reference", "title")
    inlines = [IncidentEntryInline]
