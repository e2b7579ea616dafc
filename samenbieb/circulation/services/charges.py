"""State changes of charges: what a member owes a library, paid or waived at the desk."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenbieb.circulation.errors import ChargeNotOpen, InvalidCharge
from samenbieb.circulation.models import Charge, ChargeKind, PaymentMethod
from samenbieb.core.audit import audit_record
from samenbieb.holdings.models import Item
from samenbieb.members.models import Person
from samenbieb.network import tenancy
from samenbieb.network.models import Organisation, StaffUser
from samenbieb.network.roles import Capability


@transaction.atomic
def charge_add(
    *,
    actor: StaffUser | None,
    person: Person,
    organisation: Organisation | int,
    kind: ChargeKind | str,
    amount: Decimal,
    description: str,
    item: Item | None = None,
) -> Charge:
    """Record that ``person`` owes ``organisation`` ``amount`` euros."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    if actor is not None:
        tenancy.require(actor, organisation_id, Capability.CIRCULATION)
    if kind not in ChargeKind.values:
        raise InvalidCharge(_("Unknown kind of charge: %(kind)s.") % {"kind": kind})
    amount = Decimal(amount)
    if amount <= 0:
        raise InvalidCharge(_("A charge must be more than € 0."))
    charge = Charge.objects.create(
        person=person,
        organisation_id=organisation_id,
        kind=str(kind),
        amount=amount,
        description=description[:200],
        item=item,
    )
    audit_record(
        actor=actor,
        event_type="circulation.charge.added",
        organisation_id=organisation_id,
        target=charge,
        details={"person": person.pk, "kind": str(kind), "amount": str(amount)},
    )
    return charge


def _open_charge_locked(charge: Charge) -> Charge:
    locked = Charge.objects.select_for_update().get(pk=charge.pk)
    if not locked.is_open:
        raise ChargeNotOpen()
    return locked


@transaction.atomic
def charge_pay(
    *,
    actor: StaffUser | None,
    charge: Charge,
    method: PaymentMethod | str,
    member: Person | None = None,
    now: dt.datetime | None = None,
) -> Charge:
    """Record that an open charge was paid in full (at the desk, a kiosk or online).

    ``member``: the member who paid themselves (a kiosk), audited as the actor."""
    if actor is not None:
        tenancy.require(actor, charge.organisation_id, Capability.CIRCULATION)
    if method not in PaymentMethod.values:
        raise InvalidCharge(_("Unknown way of paying: %(method)s.") % {"method": method})
    locked = _open_charge_locked(charge)
    locked.paid_at = now or timezone.now()
    locked.payment_method = str(method)
    locked.settled_by = actor
    locked.save(update_fields=["paid_at", "payment_method", "settled_by"])
    audit_record(
        actor=actor,
        event_type="circulation.charge.paid",
        organisation_id=locked.organisation_id,
        target=locked,
        details={"amount": str(locked.amount), "method": str(method)},
        member=member if actor is None else None,
    )
    return locked


@transaction.atomic
def charge_waive(
    *,
    actor: StaffUser | None,
    charge: Charge,
    reason: str,
    now: dt.datetime | None = None,
) -> Charge:
    """Let an open charge go, with the reason written down (it is never deleted)."""
    if actor is not None:
        tenancy.require(actor, charge.organisation_id, Capability.CHARGES_WAIVE)
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidCharge(_("Say why the charge is waived."))
    locked = _open_charge_locked(charge)
    locked.cancelled_at = now or timezone.now()
    locked.waive_reason = reason[:200]
    locked.settled_by = actor
    locked.save(update_fields=["cancelled_at", "waive_reason", "settled_by"])
    audit_record(
        actor=actor,
        event_type="circulation.charge.waived",
        organisation_id=locked.organisation_id,
        target=locked,
        details={"amount": str(locked.amount), "reason": locked.waive_reason},
    )
    return locked
