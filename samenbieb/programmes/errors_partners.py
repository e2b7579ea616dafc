"""Typed errors of partners and referrals. ``field`` names the input a door shows it beside.

Field names are the keyword arguments of the services in
:mod:`samenbieb.programmes.services.partners` (``consent_given``, ``phone``, ``card`` …).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from samenbieb.programmes.errors import ProgrammeError


class PartnerError(ProgrammeError):
    """A partner or referral rule refused an action; ``field`` is the input it is about."""

    code = "partner_error"
    field: str | None = None

    def __init__(self, message: str | Promise | None = None, *, field: str | None = None) -> None:
        super().__init__(
            message if message is not None else self.default_message(),
            field=field if field is not None else type(self).field,
        )

    def default_message(self) -> str:
        return _("This cannot be done.")


class ReferralConsentMissing(PartnerError):
    """A referral passes a person's details on: only with their consent, recorded."""

    code = "referral_consent_missing"
    field = "consent_given"

    def default_message(self) -> str:
        return _(
            "Ask the person first whether they agree. Without their consent you cannot "
            "send a referral."
        )


class ReferralPersonMissing(PartnerError):
    """Whom is referred: a name and a phone number, or a library card."""

    code = "referral_person_missing"
    field = "name"

    def default_message(self) -> str:
        return _("Fill in the person's name, and a phone number or a library card number.")


class ReferralCardUnknown(PartnerError):
    code = "referral_card_unknown"
    field = "card"

    def default_message(self) -> str:
        return _("No library card with this number is in use. Check the number.")


class ReferralDataInvalid(PartnerError):
    """A value is too long or not of the right kind (minimal data: short fields only)."""

    code = "referral_data_invalid"


class ReferralActivityNotOpen(PartnerError):
    """The activity is not published, or not one this partner may refer people to."""

    code = "referral_activity_not_open"
    field = "activity"

    def default_message(self) -> str:
        return _("You cannot refer people to this activity. Choose another activity.")


class PartnerNotOfLibrary(PartnerError):
    """The partner, activity or referral belongs to another library."""

    code = "partner_not_of_library"
    field = "partner"

    def default_message(self) -> str:
        return _("This partner does not work with this library.")


class PartnerInactive(PartnerError):
    code = "partner_inactive"
    field = "partner"

    def default_message(self) -> str:
        return _("This partner is no longer active.")


class ReferralTransitionRefused(PartnerError):
    """The state table has no such step for this referral and this side."""

    code = "referral_transition_refused"
    field = "status"

    def default_message(self) -> str:
        return _("The status of this referral cannot be changed like that.")


class PartnerAccountUsernameTaken(PartnerError):
    code = "partner_account_username_taken"
    field = "username"

    def default_message(self) -> str:
        return _("This user name is already in use. Choose another one.")
