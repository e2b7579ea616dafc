"""Circulation: the rules that govern lending, loans, holds, transits between branches and
the charges a member owes.

Loans, holds and transits change only through :mod:`samenbieb.circulation.services`; their
lifecycles are written down in :mod:`samenbieb.circulation.states`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samenbieb.catalog.models import Record
from samenbieb.holdings.models import Item, ItemType
from samenbieb.members.models import MembershipPlan, Person
from samenbieb.network.models import Branch, Organisation, StaffUser


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


class ChargeKind(models.TextChoices):
    MEMBERSHIP_FEE = "membership_fee", _("Membership fee")
    FINE = "fine", _("Overdue fine")
    HOLD_FEE = "hold_fee", _("Hold fee")
    REPLACEMENT = "replacement", _("Replacement of a lost or damaged item")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Debit card")
    ONLINE = "online", _("Online")
    KIOSK = "kiosk", _("Self-service machine")


class Charge(models.Model):
    """An amount a member owes one library; paid or waived, never deleted."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="charges")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("library"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ChargeKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=8, decimal_places=2)
    description = models.CharField(_("description"), max_length=200)
    # What the charge is for, where there is such a thing: the late or lost loan's item,
    # the hold. Kept when the loan is unlinked from the member: the charge is not history.
    item = models.ForeignKey(
        Item,
        verbose_name=_("item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_method = models.CharField(
        _("paid by"), max_length=10, choices=PaymentMethod.choices, blank=True
    )
    cancelled_at = models.DateTimeField(_("waived at"), null=True, blank=True)
    waive_reason = models.CharField(_("reason for waiving"), max_length=200, blank=True)
    settled_by = models.ForeignKey(
        StaffUser,
        verbose_name=_("settled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    tenant_path: ClassVar[str] = "organisation_id"

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["person", "paid_at"], name="charge_person_open")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="charge_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_at__isnull=True) | Q(cancelled_at__isnull=True),
                name="charge_paid_or_waived",
            ),
            models.CheckConstraint(
                condition=Q(cancelled_at__isnull=True) | ~Q(waive_reason=""),
                name="charge_waived_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} € {self.amount}"

    @property
    def is_open(self) -> bool:
        return self.paid_at is None and self.cancelled_at is None


class Loan(models.Model):
    """An item lent to a member at a branch.

    Besides the member, a loan keeps what statistics and settlement between libraries
    need: the lending branch and library, the item's owner and type, the member's home
    library, age band and plan at the time. When the item comes back the loan loses its
    link to the member unless they chose to keep their loan history (privacy by design);
    the rest stays, anonymous.

    The terms of the rule that applied at checkout are copied onto the loan, so a rule
    changed later does not change a running loan.
    """

    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="loans"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="loans",
    )
    branch = models.ForeignKey(
        Branch, verbose_name=_("lent at"), on_delete=models.PROTECT, related_name="+"
    )
    # The lending library (the branch's): whose rules applied and whose staff see the loan.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("lending library"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("owner of the item"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    home_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("member's library"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    item_type = models.ForeignKey(
        ItemType, verbose_name=_("item type"), on_delete=models.PROTECT, related_name="+"
    )
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices)
    plan = models.ForeignKey(
        MembershipPlan,
        verbose_name=_("membership plan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_out_at = models.DateTimeField(_("checked out at"))
    due_on = models.DateField(_("due on"))
    renewals = models.PositiveSmallIntegerField(_("renewals"), default=0)
    renewals_allowed = models.PositiveSmallIntegerField(_("renewals allowed"))
    fine_per_day = models.DecimalField(_("overdue fine per day"), max_digits=6, decimal_places=2)
    fine_cap = models.DecimalField(
        _("maximum fine"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_branch = models.ForeignKey(
        Branch,
        verbose_name=_("returned at branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lost_at = models.DateTimeField(_("reported lost at"), null=True, blank=True)
    # Due-soon and overdue notices already sent, so a re-run job sends none twice.
    due_soon_notified_on = models.DateField(null=True, blank=True, editable=False)
    overdue_notified_on = models.DateField(null=True, blank=True, editable=False)

    tenant_path: ClassVar[str] = "organisation_id"

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-checked_out_at", "-id"]
        constraints = [
            # The guarantee behind "50 desks scan the same item, one loan".
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(returned_at__isnull=True),
                name="loan_one_open_per_item",
            ),
            models.CheckConstraint(
                condition=Q(renewals__lte=F("renewals_allowed")), name="loan_renewals_in_limit"
            ),
            models.CheckConstraint(
                condition=Q(age_band__in=AgeBand.values), name="loan_age_band_known"
            ),
        ]
        indexes = [
            models.Index(fields=["person", "returned_at"], name="loan_person_open"),
            models.Index(
                fields=["due_on"], condition=Q(returned_at__isnull=True), name="loan_open_due"
            ),
            models.Index(fields=["checked_out_at"], name="loan_checked_out_at"),
        ]

    def __str__(self) -> str:
        return f"{self.item} ({self.checked_out_at:%Y-%m-%d})"

    @property
    def is_open(self) -> bool:
        return self.returned_at is None


class HoldStatus(models.TextChoices):
    """Where a hold is; see :mod:`samenbieb.circulation.states` for the moves."""

    WAITING = "waiting", _("Waiting for a copy")
    TO_PICK = "to_pick", _("To be picked from the shelf")
    IN_TRANSIT = "in_transit", _("On its way to the pickup branch")
    READY = "ready", _("Ready for pickup")
    FULFILLED = "fulfilled", _("Picked up")
    CANCELLED = "cancelled", pgettext_lazy("hold", "Cancelled")
    EXPIRED = "expired", _("Not picked up in time")


HOLD_ACTIVE = (HoldStatus.WAITING, HoldStatus.TO_PICK, HoldStatus.IN_TRANSIT, HoldStatus.READY)
# A hold in these states has a copy set aside for it (``Hold.item``).
HOLD_ALLOCATED = (HoldStatus.TO_PICK, HoldStatus.IN_TRANSIT, HoldStatus.READY)


class Hold(models.Model):
    """A member's request for a title (any copy) or one specific copy, to pick up at a
    branch anywhere in the network. The queue of a title is its active holds in order of
    ``placed_at``; a copy set aside for a hold is its ``item``.

    A closed hold (picked up, cancelled, expired) loses its link to the member.
    """

    record = models.ForeignKey(
        Record, verbose_name=_("title"), on_delete=models.PROTECT, related_name="holds"
    )
    item = models.ForeignKey(
        Item,
        verbose_name=_("copy"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="holds",
    )
    item_specific = models.BooleanField(_("for this copy only"), default=False)
    person = models.ForeignKey(
        Person,
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="holds",
    )
    pickup_branch = models.ForeignKey(
        Branch, verbose_name=_("pickup branch"), on_delete=models.PROTECT, related_name="+"
    )
    # The pickup branch's library: whose staff see the hold and whose hold fee applies.
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("pickup library"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The member's home library when the hold was placed (statistics, filling order).
    home_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("member's library"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=HoldStatus.choices, default=HoldStatus.WAITING
    )
    placed_at = models.DateTimeField(_("placed at"))
    allocated_at = models.DateTimeField(_("copy set aside at"), null=True, blank=True)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    expires_on = models.DateField(_("pick up before"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    expiring_notified_on = models.DateField(null=True, blank=True, editable=False)

    tenant_path: ClassVar[str] = "organisation_id"

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        ordering = ["placed_at", "id"]
        constraints = [
            # A copy is set aside for one hold at a time.
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status__in=HOLD_ALLOCATED),
                name="hold_one_per_allocated_item",
            ),
            models.UniqueConstraint(
                fields=["person", "record"],
                condition=Q(status__in=HOLD_ACTIVE),
                name="hold_one_active_per_member_title",
            ),
            models.CheckConstraint(
                condition=Q(status__in=HoldStatus.values), name="hold_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=HOLD_ALLOCATED) | Q(item__isnull=False),
                name="hold_allocated_has_item",
            ),
        ]
        indexes = [
            models.Index(fields=["record", "status", "placed_at"], name="hold_queue"),
            models.Index(fields=["pickup_branch", "status"], name="hold_pickup_status"),
            models.Index(fields=["person", "status"], name="hold_person_status"),
        ]

    def __str__(self) -> str:
        return f"{self.record} → {self.pickup_branch}"

    @property
    def is_active(self) -> bool:
        return self.status in HOLD_ACTIVE


class TransitReason(models.TextChoices):
    HOLD = "hold", _("For a hold")
    HOME = "home", _("Back home")


class Transit(models.Model):
    """An item on its way between branches: sent by one scan, received by another.

    A network flow: both branches' staff see it, whichever libraries they belong to.
    """

    item = models.ForeignKey(
        Item, verbose_name=_("item"), on_delete=models.PROTECT, related_name="transits"
    )
    from_branch = models.ForeignKey(
        Branch, verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    to_branch = models.ForeignKey(
        Branch, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=10, choices=TransitReason.choices)
    hold = models.ForeignKey(
        Hold,
        verbose_name=_("hold"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="transits",
    )
    sent_at = models.DateTimeField(_("sent at"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_branch = models.ForeignKey(
        Branch,
        verbose_name=_("received at branch"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("transit")
        verbose_name_plural = _("transits")
        ordering = ["sent_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(received_at__isnull=True),
                name="transit_one_open_per_item",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=TransitReason.values), name="transit_reason_known"
            ),
        ]
        indexes = [
            models.Index(fields=["to_branch", "received_at"], name="transit_incoming"),
            models.Index(fields=["from_branch", "received_at"], name="transit_outgoing"),
        ]

    def __str__(self) -> str:
        return f"{self.item}: {self.from_branch} → {self.to_branch}"


class SettlementLine(models.Model):
    """One month's count of loans for one combination of member's library, item owner and
    lending branch: the basis for settling national lending between libraries and for the
    cockpit. Computed from loans by :func:`~samenbieb.circulation.services.settlement_compute`;
    never edited by hand. Holds no personal data.
    """

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    home_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("member's library"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("owner of the item"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    branch = models.ForeignKey(
        Branch, verbose_name=_("lent at"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("lending library"), on_delete=models.PROTECT, related_name="+"
    )
    loans = models.PositiveIntegerField(_("loans"))
    computed_at = models.DateTimeField(_("computed at"))

    tenant_path: ClassVar[str] = "organisation_id"

    class Meta:
        verbose_name = _("settlement line")
        verbose_name_plural = _("settlement lines")
        ordering = ["-month", "home_organisation_id", "owner_organisation_id", "branch_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "home_organisation", "owner_organisation", "branch"],
                name="settlement_line_unique",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="settlement_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.loans}"
