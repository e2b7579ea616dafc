"""The shared catalogue in the administration: every staff member reads it; cataloguers edit.

Records are not owned by one organisation, so the tenant boundary does not scope them;
the right to change them comes from the ``catalogue.edit`` capability in any organisation.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from samenbieb.catalog import search, services
from samenbieb.catalog.models import (
    Contributor,
    DigitalResource,
    Identifier,
    Licence,
    Record,
    Subject,
)
from samenbieb.core.audit import audit_record
from samenbieb.digital import qr
from samenbieb.digital import queries as digital_queries
from samenbieb.network import tenancy
from samenbieb.network.admin_site import admin_site
from samenbieb.network.roles import Capability


class CataloguePermissions:
    def _can_edit(self, request: HttpRequest) -> bool:
        return not tenancy.staff_scope(request.user, Capability.CATALOGUE_EDIT).is_empty

    def has_module_permission(self, request: HttpRequest) -> bool:
        return not tenancy.staff_scope(request.user, Capability.NETWORK_VIEW).is_empty

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can_edit(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can_edit(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._can_edit(request)


class ContributorInline(CataloguePermissions, admin.StackedInline):
    model = Contributor
    extra = 0


class SubjectInline(CataloguePermissions, admin.StackedInline):
    model = Subject
    extra = 0


class IdentifierInline(CataloguePermissions, admin.StackedInline):
    model = Identifier
    extra = 0


class DigitalResourceForm(forms.ModelForm):
    """The licence decides whether copies are counted: a form error, not a silent gap.

    (The database check lets a NULL number of copies through, since NULL >= 1 is unknown.)
    """

    access_url = forms.URLField(
        label=_("access address"),
        max_length=1000,
        assume_scheme="https",
        help_text=_("The provider's address. Members never see it: they get the link."),
    )

    class Meta:
        model = DigitalResource
        fields = ["record", "kind", "licence", "copies", "provider", "access_url", "is_active"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("licence") == Licence.ONE_COPY_ONE_USER and not data.get("copies"):
            self.add_error("copies", _("A one copy, one user licence needs a number of copies."))
        if data.get("licence") == Licence.SIMULTANEOUS and data.get("copies"):
            self.add_error(
                "copies", _("Leave this empty: with simultaneous use copies are not counted.")
            )
        return data


class DigitalResourceInline(CataloguePermissions, admin.StackedInline):
    model = DigitalResource
    form = DigitalResourceForm
    extra = 0
    # Its own page shows the QR code and the access link.
    show_change_link = True


@admin.register(Record, site=admin_site)
class RecordAdmin(CataloguePermissions, admin.ModelAdmin):
    list_display = ("title", "responsibility", "year", "format", "language", "isbn")
    list_filter = ("format", "language")
    search_fields = ("title", "isbn", "=control_number")
    exclude = ("marc",)
    readonly_fields = ("match_key", "created_at", "updated_at", "deleted_at")
    inlines = [ContributorInline, SubjectInline, IdentifierInline, DigitalResourceInline]
    show_full_result_count = False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # After the inlines, so contributors and subjects are in the search document too.
        search.index_records([form.instance.pk])

    def get_queryset(self, request: HttpRequest) -> Any:
        # Withdrawn records are tombstones for harvesters, not part of the catalogue.
        return super().get_queryset(request).filter(deleted_at__isnull=True)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        # "Delete" withdraws (see delete_model): nothing else is removed, nothing blocks it.
        return [str(obj) for obj in objs], {Record._meta.verbose_name_plural: len(objs)}, set(), []

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.record_withdraw(actor=request.user, record_id=obj.pk)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for pk in queryset.values_list("pk", flat=True):
            services.record_withdraw(actor=request.user, record_id=pk)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            event_type=f"catalog.record.{'changed' if change else 'created'}",
            organisation_id=None,
            target=obj,
            details={"fields": sorted(form.changed_data), "via": "admin"},
        )


@admin.register(DigitalResource, site=admin_site)
class DigitalResourceAdmin(CataloguePermissions, admin.ModelAdmin):
    """Online access to a record, with the QR code for posters and the members' link.

    The provider's address is edited here but never shown to members: they get the
    access link, which asks them to log in first.
    """

    form = DigitalResourceForm
    list_display = ("record", "kind", "licence", "copies", "provider", "is_active")
    list_filter = ("kind", "licence", "is_active")
    search_fields = ("record__title", "provider", "=token")
    list_select_related = ("record",)
    autocomplete_fields = ("record",)
    readonly_fields = ("access_link", "qr_code", "copies_in_use")
    fields = (
        "record",
        "kind",
        "licence",
        "copies",
        "provider",
        "access_url",
        "is_active",
        "access_link",
        "copies_in_use",
        "qr_code",
    )
    show_full_result_count = False

    @admin.display(description=_("link for members"))
    def access_link(self, obj: DigitalResource) -> str:
        if obj.pk is None:
            return str(_("Shown after saving."))
        path = reverse("portal:digital_access", args=[obj.token])
        # With PUBLIC_URL the address printed on posters; without it, this site's.
        return format_html('<a href="{}">{}</a>', path, qr.access_link_or_path(obj.token))

    @admin.display(description=_("copies in use now"))
    def copies_in_use(self, obj: DigitalResource) -> str:
        if obj.pk is None or obj.licence != Licence.ONE_COPY_ONE_USER:
            return "–"
        return f"{digital_queries.loans_in_use(obj, timezone.now()).count()} / {obj.copies}"

    @admin.display(description=_("QR code"))
    def qr_code(self, obj: DigitalResource) -> str:
        if obj.pk is None:
            return str(_("Shown after saving."))
        svg = reverse("portal:digital_qr_svg", args=[obj.token])
        png = reverse("portal:digital_qr_png", args=[obj.token])
        return format_html(
            '<img src="{}" width="225" height="225" alt="{}"><br>'
            '<a href="{}" download>{}</a> · <a href="{}" download>{}</a>',
            svg,
            _("QR code that leads to the link for members"),
            svg,
            _("Download as SVG (for print)"),
            png,
            _("Download as PNG"),
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_record(
            actor=request.user,
            event_type=f"catalog.digital_resource.{'changed' if change else 'created'}",
            organisation_id=None,
            target=obj,
            details={"record": obj.record_id, "fields": sorted(form.changed_data), "via": "admin"},
        )
