"""Refusals of the privacy services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samenbieb.core.errors import DomainError
from samenbieb.privacy.registry import Blocker


class ErasureBlocked(DomainError):
    """Something is still outstanding; ``blockers`` says exactly what."""

    code = "erasure_blocked"

    def __init__(self, blockers: list[Blocker]) -> None:
        super().__init__(_("Your account cannot be removed yet."))
        self.blockers = blockers


class AlreadyErased(DomainError):
    code = "already_erased"

    def __init__(self) -> None:
        super().__init__(_("This account has already been removed."))
