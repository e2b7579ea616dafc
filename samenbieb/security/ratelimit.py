"""Rate limits shared by every door: sliding windows counted in the database.

A limit is ``count`` hits per ``window`` for one *scope* (``staff_login``, ``oidc_token``,
``consult_booking``, ``public_api``) and one key within it (a login name, a client
address). The database is the counter, so every web worker, the SIP2 server and every
app server behind a load balancer share it. Keys are stored as keyed hashes only.

Limits are configured in ``settings.RATE_LIMITS`` as ``"COUNT/WINDOW"`` (``"10/15m"``,
``"60/1m"``, ``"20/1h"``). A door adds a limit with :func:`rate_limited` (whole requests)
or with :func:`limit_blocked_until` / :func:`limit_hit` (only failures count).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import math
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from samenbieb.security.models import RateLimitHit

PRUNE_ONE_IN = 50
_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Limit:
    scope: str
    count: int
    window: dt.timedelta


def limit_parse(scope: str, spec: str) -> Limit:
    """``"10/15m"`` → at most 10 hits in any 15 minutes."""
    match = _SPEC.match(spec)
    if match is None or int(match[1]) < 1 or int(match[2]) < 1:
        raise ValueError(f"rate limit {scope!r}: expected COUNT/WINDOW like 10/15m, got {spec!r}")
    seconds = int(match[2]) * _UNITS[match[3]]
    return Limit(scope=scope, count=int(match[1]), window=dt.timedelta(seconds=seconds))


def limit_for(scope: str) -> Limit:
    """The configured limit of ``scope`` (read at call time, so tests can change it)."""
    return limit_parse(scope, settings.RATE_LIMITS[scope])


def _key(limit: Limit, value: str) -> str:
    message = f"{limit.scope}\x00{value}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def limit_blocked_until(
    limit: Limit, value: str, *, now: dt.datetime | None = None
) -> dt.datetime | None:
    """When ``value`` may try again, or None if it may try now."""
    now = now or timezone.now()
    recent = list(
        RateLimitHit.objects.filter(key=_key(limit, value), at__gt=now - limit.window)
        .order_by("-at")
        .values_list("at", flat=True)[: limit.count]
    )
    if len(recent) < limit.count:
        return None
    # Free again once the oldest of the last `count` hits leaves the window.
    return recent[-1] + limit.window


def limit_hit(limit: Limit, value: str, *, now: dt.datetime | None = None) -> None:
    """Count one hit for ``value``; now and then forget hits no window needs any more."""
    now = now or timezone.now()
    RateLimitHit.objects.create(key=_key(limit, value), at=now)
    if secrets.randbelow(PRUNE_ONE_IN) == 0:
        hits_prune(now=now)


def limit_clear(limit: Limit, value: str) -> None:
    """Forget the hits of ``value`` (a successful login forgives earlier failures)."""
    RateLimitHit.objects.filter(key=_key(limit, value)).delete()


def limit_take(limit: Limit, value: str, *, now: dt.datetime | None = None) -> dt.datetime | None:
    """Count a hit if one is free; returns None when taken, else when the next is free."""
    now = now or timezone.now()
    blocked = limit_blocked_until(limit, value, now=now)
    if blocked is None:
        limit_hit(limit, value, now=now)
    return blocked


def hits_prune(*, now: dt.datetime | None = None) -> int:
    """Delete hits older than the longest configured window (at least a day)."""
    now = now or timezone.now()
    longest = max(
        [dt.timedelta(days=1)]
        + [limit_for(scope).window for scope in getattr(settings, "RATE_LIMITS", {})]
    )
    deleted, _ = RateLimitHit.objects.filter(at__lt=now - longest).delete()
    return deleted


def client_address(request: HttpRequest) -> str:
    """The address the request came from, as the web server in front of us saw it.

    ``SAMENBIEB_CLIENT_ADDRESS_HEADER`` unset: ``REMOTE_ADDR``. A proxy's forwarding header
    is only believed when an operator named it, because anyone can send one.
    """
    header = getattr(settings, "RATE_LIMIT_CLIENT_HEADER", "")
    if header:
        forwarded = request.META.get(header, "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return str(request.META.get("REMOTE_ADDR", ""))


def retry_seconds(until: dt.datetime, *, now: dt.datetime | None = None) -> int:
    return max(1, math.ceil((until - (now or timezone.now())).total_seconds()))


def too_many(
    request: HttpRequest,
    until: dt.datetime,
    *,
    as_json: bool,
    status: int = 429,
    plain: bool = False,
) -> HttpResponse:
    """429 Too Many Requests, with Retry-After, as a page or as an API problem.

    ``plain`` with ``status`` serve harvesters: OAI-PMH's flow control is HTTP 503 with
    Retry-After, which harvesting clients wait out and retry by themselves.
    """
    seconds = retry_seconds(until)
    response: HttpResponse
    if plain:
        response = HttpResponse(
            f"Too many requests: retry after {seconds} seconds.\n",
            status=status,
            content_type="text/plain; charset=utf-8",
        )
    elif as_json:
        response = JsonResponse(
            {
                "type": "about:blank",
                "title": "Too Many Requests",
                "status": 429,
                "code": "rate_limited",
                "retry_after": seconds,
            },
            status=429,
            content_type="application/problem+json",
        )
    else:
        response = render(
            request,
            "security/429.html",
            {"retry_at": timezone.localtime(until)},
            status=429,
        )
    response["Retry-After"] = str(seconds)
    return response


def rate_limited(
    scope: str,
    *,
    methods: Iterable[str] | None = None,
    key: Callable[[HttpRequest], str] = client_address,
    as_json: bool = False,
    status: int = 429,
    plain: bool = False,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Refuse a view with 429 once ``key(request)`` used up the limit of ``scope``.

    ``methods`` limits counting to those methods (``("POST",)`` for a booking form whose
    page may be read freely); None counts every request.
    """
    counted = {method.upper() for method in methods} if methods is not None else None

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if counted is None or request.method in counted:
                until = limit_take(limit_for(scope), key(request))
                if until is not None:
                    return too_many(request, until, as_json=as_json, status=status, plain=plain)
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def login_blocked_until(
    request: HttpRequest, *, name: str, scope: str, address_scope: str
) -> dt.datetime | None:
    """When a login with ``name`` from this client may be tried again (None: now).

    Failures count per login name (``scope``) and per client address over all names
    (``address_scope``), so neither guessing one account nor spraying many is free.
    """
    moments = [limit_blocked_until(limit_for(address_scope), client_address(request))]
    if name:
        moments.append(limit_blocked_until(limit_for(scope), _login_name(name)))
    blocked = [moment for moment in moments if moment is not None]
    return max(blocked) if blocked else None


def login_failed(request: HttpRequest, *, name: str, scope: str, address_scope: str) -> None:
    limit_hit(limit_for(address_scope), client_address(request))
    if name:
        limit_hit(limit_for(scope), _login_name(name))


def login_succeeded(*, name: str, scope: str) -> None:
    limit_clear(limit_for(scope), _login_name(name))


def _login_name(name: str) -> str:
    return "".join(name.split()).casefold()
