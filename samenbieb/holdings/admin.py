from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from samenbieb.holdings.models import Item, ItemType
from samenbieb.network.admin_site import TenantModelAdmin, admin_site
from samenbieb.network.roles import Capability


@admin.register(Item, site=admin_site)
class ItemAdmin(TenantModelAdmin):
    change_capability = Capability.HOLDINGS_MANAGE
    list_display = ("barcode", "record", "organisation", "home_branch", "status")
    list_filter = ("status", "item_type")
    search_fields = ("barcode", "shelf_mark")
    list_select_related = ("record", "organisation", "home_branch")
    raw_id_fields = ("record",)
    # The status moves only through holdings.services (checkout, transit, …).
    readonly_fields = ("status", "status_changed_at")


@admin.register(ItemType, site=admin_site)
class ItemTypeAdmin(admin.ModelAdmin):
    """Network-wide circulation categories: every staff member reads, operators change."""

    list_display = ("code", "name")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)
