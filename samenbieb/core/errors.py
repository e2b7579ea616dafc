"""Typed domain errors with stable codes that every door can translate."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A business rule refused an action.

    ``code`` is stable and machine-readable (API problem types, SIP2 screen messages,
    tests); ``message`` is translatable text a person can act on.
    """

    code: str = "domain_error"

    def __init__(self, message: str | Promise, *, code: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code


class NotPermitted(DomainError):
    """The actor may not do this for this organisation."""

    code = "not_permitted"


class NotFound(DomainError):
    """The object does not exist or is outside what the actor may see (deliberately the same)."""

    code = "not_found"
