"""Typed errors of digital access. Each says what happened and what the member can do."""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samenbieb.core.errors import DomainError


def _day(moment: dt.datetime | dt.date) -> str:
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment).date()
    return str(formats.date_format(moment, "j F Y"))


class DigitalError(DomainError):
    code = "digital_error"


class ResourceUnavailable(DigitalError):
    """The resource is switched off (or gone); the same answer for both."""

    code = "resource_unavailable"

    def __init__(self) -> None:
        super().__init__(_("This title is no longer available online."))


class MembershipRequired(DigitalError):
    """Online access is for members with a valid membership today.

    ``ended_on`` is the last day of the member's latest membership if it has lapsed,
    ``starts_on`` the first day of one that has not begun; neither when there is none.
    """

    code = "membership_required"

    def __init__(
        self, *, ended_on: dt.date | None = None, starts_on: dt.date | None = None
    ) -> None:
        self.ended_on = ended_on
        self.starts_on = starts_on
        if starts_on is not None:
            message = _(
                "Your membership starts on %(day)s. From that day on you can read and "
                "listen online."
            ) % {"day": _day(starts_on)}
            self.code = "membership_not_started"
        elif ended_on is not None:
            message = _(
                "Your membership ended on %(day)s. Renew it at the desk of your library; "
                "then you can read and listen online again."
            ) % {"day": _day(ended_on)}
            self.code = "membership_lapsed"
        else:
            message = _(
                "Reading and listening online is for members. Go to the desk of your "
                "library to start a membership: take an ID card with you."
            )
            self.code = "membership_missing"
        super().__init__(message)


class AllCopiesInUse(DigitalError):
    """Every copy of a one copy, one user licence is lent out; ``free_at`` is the moment
    the first of them ends at the latest (a member may return one earlier)."""

    code = "all_copies_in_use"

    def __init__(self, *, free_at: dt.datetime) -> None:
        self.free_at = free_at
        super().__init__(
            _(
                "All copies are in use by other members right now. A copy is free again "
                "on %(day)s at the latest. Try again then."
            )
            % {"day": _day(free_at)}
        )


class LoanNotConfirmed(DigitalError):
    """Opening this resource starts a loan, and the member has not said yes to it yet.

    Doors ask first, so a link opened by a preview or another site takes no copy.
    """

    code = "loan_not_confirmed"

    def __init__(self, *, ends: dt.datetime) -> None:
        self.ends = ends
        super().__init__(
            _("Borrow this title until %(day)s to read or listen to it.") % {"day": _day(ends)}
        )


class LoanNotActive(DigitalError):
    """The loan is not this member's, or it has already ended."""

    code = "loan_not_active"

    def __init__(self) -> None:
        super().__init__(_("This loan has already ended."))


class InvalidDigitalResource(DigitalError):
    """A digital resource that cannot be offered as given; ``errors`` maps field to messages."""

    code = "invalid_digital_resource"

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(_("This online access is not complete or not valid."))
