"""Rate limits per client on a cache all processes share (the database by default).

A member is counted per member and connected service, a staff token per token, anyone
else per address. Each client gets ``N`` requests per fixed window; over that, 429 with
``Retry-After`` (django-ninja sets the header from :meth:`ApiThrottle.wait`). Rates come
from ``settings.API["RATES"]`` when a request arrives.

Fixed windows cost one cache read and one write per request (six small queries on the
database cache). There two simultaneous requests can both count as one (its ``incr`` is
read-then-write): a limit is a guard against floods, not an exact meter. Redis counts
exactly.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

CACHE_ALIAS = "api"
PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"120/min"`` → (120, 60)."""
    count, _slash, period = rate.partition("/")
    return int(count), PERIODS[period]


class ApiThrottle(BaseThrottle):
    """One instance serves every request of an operation, in any thread: the only state
    it keeps between ``allow_request`` and ``wait`` is per thread."""

    def __init__(self) -> None:
        self._local = threading.local()

    def who(self, request: HttpRequest) -> tuple[str, str]:
        auth = getattr(request, "auth", None)
        kind = getattr(auth, "throttle_kind", None)
        if kind is not None:
            return str(kind), str(auth.throttle_ident)  # type: ignore[union-attr]
        return "anonymous", str(self.get_ident(request))

    def allow_request(self, request: HttpRequest) -> bool:
        kind, ident = self.who(request)
        limit, seconds = parse_rate(settings.API["RATES"][kind])
        now = time.time()
        window = int(now // seconds)
        key = f"api-throttle:{kind}:{ident}:{seconds}:{window}"
        cache: Any = caches[CACHE_ALIAS]
        try:
            count = cache.incr(key)
        except ValueError:
            # The first request of this window, unless another process just started it.
            count = 1 if cache.add(key, 1, timeout=seconds + 1) else cache.incr(key)
        self._local.wait = (window + 1) * seconds - now
        return bool(count <= limit)

    def wait(self) -> float | None:
        return float(math.ceil(getattr(self._local, "wait", 1.0)))
