"""The network administration site ("beheer"), behind the tenant boundary.

Django's model permissions are not used: what a staff member may see and change comes
from their roles through :mod:`samenbieb.network.tenancy`, the same as in every door.
Staff log in once, at the desk's login with its second factor (docs/decisions/0011); the
admin has no login form of its own.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.db import models
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from samenbieb.core.audit import audit_record
from samenbieb.network import second_factor, tenancy
from samenbieb.network.models import Branch, Organisation, StaffUser
from samenbieb.network.roles import Capability


def may_use_admin(user: Any) -> bool:
    """Active staff with a role somewhere, or a platform operator."""
    if not (user.is_active and user.is_authenticated):
        return False
    return user.is_superuser or not tenancy.staff_scope(user, Capability.NETWORK_VIEW).is_empty


class SamenbiebAdminSite(admin.AdminSite):
    site_header = _("Samenbieb network administration")
    site_title = _("Samenbieb administration")
    index_title = _("Network configuration")

    def has_permission(self, request: HttpRequest) -> bool:
        # The middleware already treats an unverified session as anonymous; asked again
        # here so the admin stays closed even if that middleware were left out.
        return second_factor.session_verified(request.user) and may_use_admin(request.user)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Send people to the one staff login (password and code), then back here."""
        target = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = reverse("admin:index", current_app=self.name)
        if second_factor.session_verified(request.user):
            if not may_use_admin(request.user):
                # Logged in, but without a role here: going back to the login would loop.
                raise PermissionDenied
            return HttpResponseRedirect(target)
        query = urlencode({REDIRECT_FIELD_NAME: target})
        return HttpResponseRedirect(f"{reverse('desk:login')}?{query}")


admin_site = SamenbiebAdminSite(name="admin")


class TenantScopedMixin:
    """Scopes an admin (or inline) by the tenant boundary and audits its changes."""

    view_capability: str = Capability.NETWORK_VIEW
    change_capability: str = Capability.NETWORK_MANAGE
    model: type[models.Model]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        return tenancy.visible(super().get_queryset(request), request.user, self.view_capability)  # type: ignore[misc]

    def _allowed(self, request: HttpRequest, capability: str, obj: models.Model | None) -> bool:
        scope = tenancy.staff_scope(request.user, capability)
        if scope.is_empty:
            return False
        if obj is None or scope.organisation_ids is None:
            return True
        if isinstance(obj, StaffUser):
            return tenancy.visible(StaffUser, request.user, capability).filter(pk=obj.pk).exists()
        return scope.allows(tenancy.organisation_id_of(obj))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request, self.view_capability, None)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, self.view_capability, obj) or self.has_change_permission(
            request, obj
        )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, self.change_capability, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, self.change_capability, None)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, self.change_capability, obj)

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        # Only organisations and branches the user may change can be chosen, so a form
        # can never move a row across the boundary.
        if db_field.name in ("organisation", "branch") and db_field.related_model in (
            Organisation,
            Branch,
        ):
            related: Any = db_field.related_model
            kwargs["queryset"] = tenancy.visible(related, request.user, self.change_capability)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class TenantModelAdmin(TenantScopedMixin, admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if not isinstance(obj, StaffUser):
            tenancy.require(request.user, tenancy.organisation_id_of(obj), self.change_capability)
        super().save_model(request, obj, form, change)
        self._audit(request, obj, "changed" if change else "created", sorted(form.changed_data))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        organisation_id = None if isinstance(obj, StaffUser) else tenancy.organisation_id_of(obj)
        self._audit_for(request, obj, "deleted", [], organisation_id)
        super().delete_model(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        instances = formset.save(commit=False)
        for instance in instances:
            # Checked before saving; the admin's transaction would also undo it afterwards.
            tenancy.require(
                request.user, tenancy.organisation_id_of(instance), self.change_capability
            )
            verb = "created" if instance._state.adding else "changed"
            instance.save()
            self._audit(request, instance, verb, [])
        for instance in formset.deleted_objects:
            self._audit(request, instance, "deleted", [])
            instance.delete()
        formset.save_m2m()

    def _audit(self, request: HttpRequest, obj: Any, verb: str, fields: list[str]) -> None:
        organisation_id = None if isinstance(obj, StaffUser) else tenancy.organisation_id_of(obj)
        self._audit_for(request, obj, verb, fields, organisation_id)

    def _audit_for(
        self,
        request: HttpRequest,
        obj: Any,
        verb: str,
        fields: list[str],
        organisation_id: int | None,
    ) -> None:
        audit_record(
            actor=request.user,
            event_type=f"{obj._meta.app_label}.{obj._meta.model_name}.{verb}",
            organisation_id=organisation_id,
            target=obj,
            details={"fields": fields, "via": "admin"},
        )


class ReadOnlyAdminMixin:
    """Rows that only services create and change: the admin shows them and nothing more."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyTenantAdmin(ReadOnlyAdminMixin, TenantModelAdmin):
    """A tenant-scoped admin page that only reads."""
