from __future__ import annotations

from django.contrib import admin

from samenbieb.cockpit.models import Figure
from samenbieb.network.admin_site import ReadOnlyTenantAdmin, admin_site
from samenbieb.network.roles import Capability


@admin.register(Figure, site=admin_site)
class FigureAdmin(ReadOnlyTenantAdmin):
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
