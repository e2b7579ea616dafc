"""Slow down password guessing: failed member logins counted per login name.

The login name (card number or e-mail address) is stored only as a keyed hash, and an
unknown name is counted exactly like a known one, so the throttle tells nobody which
names exist.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.utils import timezone

from samenbieb.members.models import FailedLogin

# Rows older than this are of no use to any window; one recording in this many prunes them.
KEEP = dt.timedelta(days=1)
PRUNE_ONE_IN = 50


def login_name_normalise(identifier: str) -> str:
    """Card numbers and e-mail addresses without spaces and case, as a member may type them."""
    return "".join(identifier.split()).casefold()


def login_key(identifier: str) -> str:
    """The keyed hash that stands for a login name in the FailedLogin table."""
    return hmac.new(
        settings.SECRET_KEY.encode(),
        login_name_normalise(identifier).encode(),
        hashlib.sha256,
    ).hexdigest()


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.MEMBER_LOGIN_WINDOW_MINUTES)


def login_blocked_until(identifier: str, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """When the name may be tried again, or None if it may be tried now."""
    now = now or timezone.now()
    limit = settings.MEMBER_LOGIN_MAX_FAILURES
    recent = list(
        FailedLogin.objects.filter(key=login_key(identifier), attempted_at__gt=now - _window())
        .order_by("-attempted_at")
        .values_list("attempted_at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    # Allowed again once the oldest of the last `limit` failures leaves the window.
    return recent[-1] + _window()


def login_failure_record(identifier: str, *, now: dt.datetime | None = None) -> None:
    """Count one failed login for the name; now and then forget failures nobody needs."""
    FailedLogin.objects.create(key=login_key(identifier))
    if secrets.randbelow(PRUNE_ONE_IN) == 0:
        failed_logins_prune(now=now)


def login_failures_clear(identifier: str) -> None:
    """A successful login forgives the name's earlier failures."""
    FailedLogin.objects.filter(key=login_key(identifier)).delete()


def failed_logins_prune(*, now: dt.datetime | None = None) -> int:
    """Delete failures older than any window needs; returns how many went."""
    now = now or timezone.now()
    cutoff = now - max(KEEP, _window())
    deleted, _ = FailedLogin.objects.filter(attempted_at__lt=cutoff).delete()
    return deleted
