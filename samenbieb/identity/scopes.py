"""The scopes a connected service can ask for, and the claims each one releases.

One table, read by the validator (which claims go out), the scopes backend (what a
service may ask for), the consent screen (what a member is told) and discovery.
Every claim is the minimum a service needs; the date of birth never leaves, only an
age band.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from oauth2_provider.scopes import BaseScopes

OPENID = "openid"
# Member self-service through the REST API: loans, renewals, holds and charges.
ACCOUNT = "account"

# scope → (short description for administrators, what the member is told they share)
SCOPES: dict[str, tuple[Any, Any]] = {
    OPENID: (
        _("Log in: a number for this service only"),
        _("That you are a member, through a number that only this service gets."),
    ),
    "profile": (_("Name"), _("Your first name and last name.")),
    "email": (
        _("E-mail address"),
        _("Your e-mail address, and whether you have confirmed it."),
    ),
    "library": (
        _("Home library and whether the membership is valid"),
        _("Which library you are a member of, and whether your membership is valid."),
    ),
    "age_band": (
        _("Age group"),
        _("Your age group (for example 13–17 or 18–64), not your date of birth."),
    ),
    ACCOUNT: (
        _("My account: loans, renewals, holds and charges"),
        _(
            "See what you have borrowed, reserved and still have to pay, renew your loans, "
            "and place and cancel holds for you."
        ),
    ),
}

# claim → the scope that releases it
CLAIM_SCOPES: dict[str, str] = {
    "sub": OPENID,
    "name": "profile",
    "given_name": "profile",
    "family_name": "profile",
    "email": "email",
    "email_verified": "email",
    "library": "library",
    "membership_valid": "library",
    "age_band": "age_band",
}


def scope_choices() -> list[tuple[str, Any]]:
    return [(name, label) for name, (label, _member_text) in SCOPES.items()]


def member_texts(scopes: list[str]) -> list[Any]:
    """What the member is told they share, in the order of :data:`SCOPES`."""
    return [member_text for name, (_label, member_text) in SCOPES.items() if name in scopes]


class ServiceScopes(BaseScopes):
    """DOT's scopes backend: a service may ask only for the scopes it is registered for.

    Asking for more makes oauthlib answer ``invalid_scope``.
    """

    def get_all_scopes(self) -> dict[str, str]:
        return {name: str(label) for name, (label, _member_text) in SCOPES.items()}

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        if application is None:
            return list(SCOPES)
        return [name for name in application.scope_list if name in SCOPES]

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return [OPENID]
