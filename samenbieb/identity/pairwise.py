"""Pairwise subject identifiers (OpenID Connect Core §8.1).

A member's ``sub`` at a service is a keyed hash of the service's sector and the member's
id, so two services in different sectors cannot tell that they serve the same person,
and nobody without the key can go back from ``sub`` to the member.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from django.conf import settings


def pairwise_subject(*, sector: str, person_id: int, key: str | None = None) -> str:
    """HMAC-SHA256(pairwise key, sector ‖ person id), base64url without padding."""
    if not sector:
        raise ValueError("a pairwise subject needs a sector")
    secret = key if key is not None else settings.OIDC_PAIRWISE_KEY
    # A newline cannot occur in a host name or a sector, so no two (sector, id) pairs
    # give the same message.
    message = f"{sector}\n{person_id}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
