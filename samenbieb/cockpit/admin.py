from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from samenbieb.cockpit.models import Figure
from samenbieb.network.admin_site import TenantModelAdmin, admin_site
from samenbieb.network.roles import Capability


@admin.register(Figure, site=admin_site)
class FigureAdmin(TenantModelAdmin):
    """Figures are computed by the roll-up only; staff with the cockpit capability read
    their own library's, read-only."""

    view_capability = Capability.COCKPIT_VIEW
    change_capability = Capability.COCKPIT_VIEW
    list_display = (
        "period_kind",
        "period",
        "level",
        "organisation",
        "branch",
        "indicator",
        "breakdown",
        "value",
        "suppressed",
    )
    list_filter = ("period_kind", "level", "indicator")
    list_select_related = ("organisation", "branch")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
