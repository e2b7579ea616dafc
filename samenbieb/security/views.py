"""``/.well-known/security.txt`` (RFC 9116): where to report a vulnerability."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe


def security_txt_lines(*, canonical: str, now: dt.datetime | None = None) -> list[str]:
    """The fields of security.txt; Expires moves with the clock so it never lapses."""
    now = now or timezone.now()
    config: dict[str, Any] = settings.SECURITY_TXT
    expires = (now + dt.timedelta(days=int(config["EXPIRES_DAYS"]))).astimezone(dt.UTC)
    lines = [f"Contact: {contact}" for contact in config["CONTACT"]]
    lines.append(f"Expires: {expires.replace(microsecond=0).strftime('%Y-%m-%dT%H:%M:%SZ')}")
    if config.get("POLICY"):
        lines.append(f"Policy: {config['POLICY']}")
    lines.append(f"Preferred-Languages: {config['LANGUAGES']}")
    lines.append(f"Canonical: {canonical}")
    return lines


@require_safe
def security_txt(request: HttpRequest) -> HttpResponse:
    base = settings.PUBLIC_URL or f"{request.scheme}://{request.get_host()}"
    lines = security_txt_lines(canonical=f"{base}/.well-known/security.txt")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
