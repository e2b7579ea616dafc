"""Typed errors of connected services and member logins to them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext_lazy as _

from samenbieb.core.errors import DomainError


class IdentityError(DomainError):
    code = "identity_error"


class InvalidService(IdentityError):
    """The registration of a connected service is not valid; ``errors`` per field."""

    code = "invalid_service"

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        self.errors = {name: [str(text) for text in texts] for name, texts in errors.items()}
        super().__init__(_("The connected service cannot be saved. Check the marked fields."))


class ServiceRefused(IdentityError):
    """A member may not log in to connected services right now."""

    code = "service_refused"


class MembershipNotValid(ServiceRefused):
    code = "membership_not_valid"

    def __init__(self) -> None:
        super().__init__(
            _(
                "Your membership is not valid at the moment, so you cannot use this service "
                "through your library. Renew your membership at the desk of your library, "
                "then try again."
            )
        )


class AccountNotUsable(ServiceRefused):
    code = "account_not_usable"

    def __init__(self) -> None:
        super().__init__(_("This account cannot be used. Please ask at the desk of your library."))
