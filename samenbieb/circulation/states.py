"""The hold lifecycle as one table: from which status each trigger leads to which status.

- ``allocate``: a copy is set aside for the hold; someone must take it from the shelf
  (``to_pick``), or it is already at the pickup branch and goes straight on the hold shelf.
- ``send``: the copy goes into the crate to the pickup branch.
- ``shelve``: the copy is on the hold shelf at the pickup branch; the member is told.
- ``release``: the copy set aside can no longer serve (missing, damaged, lent after all);
  the hold waits for another copy, keeping its place in the queue.
- ``checkout``: the member borrowed the copy (or another copy of the title).
- ``cancel``: the member or staff cancelled the hold.
- ``expire``: the copy waited on the hold shelf past the pick-up-before date.

A loan needs no table: it is open until it is returned or reported lost.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy

from samenbieb.circulation.errors import Reason, Refused
from samenbieb.circulation.models import HoldStatus


class HoldTrigger(models.TextChoices):
    ALLOCATE = "allocate", gettext_lazy("Set a copy aside")
    SEND = "send", gettext_lazy("Send to the pickup branch")
    SHELVE = "shelve", gettext_lazy("Put on the hold shelf")
    RELEASE = "release", gettext_lazy("Release the copy")
    CHECKOUT = "checkout", gettext_lazy("Borrowed")
    CANCEL = "cancel", gettext_lazy("Cancel")
    EXPIRE = "expire", gettext_lazy("Expire")


S = HoldStatus
T = HoldTrigger

HOLD_TRANSITIONS: dict[tuple[str, str], HoldStatus] = {
    (S.WAITING, T.ALLOCATE): S.TO_PICK,
    (S.WAITING, T.SHELVE): S.READY,
    (S.WAITING, T.SEND): S.IN_TRANSIT,
    (S.WAITING, T.CANCEL): S.CANCELLED,
    (S.WAITING, T.CHECKOUT): S.FULFILLED,
    (S.TO_PICK, T.SEND): S.IN_TRANSIT,
    (S.TO_PICK, T.SHELVE): S.READY,
    (S.TO_PICK, T.RELEASE): S.WAITING,
    (S.TO_PICK, T.CANCEL): S.CANCELLED,
    (S.TO_PICK, T.CHECKOUT): S.FULFILLED,
    (S.IN_TRANSIT, T.SHELVE): S.READY,
    (S.IN_TRANSIT, T.RELEASE): S.WAITING,
    (S.IN_TRANSIT, T.CANCEL): S.CANCELLED,
    (S.IN_TRANSIT, T.CHECKOUT): S.FULFILLED,
    # Received at the wrong branch and sent on to the pickup branch.
    (S.IN_TRANSIT, T.SEND): S.IN_TRANSIT,
    (S.READY, T.CHECKOUT): S.FULFILLED,
    (S.READY, T.RELEASE): S.WAITING,
    (S.READY, T.CANCEL): S.CANCELLED,
    (S.READY, T.EXPIRE): S.EXPIRED,
    # Fulfilled, cancelled and expired are final.
}


def hold_next_status(status: str, trigger: HoldTrigger) -> HoldStatus:
    """The status after ``trigger``; a hold already closed cannot move."""
    target = HOLD_TRANSITIONS.get((status, trigger))
    if target is None:
        raise Refused(Reason.HOLD_NOT_ACTIVE, gettext_lazy("This hold is no longer active."))
    return target
