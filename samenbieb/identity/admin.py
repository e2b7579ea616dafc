"""Connected services in the network administration (/beheer/).

Network-level, so not behind the tenant boundary but behind
:func:`samenbieb.identity.queries.may_manage_services`. Saving goes through the
services, which validate, audit and hash the client secret; the secret is shown once,
on the page after saving, never stored in clear or put in a message cookie.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from samenbieb.identity import services
from samenbieb.identity.models import ConnectedService
from samenbieb.identity.queries import may_manage_services
from samenbieb.identity.scopes import OPENID, scope_choices
from samenbieb.network.admin_site import admin_site
from samenbieb.network.models import StaffUser

_SHOWN_ONCE = "_samenbieb_client_secret"


def _actor(request: HttpRequest) -> StaffUser:
    # The admin site lets only logged-in staff this far (SamenbiebAdminSite.has_permission).
    return cast(StaffUser, request.user)


class ConnectedServiceForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=scope_choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[OPENID],
        help_text=_("What this service may ask for. A member is asked to agree to each."),
    )

    class Meta:
        model = ConnectedService
        fields = (
            "display_name",
            "name",
            "description",
            "client_type",
            "redirect_uris",
            "post_logout_redirect_uris",
            "scopes",
            "sector_identifier",
            "is_active",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["scopes"] = self.instance.scope_list
        else:
            # What every connected service uses; validated by the model as well.
            self.instance.authorization_grant_type = ConnectedService.GRANT_AUTHORIZATION_CODE
            self.instance.algorithm = ConnectedService.RS256_ALGORITHM

    def clean_scopes(self) -> str:
        return " ".join(self.cleaned_data["scopes"])


@admin.register(ConnectedService, site=admin_site)
class ConnectedServiceAdmin(admin.ModelAdmin):
    form = ConnectedServiceForm
    list_display = ("display_name", "client_id", "client_type", "scopes", "is_active", "created")
    list_filter = ("client_type", "is_active")
    search_fields = ("display_name", "name", "client_id")
    actions = ["reset_secret"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The sector is fixed once registered: changing it would give every member a new
        # `sub` at this service, which would then no longer recognise them.
        if obj:
            return ("client_id", "client_type", "sector_identifier", "created", "updated")
        return ()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(ConnectedServiceForm.Meta.fields)
        return ["client_id", *fields, "created", "updated"] if obj else fields

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_manage_services(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage_services(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may_manage_services(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage_services(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage_services(request.user)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            services.connected_service_update(
                actor=_actor(request), service=obj, fields=form.changed_data
            )
        else:
            secret = services.connected_service_create(actor=_actor(request), service=obj)
            setattr(request, _SHOWN_ONCE, secret)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.connected_service_delete(actor=_actor(request), service=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for service in queryset:
            services.connected_service_delete(actor=_actor(request), service=service)

    def response_add(
        self, request: HttpRequest, obj: Any, post_url_continue: Any = None
    ) -> HttpResponse:
        return self._show_secret(request, obj, getattr(request, _SHOWN_ONCE, None))

    @admin.action(description=_("Give the selected service a new client secret"))
    def reset_secret(self, request: HttpRequest, queryset: QuerySet[Any]) -> HttpResponse | None:
        confidential = [
            s for s in queryset if s.client_type == ConnectedService.CLIENT_CONFIDENTIAL
        ]
        if len(confidential) != 1:
            self.message_user(
                request, _("Select exactly one confidential service."), level="warning"
            )
            return None
        service = confidential[0]
        secret = services.connected_service_secret_reset(actor=_actor(request), service=service)
        return self._show_secret(request, service, secret)

    def _show_secret(self, request: HttpRequest, service: Any, secret: str | None) -> HttpResponse:
        response = TemplateResponse(
            request,
            "identity/admin/client_secret.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Connected service saved"),
                "opts": self.model._meta,
                "service": service,
                "secret": secret,
            },
        )
        # The secret is on this page only: never keep a copy of it anywhere.
        response["Cache-Control"] = "no-store"
        return response
