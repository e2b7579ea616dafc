"""Digital loans in the administration: read only, for the library whose membership gave
access, and without the member: who reads what is nobody's business at the desk."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from samenbieb.digital.models import DigitalLoan
from samenbieb.network.admin_site import TenantModelAdmin, admin_site
from samenbieb.network.roles import Capability


@admin.register(DigitalLoan, site=admin_site)
class DigitalLoanAdmin(TenantModelAdmin):
    view_capability = Capability.MEMBERS_VIEW
    change_capability = Capability.MEMBERS_MANAGE
    list_display = ("resource", "organisation", "started", "ends", "returned_at")
    list_select_related = ("resource__record", "organisation")
    list_filter = ("resource__kind",)
    fields = ("resource", "organisation", "started", "ends", "returned_at")
    readonly_fields = fields
    show_full_result_count = False

    # Loans start and end through the services only (portal, jobs).
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
