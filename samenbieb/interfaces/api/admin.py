"""Staff API tokens in the administration: read-only (made and revoked with
``samenbieb api_token``), scoped to the staff member's organisations."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from samenbieb.interfaces.api.models import ApiToken
from samenbieb.network.admin_site import ReadOnlyTenantAdmin, admin_site
from samenbieb.network.roles import Capability


@admin.register(ApiToken, site=admin_site)
class ApiTokenAdmin(ReadOnlyTenantAdmin):
    view_capability = Capability.NETWORK_MANAGE
    change_capability = Capability.NETWORK_MANAGE
    list_display = (
        "name",
        "prefix",
        "organisation",
        "capabilities",
        "created_by",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("organisation",)
    list_select_related = ("organisation", "created_by")
    search_fields = ("name", "prefix")
    exclude = ("token_hash",)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, self.view_capability, obj)
