"""Self-service machines in the administration, for the administrators of the branch's library."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from samenbieb.network.admin_site import TenantModelAdmin, admin_site
from samenbieb.network.roles import Capability
from samenbieb.selfservice.errors import InvalidKiosk
from samenbieb.selfservice.models import Kiosk
from samenbieb.selfservice.services import kiosk_networks


class KioskForm(forms.ModelForm):
    new_password = forms.CharField(
        label=_("new password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the current password. At least 12 characters."),
    )

    class Meta:
        model = Kiosk
        fields = ("username", "branch", "allowed_networks", "encoding", "language", "is_active")

    def clean_allowed_networks(self) -> str:
        value: str = self.cleaned_data["allowed_networks"]
        try:
            kiosk_networks(value)
        except InvalidKiosk as exc:
            raise forms.ValidationError(str(exc.message)) from exc
        return value.strip()

    def clean_new_password(self) -> str:
        password: str = self.cleaned_data["new_password"]
        if password:
            validate_password(password)
        elif self.instance.pk is None:
            raise forms.ValidationError(_("A new machine needs a password."))
        return password


@admin.register(Kiosk, site=admin_site)
class KioskAdmin(TenantModelAdmin):
    view_capability = Capability.NETWORK_VIEW
    change_capability = Capability.NETWORK_MANAGE
    form = KioskForm
    list_display = ("username", "branch", "encoding", "is_active", "created_at")
    list_filter = ("is_active", "encoding")
    list_select_related = ("branch__organisation",)
    search_fields = ("username", "branch__name")
    autocomplete_fields = ("branch",)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The hash is made here, never shown; the audit trail records that it changed.
        if form.cleaned_data.get("new_password"):
            obj.password = make_password(form.cleaned_data["new_password"])
            form.changed_data.append("password")
        super().save_model(request, obj, form, change)
