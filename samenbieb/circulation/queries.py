"""Reads of circulation data that doors ask for.

Circulation is a network flow (ADR 3): a member borrows, returns and picks up anywhere, so
these reads are keyed by the member or the branch a door stands at, not by the staff
member's organisation. Doors show another library's members no more than circulation
needs (name and card at the pickup desk).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samenbieb.circulation.errors import Reason, Refused
from samenbieb.circulation.models import (
    HOLD_ACTIVE,
    Charge,
    Hold,
    HoldStatus,
    Loan,
    SettlementLine,
    Transit,
)
from samenbieb.holdings.models import Item, ItemStatus
from samenbieb.members.cards import card_number_or_none
from samenbieb.members.models import CardStatus, LibraryCard, Person
from samenbieb.network.models import Branch, BranchKind

_CARD_REFUSALS = {
    CardStatus.LOST: (
        Reason.CARD_LOST,
        gettext_lazy("This card was reported lost. Use the new card, or ask at the desk."),
    ),
    CardStatus.BLOCKED: (
        Reason.CARD_BLOCKED,
        gettext_lazy("This card is blocked. Please ask at the desk."),
    ),
    CardStatus.REPLACED: (
        Reason.CARD_REPLACED,
        gettext_lazy("This card has been replaced by a newer card. Use the new card."),
    ),
}


def patron_by_card(barcode: str) -> Person:
    """The member holding card ``barcode``, of any library in the network.

    Raises :class:`Refused` for an unknown card and for a lost, blocked or replaced one,
    with a message the desk or kiosk can show as it is.
    """
    normalised = card_number_or_none(barcode)
    card = (
        LibraryCard.objects.select_related("person__home_organisation")
        .filter(barcode=normalised)
        .first()
        if normalised
        else None
    )
    if card is None or not card.person.is_active:
        raise Refused(
            Reason.UNKNOWN_CARD,
            _(
                "There is no library card with this number. Check the number on the card "
                "and try again."
            ),
        )
    refusal = _CARD_REFUSALS.get(CardStatus(card.status))
    if refusal is not None:
        reason, message = refusal
        raise Refused(reason, message)
    return card.person


def charges_block_threshold() -> Decimal:
    """Open charges above this amount block lending, renewing and holds."""
    return Decimal(str(settings.SAMENBIEB["CHARGES_BLOCK_THRESHOLD"]))


def charges_open(person: Person) -> QuerySet[Charge]:
    """What ``person`` still owes, at any library, newest first (uses the open-charge index)."""
    return (
        Charge.objects.filter(person=person, paid_at__isnull=True, cancelled_at__isnull=True)
        .select_related("organisation", "item__record")
        .order_by("-created_at", "-id")
    )


def charges_open_total(person: Person | int) -> Decimal:
    """The sum of ``person``'s open charges; one aggregate query."""
    total = Charge.objects.filter(
        person=person, paid_at__isnull=True, cancelled_at__isnull=True
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


def loans_open(person: Person) -> QuerySet[Loan]:
    """The member's loans not yet returned, soonest due first."""
    return (
        Loan.objects.filter(person=person, returned_at__isnull=True)
        .select_related("item__record", "branch", "organisation")
        .order_by("due_on", "id")
    )


def loan_history(person: Person) -> QuerySet[Loan]:
    """Returned loans still linked to the member: only those who keep their history have any."""
    return (
        Loan.objects.filter(person=person, returned_at__isnull=False)
        .select_related("item__record", "branch")
        .order_by("-returned_at", "-id")
    )


def loan_of_member(person: Person, loan_id: int) -> Loan | None:
    return (
        Loan.objects.filter(pk=loan_id, person=person, returned_at__isnull=True)
        .select_related("item__record", "branch")
        .first()
    )


def holds_of(person: Person) -> QuerySet[Hold]:
    """The member's active holds, oldest first."""
    return (
        Hold.objects.filter(person=person, status__in=HOLD_ACTIVE)
        .select_related("record", "item", "pickup_branch")
        .order_by("placed_at", "id")
    )


def hold_of_member(person: Person, hold_id: int) -> Hold | None:
    return Hold.objects.filter(pk=hold_id, person=person, status__in=HOLD_ACTIVE).first()


def hold_position(hold: Hold) -> int:
    """The hold's place (1-based) among the title's holds still waiting for a copy."""
    if hold.status != HoldStatus.WAITING:
        return 0
    ahead = Hold.objects.filter(
        Q(placed_at__lt=hold.placed_at) | Q(placed_at=hold.placed_at, id__lt=hold.pk),
        record_id=hold.record_id,
        status=HoldStatus.WAITING,
    ).count()
    return ahead + 1


def pick_list(branch: Branch) -> QuerySet[Hold]:
    """Copies to take from this branch's shelves for holds, by shelf mark."""
    return (
        Hold.objects.filter(status=HoldStatus.TO_PICK, item__current_branch=branch)
        .select_related("record", "item", "pickup_branch__organisation")
        .order_by("item__shelf_mark", "item__barcode")
    )


def hold_shelf(branch: Branch) -> QuerySet[Hold]:
    """Copies waiting on this branch's hold shelf, the first to expire first."""
    return (
        Hold.objects.filter(status=HoldStatus.READY, pickup_branch=branch)
        .select_related("record", "item", "person")
        .order_by("expires_on", "id")
    )


def hold_shelf_to_clear(branch: Branch) -> QuerySet[Item]:
    """Items still on this branch's hold shelf whose hold ended (expired or cancelled)."""
    return (
        Item.objects.filter(current_branch=branch, status=ItemStatus.ON_HOLD_SHELF)
        .exclude(holds__status=HoldStatus.READY)
        .select_related("record", "home_branch")
        .order_by("barcode")
    )


def transits_incoming(branch: Branch) -> QuerySet[Transit]:
    return (
        Transit.objects.filter(to_branch=branch, received_at__isnull=True)
        .select_related("item__record", "from_branch")
        .order_by("sent_at", "id")
    )


def transits_outgoing(branch: Branch) -> QuerySet[Transit]:
    return (
        Transit.objects.filter(from_branch=branch, received_at__isnull=True)
        .select_related("item__record", "to_branch")
        .order_by("sent_at", "id")
    )


def transit_too_long_since(now: dt.datetime | None = None) -> dt.datetime:
    days = int(str(settings.SAMENBIEB["TRANSIT_TOO_LONG_DAYS"]))
    return (now or timezone.now()) - dt.timedelta(days=days)


def transits_too_long(
    now: dt.datetime | None = None, branch: Branch | None = None
) -> QuerySet[Transit]:
    """Open transits sent longer ago than the network allows, optionally to or from ``branch``."""
    transits = Transit.objects.filter(
        received_at__isnull=True, sent_at__lt=transit_too_long_since(now)
    )
    if branch is not None:
        transits = transits.filter(Q(to_branch=branch) | Q(from_branch=branch))
    return transits.select_related("item__record", "from_branch", "to_branch").order_by("sent_at")


def pickup_branches() -> QuerySet[Branch]:
    """Branches where members can pick up holds: active branches of active libraries."""
    return (
        Branch.objects.filter(is_active=True, organisation__is_active=True)
        .exclude(kind=BranchKind.OFFICE)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


@dataclass(frozen=True)
class SettlementRow:
    """Loans in a month where one library lent to another's member (national lending)."""

    lender: str  # the item's owner
    borrower_library: str  # the member's home library
    loans: int


def settlement_between_libraries(month: dt.date) -> list[SettlementRow]:
    """Per pair of libraries, how many loans of ``month`` went from the owner of the item
    to a member of another library (computed lines; see ``settlement_compute``)."""
    rows = (
        SettlementLine.objects.filter(month=month.replace(day=1))
        .exclude(owner_organisation=F("home_organisation"))
        .values("owner_organisation__name", "home_organisation__name")
        .annotate(total=Sum("loans"))
        .order_by("owner_organisation__name", "home_organisation__name")
    )
    return [
        SettlementRow(row["owner_organisation__name"], row["home_organisation__name"], row["total"])
        for row in rows
    ]
