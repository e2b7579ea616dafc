"""The access link of a digital resource and its QR code for posters.

The link names only the resource's token on our own site; the provider's address stays
behind the member login. QR codes are drawn with segno (pure Python, no Pillow).
"""

from __future__ import annotations

import io
import uuid

import segno
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

# Medium error correction, raised by segno when that does not make the symbol bigger; a
# quiet zone of four modules, as the standard asks, so phones find the code on a poster.
ERROR_CORRECTION = "m"
BORDER = 4
SVG_SCALE = 10
# 16 pixels per module: about 700 pixels wide, sharp at 6 cm when printed at 300 dpi.
PNG_SCALE = 16


def access_link(token: uuid.UUID | str, request: HttpRequest | None = None) -> str:
    """The absolute address members open: ``PUBLIC_URL`` if set, else the request's host."""
    path = reverse("portal:digital_access", args=[token])
    base = getattr(settings, "PUBLIC_URL", "")
    if base:
        return f"{base}{path}"
    if request is None:
        raise ValueError("without PUBLIC_URL an access link needs the request's host")
    return request.build_absolute_uri(path)


def _symbol(link: str) -> segno.QRCode:
    return segno.make(link, error=ERROR_CORRECTION, micro=False)


def qr_svg(link: str, *, title: str = "") -> bytes:
    """A scalable QR code of ``link`` on a white background, for print."""
    out = io.BytesIO()
    _symbol(link).save(
        out, kind="svg", scale=SVG_SCALE, border=BORDER, light="#fff", title=title or None
    )
    return out.getvalue()


def qr_png(link: str) -> bytes:
    """A black-and-white PNG of the QR code of ``link``."""
    out = io.BytesIO()
    _symbol(link).save(out, kind="png", scale=PNG_SCALE, border=BORDER)
    return out.getvalue()


def access_link_or_path(token: uuid.UUID | str) -> str:
    """The absolute access link when ``PUBLIC_URL`` is set, else its path on this site."""
    path = reverse("portal:digital_access", args=[token])
    base = getattr(settings, "PUBLIC_URL", "")
    return f"{base}{path}" if base else path
