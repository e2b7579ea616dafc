"""Circulation's personal data for the registry (samenbieb.privacy): loans, holds, charges."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from samenbieb.circulation import queries
from samenbieb.circulation.models import HOLD_ACTIVE, Charge, Hold, Loan
from samenbieb.circulation.services.holds import hold_cancel
from samenbieb.members.models import Person
from samenbieb.privacy.registry import Blocker, Contributor, Processing, register

ERASURE_REASON = "erasure requested"


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def export(person: Person) -> dict[str, Any]:
    loans = Loan.objects.filter(person=person).select_related("item__record", "branch")
    holds = Hold.objects.filter(person=person).select_related("record", "pickup_branch")
    charges = Charge.objects.filter(person=person).select_related("organisation")
    return {
        "loans": [
            {
                "title": loan.item.record.title,
                "item": loan.item.barcode,
                "branch": loan.branch.name,
                "checked_out_at": _when(loan.checked_out_at),
                "due_on": _when(loan.due_on),
                "renewals": loan.renewals,
                "returned_at": _when(loan.returned_at),
            }
            for loan in loans.order_by("checked_out_at", "id")
        ],
        "holds": [
            {
                "title": hold.record.title,
                "pickup_branch": hold.pickup_branch.name,
                "status": hold.status,
                "placed_at": _when(hold.placed_at),
                "closed_at": _when(hold.closed_at),
            }
            for hold in holds.order_by("placed_at", "id")
        ],
        "charges": [
            {
                "library": charge.organisation.name,
                "kind": charge.kind,
                "description": charge.description,
                "amount": str(charge.amount),
                "created_at": _when(charge.created_at),
                "paid_at": _when(charge.paid_at),
                "waived_at": _when(charge.cancelled_at),
            }
            for charge in charges.order_by("created_at", "id")
        ],
    }


def blockers(person: Person) -> list[Blocker]:
    found: list[Blocker] = []
    loans = Loan.objects.filter(person=person, returned_at__isnull=True).count()
    if loans:
        found.append(
            Blocker(
                "open_loans",
                ngettext(
                    "You still have %(count)d item on loan. Return it first.",
                    "You still have %(count)d items on loan. Return them first.",
                    loans,
                )
                % {"count": loans},
                loans,
            )
        )
    open_charges = queries.charges_open(person).count()
    if open_charges:
        total = queries.charges_open_total(person)
        found.append(
            Blocker(
                "open_charges",
                ngettext(
                    "You still have %(count)d charge to pay (€ %(total)s in all).",
                    "You still have %(count)d charges to pay (€ %(total)s in all).",
                    open_charges,
                )
                % {"count": open_charges, "total": f"{total:.2f}"},
                open_charges,
            )
        )
    return found


def anonymise(person: Person, now: dt.datetime) -> int:
    """Cancel active holds (a set-aside copy goes to the next in line), then unlink every
    loan and hold. Charges stay as bookkeeping, linked to the emptied member record."""
    for hold in Hold.objects.filter(person=person, status__in=HOLD_ACTIVE):
        # Not ``person=``: that would record the member as the actor, and an erasure may be
        # staff's or the lapsed-member job's; the erasure's own event says who asked.
        hold_cancel(actor=None, hold=hold, reason=ERASURE_REASON, now=now)
    count = Loan.objects.filter(person=person).update(person=None)
    count += Hold.objects.filter(person=person).update(person=None)
    return count


register(
    Contributor(
        key="circulation",
        label=_("Loans, holds and charges"),
        models=("circulation.loan", "circulation.hold", "circulation.charge"),
        export=export,
        anonymise=anonymise,
        blockers=blockers,
        order=10,
        processing=(
            Processing(
                name=_("Lending and holds"),
                purpose=_("Lend items, take them back, keep holds in line and send notices."),
                legal_basis=_("Contract (the membership), GDPR article 6(1)(b)"),
                categories=(_("what is on loan or reserved, with dates and branches"),),
                retention=lambda: _(
                    "A loan loses its link to the member when the item comes back, a hold when "
                    "it closes, unless the member chose to keep their loan history; that "
                    "history goes on erasure. The anonymous rest stays for statistics and "
                    "settlement between libraries."
                ),
                recipients=_("The library where the item was lent or is picked up."),
            ),
            Processing(
                name=_("Charges"),
                purpose=_("Fines, hold fees and replacement costs: what is owed and paid."),
                legal_basis=_("Contract, and the legal duty to keep bookkeeping records"),
                categories=(_("amounts, what they are for, when paid or waived"),),
                retention=lambda: _(
                    "Kept as bookkeeping records; an open charge blocks erasure. After "
                    "erasure they point only to an empty member record."
                ),
            ),
        ),
    )
)
