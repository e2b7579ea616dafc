"""Typed errors of the circulation domain."""

from __future__ import annotations

from django.utils.functional import Promise

from samenbieb.core.errors import DomainError


class CirculationError(DomainError):
    code = "circulation_error"
    field: str | None = None


class InvalidCharge(CirculationError):
    code = "invalid_charge"

    def __init__(self, message: str | Promise) -> None:
        super().__init__(message)


class InvalidCirculationRule(CirculationError):
    """A rule that breaks the matrix: a duplicate, a foreign plan, a negative amount."""

    code = "invalid_circulation_rule"

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
