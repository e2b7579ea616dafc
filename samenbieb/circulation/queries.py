"""Reads of circulation data that doors ask for."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet

from samenbieb.circulation.models import Charge
from samenbieb.members.models import Person


def charges_open(person: Person) -> QuerySet[Charge]:
    """What ``person`` still owes, at any library, newest first (uses the open-charge index)."""
    return (
        Charge.objects.filter(person=person, paid_at__isnull=True, cancelled_at__isnull=True)
        .select_related("organisation")
        .order_by("-created_at", "-id")
    )


def charges_open_total(person: Person) -> Decimal:
    return sum((charge.amount for charge in charges_open(person)), Decimal(0))
