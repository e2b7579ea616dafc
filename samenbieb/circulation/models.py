"""Circulation: the rules that govern lending, and the charges a member owes; loans, holds
and transits follow."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from samenbieb.holdings.models import ItemType
from samenbieb.members.models import MembershipPlan, Person
from samenbieb.network.models import Organisation


class ChargeKind(models.TextChoices):
    MEMBERSHIP_FEE = "membership_fee", _("Membership fee")
    FINE = "fine", _("Overdue fine")
    HOLD_FEE = "hold_fee", _("Hold fee")
    REPLACEMENT = "replacement", _("Replacement of a lost or damaged item")


class Charge(models.Model):
    """An amount a member owes one library; paid or cancelled, never deleted."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="charges")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("library"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ChargeKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=8, decimal_places=2)
    description = models.CharField(_("description"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    tenant_path: ClassVar[str] = "organisation_id"

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["person", "paid_at"], name="charge_person_open")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="charge_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} € {self.amount}"


class AgeBand(models.TextChoices):
    """Ages a rule can be written for, in whole years on the day of the loan.

    The same bands as the network's statistics and the identity claims use.
    """

    CHILD = "child", _("Child (0–12)")
    YOUTH = "youth", _("Youth (13–17)")
    ADULT = "adult", _("Adult (18–64)")
    SENIOR = "senior", _("Senior (65 and over)")


# (lowest age, band), from the oldest down.
AGE_BAND_LOWEST_AGES: tuple[tuple[int, AgeBand], ...] = (
    (65, AgeBand.SENIOR),
    (18, AgeBand.ADULT),
    (13, AgeBand.YOUTH),
    (0, AgeBand.CHILD),
)


def age_band_of(age: int) -> AgeBand:
    return next(band for lowest, band in AGE_BAND_LOWEST_AGES if age >= lowest)


NOT_NEGATIVE = MinValueValidator(Decimal("0.00"))


def _absent_as_zero(field: str) -> Coalesce:
    # NULL means "any"; as 0 in the unique index two "any"s collide, on SQLite and
    # PostgreSQL alike (UNIQUE NULLS NOT DISTINCT exists on PostgreSQL 15+ only).
    return Coalesce(field, Value(0), output_field=models.BigIntegerField())


class CirculationRule(models.Model):
    """One cell of the policy matrix: lending terms for a library, by who, by item type.

    Empty key fields are wildcards. A rule names a membership plan *or* an age band (or
    neither), never both. A rule without an organisation is a network default: it applies
    only where a library has no rule of its own that matches, and only the network's
    operators change it. Which rule wins is decided in :mod:`samenbieb.circulation.rules`.
    """

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("library"),
        on_delete=models.CASCADE,
        related_name="circulation_rules",
        null=True,
        blank=True,
        help_text=_("Empty: a network default, for libraries without a rule of their own."),
    )
    plan = models.ForeignKey(
        MembershipPlan,
        verbose_name=_("membership plan"),
        on_delete=models.PROTECT,
        related_name="circulation_rules",
        null=True,
        blank=True,
        help_text=_("Empty: any plan. A rule names a plan or an age band, not both."),
    )
    age_band = models.CharField(
        _("age band"),
        max_length=10,
        choices=AgeBand.choices,
        blank=True,
        help_text=_("Empty: any age. The member's age on the day of the loan counts."),
    )
    item_type = models.ForeignKey(
        ItemType,
        verbose_name=_("item type"),
        on_delete=models.PROTECT,
        related_name="circulation_rules",
        null=True,
        blank=True,
        help_text=_("Empty: any item type."),
    )
    loan_days = models.PositiveSmallIntegerField(
        _("loan period in days"), validators=[MinValueValidator(1)]
    )
    renewals_allowed = models.PositiveSmallIntegerField(_("renewals allowed"))
    max_loans = models.PositiveSmallIntegerField(
        _("maximum loans"),
        null=True,
        blank=True,
        help_text=_(
            "At once, per member at this library, of the items this rule covers. "
            "Empty: no limit; 0: these items are not lent."
        ),
    )
    holds_allowed = models.BooleanField(_("holds allowed"), default=True)
    hold_fee = models.DecimalField(
        _("hold fee"), max_digits=6, decimal_places=2, validators=[NOT_NEGATIVE]
    )
    fine_per_day = models.DecimalField(
        _("overdue fine per day"), max_digits=6, decimal_places=2, validators=[NOT_NEGATIVE]
    )
    fine_cap = models.DecimalField(
        _("maximum fine per loan"),
        max_digits=6,
        decimal_places=2,
        validators=[NOT_NEGATIVE],
        null=True,
        blank=True,
        help_text=_("Empty: no maximum."),
    )
    may_travel = models.BooleanField(
        _("may travel for network holds"),
        default=True,
        help_text=_("Whether these items may be sent to another library for a hold."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    tenant_path: ClassVar[str] = "organisation_id"
    # The lending terms of a rule (not its key), as the services, rules and admin copy them.
    TERMS: ClassVar[tuple[str, ...]] = (
        "loan_days",
        "renewals_allowed",
        "max_loans",
        "holds_allowed",
        "hold_fee",
        "fine_per_day",
        "fine_cap",
        "may_travel",
    )

    class Meta:
        verbose_name = _("circulation rule")
        verbose_name_plural = _("circulation rules")
        ordering = ["organisation_id", "item_type_id", "plan_id", "age_band", "id"]
        constraints = [
            models.UniqueConstraint(
                _absent_as_zero("organisation"),
                _absent_as_zero("plan"),
                "age_band",
                _absent_as_zero("item_type"),
                name="circulation_rule_unique",
                violation_error_message=_(
                    "There is already a rule for this library, plan or age band and item type."
                ),
            ),
            models.CheckConstraint(
                condition=Q(plan__isnull=True) | Q(age_band=""),
                name="circulation_rule_plan_or_age_band",
                violation_error_message=_("Name a membership plan or an age band, not both."),
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | Q(plan__isnull=True),
                name="circulation_rule_network_default_has_no_plan",
                violation_error_message=_(
                    "A network default cannot name a plan: plans belong to one library."
                ),
            ),
            models.CheckConstraint(
                condition=Q(age_band__in=["", *AgeBand.values]),
                name="circulation_rule_age_band_known",
            ),
            models.CheckConstraint(
                condition=Q(loan_days__gte=1),
                name="circulation_rule_loan_days_positive",
                violation_error_message=_("A loan lasts at least one day."),
            ),
            models.CheckConstraint(
                condition=Q(hold_fee__gte=0)
                & Q(fine_per_day__gte=0)
                & (Q(fine_cap__isnull=True) | Q(fine_cap__gte=0)),
                name="circulation_rule_amounts_not_negative",
                violation_error_message=_("Fees and fines cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        who = self.plan.name if self.plan else self.get_age_band_display() or _("anyone")
        what = self.item_type.name if self.item_type else _("any item")
        where = self.organisation.short_name if self.organisation else _("network default")
        return f"{where}: {who}, {what}"

    def clean(self) -> None:
        plan = self.plan if self.plan_id is not None else None
        if (
            plan is not None
            and self.organisation_id is not None
            and plan.organisation_id != self.organisation_id
        ):
            raise ValidationError(
                {"plan": _("Choose a membership plan of this library.")}, code="foreign_plan"
            )
