"""Typed errors of the circulation domain.

Every refusal at the desk, in the portal, at a kiosk or through the API is a
:class:`Refused` with a stable :class:`Reason` code and a plain-language message a member
or librarian can act on. Doors map the code (API problem type, SIP2 screen message); they
never write their own rules or texts for it.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samenbieb.core.errors import DomainError


class CirculationError(DomainError):
    code = "circulation_error"
    field: str | None = None


class InvalidCharge(CirculationError):
    code = "invalid_charge"

    def __init__(self, message: str | Promise) -> None:
        super().__init__(message)


class ChargeNotOpen(CirculationError):
    code = "charge_not_open"

    def __init__(self) -> None:
        super().__init__(_("This charge has already been paid or waived."))


class InvalidCirculationRule(CirculationError):
    """A rule that breaks the matrix: a duplicate, a foreign plan, a negative amount."""

    code = "invalid_circulation_rule"

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Reason(StrEnum):
    """Why circulation said no. Stable: doors, kiosks and API clients key on these."""

    UNKNOWN_ITEM = "unknown_item"
    UNKNOWN_CARD = "unknown_card"
    CARD_LOST = "card_lost"
    CARD_BLOCKED = "card_blocked"
    CARD_REPLACED = "card_replaced"
    MEMBERSHIP_LAPSED = "membership_lapsed"
    CHARGES_ABOVE_THRESHOLD = "charges_above_threshold"
    ON_HOLD_FOR_SOMEONE_ELSE = "on_hold_for_someone_else"
    MAXIMUM_LOANS = "maximum_loans"
    RENEWAL_LIMIT = "renewal_limit"
    NOT_FOR_LOAN = "not_for_loan"
    ITEM_NOT_AVAILABLE = "item_not_available"
    ON_LOAN_TO_SOMEONE_ELSE = "on_loan_to_someone_else"
    ALREADY_ON_LOAN_TO_MEMBER = "already_on_loan_to_member"
    IN_TRANSIT = "in_transit"
    NOT_ON_LOAN = "not_on_loan"
    LOAN_NOT_FOUND = "loan_not_found"
    HOLDS_NOT_ALLOWED = "holds_not_allowed"
    HOLD_EXISTS = "hold_exists"
    HOLD_NOT_ACTIVE = "hold_not_active"
    ALREADY_ON_LOAN_FOR_HOLD = "already_on_loan_for_hold"
    NOTHING_TO_HOLD = "nothing_to_hold"
    BRANCH_CLOSED_FOR_PICKUP = "branch_not_for_pickup"
    WRONG_BRANCH = "wrong_branch"


class Refused(CirculationError):
    """A checkout, check-in, renewal or hold that circulation refused; nothing changed."""

    code = "refused"

    def __init__(self, reason: Reason, message: str | Promise) -> None:
        super().__init__(message, code=str(reason))
        self.reason = reason
