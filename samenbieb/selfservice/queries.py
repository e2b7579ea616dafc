"""Reads that self-service machines need: an item's state, a member's account at a glance.

Circulation is a network flow, so these are keyed by barcode or member like the desk's
circulation reads, never by a staff member's organisation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from samenbieb.circulation import queries as circulation_queries
from samenbieb.circulation.errors import Refused
from samenbieb.circulation.models import HOLD_ACTIVE, Charge, Hold, HoldStatus, Loan
from samenbieb.circulation.services import common
from samenbieb.holdings.barcodes import barcode_or_none
from samenbieb.holdings.models import Item
from samenbieb.members.models import Person
from samenbieb.network.models import Branch
from samenbieb.selfservice.models import Kiosk


def kiosk_by_pk(pk: int) -> Kiosk | None:
    return Kiosk.objects.select_related("branch__organisation").filter(pk=pk).first()


def location_code(branch: Branch) -> str:
    """A branch's name for machines: ``ISIL/code``. Branch codes are unique only within
    their library, and a return sorter in one library sorts items of all of them."""
    return f"{branch.organisation.isil}/{branch.code}"


@dataclass(frozen=True)
class ItemState:
    item: Item
    due_on: dt.date | None
    queue_length: int


def item_state(barcode: str) -> ItemState | None:
    """The item with ``barcode`` with its due date (when on loan) and hold queue length."""
    normalised = barcode_or_none(barcode)
    if normalised is None:
        return None
    item = (
        Item.objects.select_related(
            "record", "organisation", "home_branch__organisation", "current_branch__organisation"
        )
        .filter(barcode=normalised)
        .first()
    )
    if item is None:
        return None
    loan = Loan.objects.filter(item=item, returned_at__isnull=True).only("due_on").first()
    queue = Hold.objects.filter(record_id=item.record_id, status__in=HOLD_ACTIVE).count()
    return ItemState(item=item, due_on=loan.due_on if loan else None, queue_length=queue)


def loan_of_member_by_barcode(person: Person, barcode: str) -> Loan | None:
    """The member's running loan of the item with ``barcode``."""
    normalised = barcode_or_none(barcode)
    if normalised is None:
        return None
    return circulation_queries.loans_open(person).filter(item__barcode=normalised).first()


@dataclass(frozen=True)
class PatronAccount:
    """A member's account as a kiosk shows it (SIP2 patron information)."""

    holds_ready: list[Hold] = field(default_factory=list)
    holds_waiting: list[Hold] = field(default_factory=list)
    loans: list[Loan] = field(default_factory=list)
    overdue: list[Loan] = field(default_factory=list)
    charges: list[Charge] = field(default_factory=list)
    owed: Decimal = Decimal("0.00")
    # Why the member cannot borrow, renew or reserve now (None: they can).
    blocked: Refused | None = None
    charges_blocked: bool = False


def patron_account(person: Person, *, branch: Branch, today: dt.date) -> PatronAccount:
    """What ``person`` has on loan, reserved and owes, and whether lending is blocked at
    ``branch``, by the same checks checkout makes."""
    holds = list(circulation_queries.holds_of(person))
    loans = list(circulation_queries.loans_open(person))
    charges = sorted(circulation_queries.charges_open(person), key=lambda c: (c.created_at, c.pk))
    blocked: Refused | None = None
    charges_blocked = False
    try:
        common.membership_for_lending(person, today, branch.organisation_id)
    except Refused as refused:
        blocked = refused
    try:
        common.refuse_above_threshold(person)
    except Refused as refused:
        blocked = blocked or refused
        charges_blocked = True
    return PatronAccount(
        holds_ready=[hold for hold in holds if hold.status == HoldStatus.READY],
        holds_waiting=[hold for hold in holds if hold.status != HoldStatus.READY],
        loans=loans,
        overdue=[loan for loan in loans if loan.due_on < today],
        charges=charges,
        owed=sum((charge.amount for charge in charges), Decimal("0.00")),
        blocked=blocked,
        charges_blocked=charges_blocked,
    )


def charges_open_oldest_first(person: Person) -> list[Charge]:
    return sorted(circulation_queries.charges_open(person), key=lambda c: (c.created_at, c.pk))
