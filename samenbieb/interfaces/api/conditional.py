"""Conditional requests (RFC 9110 §13): ETags from a row version, 304 and 412."""

from __future__ import annotations

import hashlib

from django.http import HttpRequest

from samenbieb.interfaces.api.errors import PreconditionFailed


def etag(*version: object) -> str:
    """A strong entity tag from the parts of a row version (id, updated_at, …)."""
    digest = hashlib.sha256("|".join(str(part) for part in version).encode()).hexdigest()
    return f'"{digest[:32]}"'


def _tags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def not_modified(request: HttpRequest, tag: str) -> bool:
    """True when ``If-None-Match`` names ``tag`` (or ``*``): answer 304 to a GET."""
    header = request.headers.get("If-None-Match")
    if header is None:
        return False
    tags = _tags(header)
    return "*" in tags or tag in tags


def require_match(request: HttpRequest, tag: str) -> None:
    """Raise :class:`PreconditionFailed` (412) when ``If-Match`` is sent and does not name
    ``tag``; weak tags never match (strong comparison, RFC 9110 §13.1.1)."""
    header = request.headers.get("If-Match")
    if header is None:
        return
    tags = {part.strip() for part in header.split(",") if part.strip()}
    if "*" not in tags and tag not in tags:
        raise PreconditionFailed()
