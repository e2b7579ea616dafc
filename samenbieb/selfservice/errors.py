"""Typed errors of self-service machine accounts."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samenbieb.core.errors import DomainError


class KioskError(DomainError):
    code = "kiosk_error"


class InvalidKioskLogin(KioskError):
    """Unknown name, wrong password or a switched-off machine: one answer for all three."""

    code = "invalid_kiosk_login"

    def __init__(self) -> None:
        super().__init__(_("The machine's login name and password do not match."))


class KioskAddressNotAllowed(KioskError):
    code = "kiosk_address_not_allowed"

    def __init__(self) -> None:
        super().__init__(_("This machine may not connect from this address."))


class InvalidKiosk(KioskError):
    code = "invalid_kiosk"

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
