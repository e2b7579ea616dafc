"""Typed errors of programmes and services.

Every refusal is a :class:`ProgrammeError` with a stable ``code`` and a plain-language
message (B1 level) a member, a visitor or a librarian can act on; ``field`` names the
form field it is about, when there is one. Doors show the message; they never write their
own rules or texts. Other areas add their errors in ``errors_<area>.py``, subclassing
:class:`ProgrammeError`.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise

from samenbieb.core.errors import DomainError


class ProgrammeError(DomainError):
    code = "programme_error"

    def __init__(
        self, message: str | Promise, *, code: str | None = None, field: str | None = None
    ) -> None:
        super().__init__(message, code=code)
        self.field = field


class InvalidActivity(ProgrammeError):
    """An activity that cannot be saved as given: a missing theme, a window out of order."""

    code = "invalid_activity"


class ActivityNotChangeable(ProgrammeError):
    """Cancelled activities stay as they are."""

    code = "activity_not_changeable"


class InvalidPhone(ProgrammeError):
    code = "invalid_phone"

    def __init__(self, message: str | Promise) -> None:
        super().__init__(message, field="phone")


class SessionReason(StrEnum):
    """Why a session was refused. Stable: doors and tests key on these."""

    OVERLAPS = "session_overlaps"
    IN_THE_PAST = "session_in_the_past"
    TOO_LONG = "session_too_long"
    ENDS_BEFORE_START = "session_ends_before_start"
    BEFORE_REGISTRATION_OPENS = "session_before_registration_opens"
    TOO_FAR_AHEAD = "session_too_far_ahead"
    NOT_FOUND = "session_not_found"


class SessionRefused(ProgrammeError):
    code = "session_refused"

    def __init__(self, reason: SessionReason, message: str | Promise) -> None:
        super().__init__(message, code=str(reason), field="starts_at")
        self.reason = reason


class Reason(StrEnum):
    """Why a registration, cancellation or attendance was refused."""

    ACTIVITY_NOT_OPEN = "activity_not_open"
    ACTIVITY_CANCELLED = "activity_cancelled"
    ACTIVITY_OVER = "activity_over"
    NOT_OPEN_YET = "registration_not_open_yet"
    CLOSED = "registration_closed"
    ALREADY_REGISTERED = "already_registered"
    NAME_REQUIRED = "name_required"
    NOBODY = "nobody_to_register"
    NOT_ACTIVE = "registration_not_active"
    WALK_IN = "walk_in_no_registration"
    WRONG_SESSION = "session_of_another_activity"
    NOT_CONFIRMED = "registration_not_confirmed"
    SESSION_NOT_STARTED = "session_not_started"


class RegistrationRefused(ProgrammeError):
    """A registration, cancellation or attendance that was refused; nothing changed."""

    code = "registration_refused"

    def __init__(self, reason: Reason, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(message, code=str(reason), field=field)
        self.reason = reason
