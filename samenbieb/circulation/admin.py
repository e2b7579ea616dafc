from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from samenbieb.circulation import services
from samenbieb.circulation.models import Charge, CirculationRule, Hold, Loan, SettlementLine
from samenbieb.core.errors import NotPermitted
from samenbieb.members.models import MembershipPlan
from samenbieb.network import tenancy
from samenbieb.network.admin_site import ReadOnlyTenantAdmin, TenantModelAdmin, admin_site
from samenbieb.network.models import StaffUser
from samenbieb.network.roles import Capability


class ReadOnlyCirculationAdmin(ReadOnlyTenantAdmin):
    """Circulation changes only through its services (desk, portal, kiosks, jobs); the
    admin shows the lending library's rows to its staff, read-only."""

    view_capability = Capability.CIRCULATION
    change_capability = Capability.CIRCULATION


@admin.register(Charge, site=admin_site)
class ChargeAdmin(ReadOnlyCirculationAdmin):
    list_display = (
        "person",
        "organisation",
        "kind",
        "amount",
        "created_at",
        "paid_at",
        "cancelled_at",
    )
    list_filter = ("kind",)
    list_select_related = ("person", "organisation")


@admin.register(Loan, site=admin_site)
class LoanAdmin(ReadOnlyCirculationAdmin):
    list_display = ("item", "branch", "checked_out_at", "due_on", "renewals", "returned_at")
    list_filter = ("age_band",)
    list_select_related = ("item", "branch")
    search_fields = ("item__barcode",)
    date_hierarchy = "checked_out_at"


@admin.register(Hold, site=admin_site)
class HoldAdmin(ReadOnlyCirculationAdmin):
    list_display = ("record", "pickup_branch", "status", "placed_at", "expires_on")
    list_filter = ("status",)
    list_select_related = ("record", "pickup_branch")


@admin.register(SettlementLine, site=admin_site)
class SettlementLineAdmin(ReadOnlyCirculationAdmin):
    view_capability = Capability.NETWORK_VIEW
    list_display = ("month", "home_organisation", "owner_organisation", "branch", "loans")
    list_filter = ("month",)
    list_select_related = ("home_organisation", "owner_organisation", "branch")


def _plan_label(plan: MembershipPlan) -> str:
    # Plans of different libraries often share a name ("Volwassen").
    return f"{plan.name} ({plan.organisation.short_name})"


@admin.register(CirculationRule, site=admin_site)
class CirculationRuleAdmin(TenantModelAdmin):
    """A library's rules: every colleague reads them, administrators change them.

    Network defaults (no library) are shown to and changed by the network's operators
    only. Saving and deleting go through :mod:`samenbieb.circulation.services`, which
    check the boundary again and write the audit trail.
    """

    change_capability = Capability.CIRCULATION_RULES_MANAGE
    list_display = (
        "organisation",
        "item_type",
        "plan",
        "age_band",
        *CirculationRule.TERMS,
    )
    list_display_links = ("organisation", "item_type")
    list_filter = ("item_type", "age_band", "holds_allowed", "may_travel")
    list_select_related = ("organisation", "plan", "item_type")
    fieldsets = (
        (
            _("Applies to"),
            {
                "fields": ("organisation", "item_type", "plan", "age_band"),
                "description": _(
                    "Empty fields mean any. The most specific rule wins: a library's own rules "
                    "before the network defaults, then a rule for the item type before one for "
                    "any type, then a rule for the plan before one for the age band before one "
                    "for anyone."
                ),
            },
        ),
        (_("Loans"), {"fields": ("loan_days", "renewals_allowed", "max_loans")}),
        (_("Holds"), {"fields": ("holds_allowed", "hold_fee", "may_travel")}),
        (_("Overdue fines"), {"fields": ("fine_per_day", "fine_cap")}),
    )

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "plan":
            kwargs["queryset"] = tenancy.visible(
                MembershipPlan, request.user, self.change_capability
            ).select_related("organisation")
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is None:
            return None
        if db_field.name == "plan":
            field.label_from_instance = _plan_label  # type: ignore[assignment]
        if db_field.name == "organisation":
            if request.user.is_superuser:
                field.empty_label = str(_("Network default (libraries without their own rule)"))
            else:
                field.required = True
        return field

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial: dict[str, Any] = dict(super().get_changeform_initial_data(request))
        own = tenancy.staff_scope(request.user, self.change_capability).organisation_ids
        if own is not None and len(own) == 1:
            initial.setdefault("organisation", next(iter(own)))
        return initial

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        rule = cast(CirculationRule, obj)
        try:
            saved = services.circulation_rule_set(
                actor=cast(StaffUser, request.user),
                rule=rule if change else None,
                organisation=rule.organisation,
                plan=rule.plan,
                age_band=rule.age_band,
                item_type=rule.item_type,
                **{name: getattr(rule, name) for name in CirculationRule.TERMS},
            )
        except NotPermitted as refused:
            raise PermissionDenied(str(refused)) from None
        rule.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        try:
            services.circulation_rule_delete(actor=cast(StaffUser, request.user), rule=obj)
        except NotPermitted as refused:
            raise PermissionDenied(str(refused)) from None

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for rule in queryset:
            self.delete_model(request, rule)
