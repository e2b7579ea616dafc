"""The item lifecycle as one table: from which status each trigger leads to which status.

Services are the only callers (``holdings.services.item_transition``; circulation's
checkout, check-in, transit and hold services later). The triggers, by who pulls them:

- ``checkout``: lent to a member, from the shelf or from the hold shelf.
- ``checkin``: returned at a desk or kiosk. A lost or missing item that is scanned in is
  evidently back, so check-in also ends those states.
- ``send``: put in the crate to another branch (to its home, or to fill a hold).
- ``receive``: unpacked at the branch it was sent to.
- ``place_on_hold_shelf``: set aside for a member, from the shelf or straight from the crate.
- ``clear_hold_shelf``: the hold expired or was cancelled; the item goes back on the shelf.
- ``mark_missing``: not where it should be (shelf check, a transit that never arrived).
- ``mark_lost``: a member reports it lost, or it stayed missing or overdue too long.
- ``mark_damaged``: needs repair before it can be lent again.
- ``found``: a missing or lost item turned up.
- ``repaired``: back from repair.
- ``withdraw``: taken out of the collection for good; not while a member has it.

Guards that need more than the status (is this the member the hold is for?) belong to the
circulation service that pulls the trigger, not to this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samenbieb.holdings.errors import InvalidTransition
from samenbieb.holdings.models import ItemStatus


class Trigger(models.TextChoices):
    CHECKOUT = "checkout", gettext_lazy("Check out")
    CHECKIN = "checkin", gettext_lazy("Check in")
    SEND = "send", gettext_lazy("Send to another branch")
    RECEIVE = "receive", gettext_lazy("Receive from another branch")
    PLACE_ON_HOLD_SHELF = "place_on_hold_shelf", gettext_lazy("Put on the hold shelf")
    CLEAR_HOLD_SHELF = "clear_hold_shelf", gettext_lazy("Take off the hold shelf")
    MARK_MISSING = "mark_missing", gettext_lazy("Mark as missing")
    MARK_LOST = "mark_lost", gettext_lazy("Mark as lost")
    MARK_DAMAGED = "mark_damaged", gettext_lazy("Mark as damaged")
    FOUND = "found", gettext_lazy("Found again")
    REPAIRED = "repaired", gettext_lazy("Repaired")
    WITHDRAW = "withdraw", gettext_lazy("Withdraw")


@dataclass(frozen=True)
class Transition:
    source: ItemStatus
    trigger: Trigger
    target: ItemStatus


S = ItemStatus
T = Trigger

TRANSITIONS: tuple[Transition, ...] = tuple(
    Transition(source, trigger, target)
    for source, trigger, target in [
        (S.AVAILABLE, T.CHECKOUT, S.ON_LOAN),
        (S.AVAILABLE, T.SEND, S.IN_TRANSIT),
        (S.AVAILABLE, T.PLACE_ON_HOLD_SHELF, S.ON_HOLD_SHELF),
        (S.AVAILABLE, T.MARK_MISSING, S.MISSING),
        (S.AVAILABLE, T.MARK_DAMAGED, S.DAMAGED),
        (S.AVAILABLE, T.WITHDRAW, S.WITHDRAWN),
        (S.ON_LOAN, T.CHECKIN, S.AVAILABLE),
        (S.ON_LOAN, T.MARK_LOST, S.LOST),
        (S.IN_TRANSIT, T.RECEIVE, S.AVAILABLE),
        (S.IN_TRANSIT, T.PLACE_ON_HOLD_SHELF, S.ON_HOLD_SHELF),
        (S.IN_TRANSIT, T.MARK_MISSING, S.MISSING),
        (S.IN_TRANSIT, T.MARK_DAMAGED, S.DAMAGED),
        (S.IN_TRANSIT, T.WITHDRAW, S.WITHDRAWN),
        (S.ON_HOLD_SHELF, T.CHECKOUT, S.ON_LOAN),
        (S.ON_HOLD_SHELF, T.CLEAR_HOLD_SHELF, S.AVAILABLE),
        (S.ON_HOLD_SHELF, T.SEND, S.IN_TRANSIT),
        (S.ON_HOLD_SHELF, T.MARK_MISSING, S.MISSING),
        (S.ON_HOLD_SHELF, T.MARK_DAMAGED, S.DAMAGED),
        (S.ON_HOLD_SHELF, T.WITHDRAW, S.WITHDRAWN),
        (S.MISSING, T.CHECKIN, S.AVAILABLE),
        (S.MISSING, T.FOUND, S.AVAILABLE),
        (S.MISSING, T.MARK_LOST, S.LOST),
        (S.MISSING, T.WITHDRAW, S.WITHDRAWN),
        (S.LOST, T.CHECKIN, S.AVAILABLE),
        (S.LOST, T.FOUND, S.AVAILABLE),
        (S.LOST, T.WITHDRAW, S.WITHDRAWN),
        (S.DAMAGED, T.REPAIRED, S.AVAILABLE),
        (S.DAMAGED, T.WITHDRAW, S.WITHDRAWN),
        # Withdrawn is final: nothing leads out of it.
    ]
)

_BY_KEY: dict[tuple[str, str], Transition] = {(t.source, t.trigger): t for t in TRANSITIONS}

# After these the item is at the branch where the trigger was pulled (its current location).
PLACES_ITEM: frozenset[Trigger] = frozenset(
    {T.CHECKIN, T.RECEIVE, T.PLACE_ON_HOLD_SHELF, T.CLEAR_HOLD_SHELF, T.FOUND, T.REPAIRED}
)


def item_next_status(status: str, trigger: str) -> ItemStatus:
    """The status after ``trigger``; raises :class:`InvalidTransition` when it is not allowed."""
    if trigger not in Trigger.values:
        raise InvalidTransition(
            _("Unknown action for an item: %(trigger)s.") % {"trigger": trigger},
            status=status,
            trigger=trigger,
        )
    transition = _BY_KEY.get((status, trigger))
    if transition is None:
        raise InvalidTransition(
            _("“%(action)s” is not possible for an item with status “%(status)s”.")
            % {
                "action": Trigger(trigger).label,
                "status": ItemStatus(status).label if status in ItemStatus.values else status,
            },
            status=status,
            trigger=trigger,
        )
    return transition.target


def triggers_from(status: str) -> list[Trigger]:
    """The triggers allowed from ``status``, in table order (for menus and help text)."""
    return [t.trigger for t in TRANSITIONS if t.source == status]
