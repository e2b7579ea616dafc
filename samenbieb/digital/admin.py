"""Digital loans in the administration: read only, for the library whose membership gave
access, and without the member: who reads what is nobody's business at the desk."""

from __future__ import annotations

from django.contrib import admin

from samenbieb.digital.models import DigitalLoan
from samenbieb.network.admin_site import ReadOnlyTenantAdmin, admin_site
from samenbieb.network.roles import Capability


@admin.register(DigitalLoan, site=admin_site)
class DigitalLoanAdmin(ReadOnlyTenantAdmin):
    view_capability = Capability.MEMBERS_VIEW
    change_capability = Capability.MEMBERS_MANAGE
    list_display = ("resource", "organisation", "started", "ends", "returned_at")
    list_select_related = ("resource__record", "organisation")
    list_filter = ("resource__kind",)
    fields = ("resource", "organisation", "started", "ends", "returned_at")
    readonly_fields = fields
    show_full_result_count = False

    # Loans start and end through the services only (portal, jobs).
