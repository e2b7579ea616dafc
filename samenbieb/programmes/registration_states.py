"""The registration lifecycle as a table: (from, trigger) → to. Status changes only
through :mod:`samenbieb.programmes.services.activities`, which asks this table."""

from __future__ import annotations

from enum import StrEnum

from samenbieb.programmes.models import RegistrationStatus


class RegistrationTrigger(StrEnum):
    PROMOTE = "promote"  # a place came free: the first on the waiting list moves up
    CANCEL = "cancel"  # by the person, by staff, or because the activity was cancelled


TRANSITIONS: dict[tuple[str, RegistrationTrigger], str] = {
    (RegistrationStatus.WAITING, RegistrationTrigger.PROMOTE): RegistrationStatus.CONFIRMED,
    (RegistrationStatus.CONFIRMED, RegistrationTrigger.CANCEL): RegistrationStatus.CANCELLED,
    (RegistrationStatus.WAITING, RegistrationTrigger.CANCEL): RegistrationStatus.CANCELLED,
}

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)


def registration_next_status(status: str, trigger: RegistrationTrigger) -> str:
    """The status after ``trigger``; ValueError when the table has no such move (a bug:
    services check the status and refuse with a message before they get here)."""
    try:
        return TRANSITIONS[(status, trigger)]
    except KeyError:
        raise ValueError(f"a registration that is {status} cannot {trigger}") from None
