"""Item barcodes: what a scanner sends, cleaned up to the one form we store."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from samenbieb.holdings.errors import InvalidBarcode

MIN_LENGTH = 4
MAX_LENGTH = 32
_VALID = re.compile(rf"^[A-Z0-9]{{{MIN_LENGTH},{MAX_LENGTH}}}$")


def barcode_normalise(raw: str) -> str:
    """The stored form of a scanned or typed barcode; raises :class:`InvalidBarcode`.

    Scanners add a carriage return, tab or spaces around the code, and people type
    groups with spaces, so all whitespace goes; letters become upper case.
    """
    barcode = "".join(raw.split()).upper()
    if not barcode:
        raise InvalidBarcode(_("Enter or scan a barcode."))
    if not _VALID.match(barcode):
        raise InvalidBarcode(
            _(
                "“%(barcode)s” is not a valid barcode. A barcode has %(min)s to %(max)s "
                "letters (A to Z) and digits, and no other signs."
            )
            % {"barcode": barcode[: MAX_LENGTH + 8], "min": MIN_LENGTH, "max": MAX_LENGTH}
        )
    return barcode


def barcode_or_none(raw: str) -> str | None:
    """The stored form, or ``None`` when ``raw`` cannot be a barcode (for look-ups)."""
    try:
        return barcode_normalise(raw)
    except InvalidBarcode:
        return None
