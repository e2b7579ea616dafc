"""Errors of the API door itself (its tokens and requests); domain refusals keep their own."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from samenbieb.core.errors import DomainError


class InvalidApiToken(DomainError):
    """A staff API token that cannot be made as asked (unknown capability, bad expiry)."""

    code = "invalid_api_token"

    def __init__(self, message: str | Promise) -> None:
        super().__init__(message)


class InsufficientScope(DomainError):
    """A valid member token without the scope an operation needs (RFC 6750 §3.1)."""

    code = "insufficient_scope"

    def __init__(self, scope: str) -> None:
        super().__init__(
            _("This token may not do this: it lacks the scope “%(scope)s”.") % {"scope": scope}
        )
        self.scope = scope


class InvalidCursor(DomainError):
    code = "invalid_cursor"

    def __init__(self) -> None:
        super().__init__(_("This cursor is not valid. Start again from the first page."))


class PreconditionFailed(DomainError):
    code = "precondition_failed"

    def __init__(self) -> None:
        super().__init__(_("It was changed in the meantime. Fetch it again and retry."))
