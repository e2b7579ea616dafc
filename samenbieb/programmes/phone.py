"""Dutch phone numbers: people without an account leave a name and a phone number only, so
the number has to be one we can really call or text.

Accepted: a Dutch number of ten digits starting with 0 (``06 12345678``, ``030-1234567``),
or the same number in international form (``+31 6 12345678``, ``0031 6 12345678``);
spaces, dashes, dots and brackets are ignored. Service numbers (0800, 0900 …) reach no
person and are refused. Stored in E.164 form (``+31612345678``), which an SMS gateway
takes as it is.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from samenbieb.programmes.errors import InvalidPhone

_SEPARATORS = re.compile(r"[\s\-.()/]")
# The national significant number: nine digits, the first not a zero.
_NATIONAL = re.compile(r"^[1-9][0-9]{8}$")
# Premium, free and other service ranges: no person answers these.
_SERVICE_PREFIXES = ("800", "900", "906", "909", "84", "85", "87", "88", "91")


def phone_normalise(value: str) -> str:
    """``value`` as ``+31…`` (E.164), or :class:`InvalidPhone` with a message to act on."""
    compact = _SEPARATORS.sub("", value or "")
    if compact.startswith("+31"):
        national = compact[3:]
    elif compact.startswith("0031"):
        national = compact[4:]
    elif compact.startswith("0"):
        national = compact[1:]
    else:
        national = ""
    # "+31 (0)6 …" is written often enough to forgive.
    if len(national) == 10 and national.startswith("0") and not compact.startswith("0"):
        national = national[1:]
    if not compact:
        raise InvalidPhone(_("Fill in a phone number, so we can reach you about the activity."))
    if not _NATIONAL.match(national) or national.startswith(_SERVICE_PREFIXES):
        raise InvalidPhone(
            _(
                "This is not a Dutch phone number we can call. Write ten digits, "
                "for example 06 12345678 or 030 1234567."
            )
        )
    return f"+31{national}"


def phone_is_mobile(e164: str) -> bool:
    """Whether a normalised number is a Dutch mobile number (one that receives texts)."""
    return e164.startswith("+316")


# Area codes of three digits (the rest have four); mobile numbers are written 06 1234 5678.
_THREE_DIGIT_AREAS: tuple[str, ...] = (
    "010", "013", "015", "020", "023", "024", "026", "030", "033", "035",
    "036", "038", "040", "043", "045", "046", "050", "053", "055", "058",
    "070", "071", "072", "073", "074", "075", "076", "077", "078", "079",
)  # fmt: skip


def phone_display(e164: str) -> str:
    """A stored number in the groups people read aloud: 06 1234 5678, 030 123 4567."""
    if not e164.startswith("+31") or len(e164) != 12:
        return e164
    national = "0" + e164[3:]
    if national.startswith("06"):
        return f"{national[:2]} {national[2:6]} {national[6:]}"
    if national.startswith(_THREE_DIGIT_AREAS):
        return f"{national[:3]} {national[3:6]} {national[6:]}"
    return f"{national[:4]} {national[4:7]} {national[7:]}"


PHONE_INVALID_CODE = "invalid_phone"


def phone_or_none(value: str) -> str | None:
    """The normalised number, or None when ``value`` is not a Dutch phone number."""
    try:
        return phone_normalise(value)
    except InvalidPhone:
        return None


def validate_phone(value: str) -> None:
    """A form and model field validator."""
    try:
        phone_normalise(value)
    except InvalidPhone as invalid:
        raise ValidationError(str(invalid.message), code=PHONE_INVALID_CODE) from None
