"""Typed errors of the members domain. ``field`` names the input a door shows it beside.

Field names are the keyword arguments of :func:`samenbieb.members.services.person_register`
(``card_barcode``, ``email``, ``plan``, ``guardian`` …), so a form whose fields carry the
same names can put each refusal next to the right field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from samenbieb.core.errors import DomainError


class MembersError(DomainError):
    """A members rule refused an action; ``field`` is the input it is about, if any."""

    code = "members_error"
    field: str | None = None


class InvalidPerson(MembersError):
    """One or more fields of a person are not valid; ``errors`` maps field to messages."""

    code = "invalid_person"

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        self.errors = {
            name: [str(message) for message in messages] for name, messages in errors.items()
        }
        super().__init__(_("Some details are missing or not valid. Check the marked fields."))


class InvalidCardNumber(MembersError):
    code = "invalid_card_number"
    field = "card_barcode"


class CardNumberTaken(MembersError):
    """The number is, or once was, on another card: card numbers are never given out twice."""

    code = "card_number_taken"
    field = "card_barcode"

    def __init__(self, barcode: str) -> None:
        self.barcode = barcode
        super().__init__(
            _(
                "Card number %(barcode)s has already been used. Every card number is used "
                "only once in the network, also after a card was lost. Take a new card."
            )
            % {"barcode": barcode}
        )


class CardNotActive(MembersError):
    code = "card_not_active"
    field = "card_barcode"

    def __init__(self) -> None:
        super().__init__(_("This card is no longer in use."))


class DuplicateEmail(MembersError):
    """Another person already uses this e-mail address (compared without case)."""

    code = "duplicate_email"
    field = "email"

    def __init__(self) -> None:
        super().__init__(
            _(
                "This e-mail address is already used by another member. Each member needs "
                "their own e-mail address."
            )
        )


class PossibleDuplicate(MembersError):
    """A person with the same name, date of birth and postcode exists already.

    ``person_id`` is the existing person; a door may show them (if its user may see them)
    and continue with ``allow_duplicate=True`` once someone checked that these are two
    different people.
    """

    code = "possible_duplicate"

    def __init__(self, person_id: int) -> None:
        self.person_id = person_id
        super().__init__(
            _(
                "A member with the same name, date of birth and postcode is already "
                "registered. Check whether this is the same person."
            )
        )


class AgeOutsidePlan(MembersError):
    code = "age_outside_plan"
    field = "plan"

    def __init__(self, message: str | Promise) -> None:
        super().__init__(message)


class PlanNotOffered(MembersError):
    code = "plan_not_offered"
    field = "plan"

    def __init__(self) -> None:
        super().__init__(_("This membership plan is no longer offered."))


class MembershipOverlaps(MembersError):
    """The person is already a member of this library for (part of) that period."""

    code = "membership_overlaps"
    field = "plan"

    def __init__(self) -> None:
        super().__init__(
            _(
                "This member already has a membership of this library for that period. "
                "Renew that membership instead."
            )
        )


class MembershipNotRenewable(MembersError):
    code = "membership_not_renewable"

    def __init__(self, message: str | Promise) -> None:
        super().__init__(message)


class InvalidGuardian(MembersError):
    code = "invalid_guardian"
    field = "guardian"

    def __init__(self, message: str | Promise) -> None:
        super().__init__(message)


class GuardianRequired(MembersError):
    """Children under 16 cannot register themselves online (UAVG art. 5): a parent must."""

    code = "guardian_required"
    field = "birth_date"

    def __init__(self) -> None:
        super().__init__(
            _(
                "Children under 16 cannot register online themselves. A parent or guardian "
                "can register them at the library."
            )
        )


class InvalidConsent(MembersError):
    code = "invalid_consent"

    def __init__(self, message: str | Promise) -> None:
        super().__init__(message)
