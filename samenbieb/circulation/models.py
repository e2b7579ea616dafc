"""Circulation: for now the charges a member owes (membership fees); loans, holds and
transits follow."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samenbieb.members.models import Person
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
