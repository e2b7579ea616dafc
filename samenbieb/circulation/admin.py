from __future__ import annotations

from django.contrib import admin

from samenbieb.circulation.models import Charge
from samenbieb.network.admin_site import TenantModelAdmin, admin_site


@admin.register(Charge, site=admin_site)
class ChargeAdmin(TenantModelAdmin):
    list_display = ("person", "organisation", "kind", "amount", "created_at", "paid_at")
    list_filter = ("kind",)
    list_select_related = ("person", "organisation")
    raw_id_fields = ("person",)
