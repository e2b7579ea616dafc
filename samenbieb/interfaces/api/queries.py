"""Reads of the API door: which staff API token a request carries."""

from __future__ import annotations

import datetime as dt
import hmac

from django.utils import timezone

from samenbieb.interfaces.api.models import ApiToken
from samenbieb.interfaces.api.services import TOKEN_PREFIX, token_hash


def api_token_active(secret: str, *, now: dt.datetime | None = None) -> ApiToken | None:
    """The unrevoked, unexpired token ``secret`` whose maker's account is still active."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    digest = token_hash(secret)
    token = (
        ApiToken.objects.select_related("created_by", "organisation")
        .filter(token_hash=digest, revoked_at__isnull=True, expires_at__gt=now or timezone.now())
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    if not token.created_by.is_active or not token.organisation.is_active:
        return None
    return token
