"""Portal-local reads for loans and holds that the circulation contract does not offer.

Presentation only: which copies a member can pick for a "this copy only" hold, which
pickup branch to suggest, and the hold fee to *show*. Circulation decides everything
(``services.hold_place`` charges the fee it finds, refuses what it must).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from samenbieb.catalog.models import Record
from samenbieb.circulation import queries
from samenbieb.circulation.models import Hold, HoldStatus
from samenbieb.circulation.rules import rule_for_lending
from samenbieb.holdings.models import Item, ItemStatus
from samenbieb.members.models import Person
from samenbieb.network.models import Branch, BranchKind

# How many returned loans the account page shows; the history page shows them all.
HISTORY_ON_ACCOUNT = 10


def copies_for_hold(record: Record) -> list[Item]:
    """The copies of ``record`` a member may name for a hold on one copy; one query.

    Withdrawn copies left the collection; they are not offered.
    """
    return list(
        Item.objects.filter(record=record)
        .exclude(status=ItemStatus.WITHDRAWN)
        .select_related("current_branch__organisation")
        .order_by("current_branch__organisation__name", "current_branch__name", "barcode")
    )


def pickup_suggestion(branches: list[Branch], person: Person) -> Branch | None:
    """A branch of the member's own library (its main library first), else the first one."""
    own = [branch for branch in branches if branch.organisation_id == person.home_organisation_id]
    main = [branch for branch in own if branch.kind == BranchKind.MAIN]
    suggestions = main or own or branches
    return suggestions[0] if suggestions else None


def hold_fee_shown(person: Person, branch: Branch, copies: list[Item]) -> Decimal:
    """The hold fee that ``branch``'s library would charge for a hold on these copies, to
    show beside the form; the rule of the first copy's type (a title's copies share one)."""
    if not copies:
        return Decimal("0.00")
    return rule_for_lending(branch=branch, person=person, item_type=copies[0].item_type_id).hold_fee


@dataclass(frozen=True)
class HoldRow:
    """An active hold as the member reads it: the hold and its status in words."""

    hold: Hold
    position: int
    status_text: str
    next_text: str


def hold_row(hold: Hold) -> HoldRow:
    position = queries.hold_position(hold) if hold.status == HoldStatus.WAITING else 0
    branch = hold.pickup_branch.name
    if hold.status == HoldStatus.WAITING:
        status = _("Waiting: you are number %(position)s in the queue.") % {"position": position}
        following = _(
            "When a copy is free, it is sent to %(branch)s. We let you know when you can "
            "pick it up."
        ) % {"branch": branch}
    elif hold.status == HoldStatus.READY:
        until = hold.expires_on or timezone.localdate()
        status = _("Ready for you at %(branch)s until %(date)s.") % {
            "branch": branch,
            "date": _date(until),
        }
        following = _("Pick it up at the desk or the self-service machine. Take your library card.")
    else:  # a copy is set aside: being taken from the shelf or travelling
        status = _("On its way to %(branch)s.") % {"branch": branch}
        following = _("We let you know when it is ready to pick up.")
    return HoldRow(hold, position, status, following)


def _date(day: dt.date) -> str:
    return date_format(day, "j F Y")
