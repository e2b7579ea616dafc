"""State changes of circulation. For now: charges (membership fees); loans and holds follow.

``actor`` is the staff user acting, or ``None`` for the system itself (a job, the demo
loader, a member's own online action); permissions are checked for staff only.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from samenbieb.circulation.errors import InvalidCharge
from samenbieb.circulation.models import Charge, ChargeKind
from samenbieb.core.audit import audit_record
from samenbieb.members.models import Person
from samenbieb.network import tenancy
from samenbieb.network.models import Organisation, StaffUser
from samenbieb.network.roles import Capability


@transaction.atomic
def charge_add(
    *,
    actor: StaffUser | None,
    person: Person,
    organisation: Organisation,
    kind: ChargeKind | str,
    amount: Decimal,
    description: str,
) -> Charge:
    """Record that ``person`` owes ``organisation`` ``amount`` euros."""
    if actor is not None:
        # Until circulation has its own capabilities, whoever manages members may charge.
        tenancy.require(actor, organisation.pk, Capability.MEMBERS_MANAGE)
    if kind not in ChargeKind.values:
        raise InvalidCharge(_("Unknown kind of charge: %(kind)s.") % {"kind": kind})
    amount = Decimal(amount)
    if amount <= 0:
        raise InvalidCharge(_("A charge must be more than € 0."))
    charge = Charge(
        person=person,
        organisation=organisation,
        kind=str(kind),
        amount=amount,
        description=description[:200],
    )
    charge.full_clean()
    charge.save()
    audit_record(
        actor=actor,
        event_type="circulation.charge.added",
        organisation_id=organisation.pk,
        target=charge,
        details={"person": person.pk, "kind": str(kind), "amount": str(amount)},
    )
    return charge
