"""Dutch phone numbers for people who sign up without an account (a name and a phone
number only: many in these target groups have no e-mail address).

One rule for every door and service: a number is valid when, written nationally, it has
ten digits and starts with a single 0 (06 12345678, 030 123 4567, 0800 1234567). People
type numbers in many ways, so spaces, dashes, dots, brackets and the country code
(+31, 0031, +31 (0)) are accepted and dropped. Stored normalised as ten digits
("0612345678"), so that two ways of typing one number are the same number; shown in
groups with :func:`phone_display`.

Shared by the consultation hours and the activities (helper ``activities`` may hold a
copy of this module; keep one when merging).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE_INVALID_MESSAGE = _(
    "Enter a Dutch phone number of 10 digits, such as 06 12345678 or 030 123 4567."
)
PHONE_INVALID_CODE = "invalid_phone"

# What people put between digits; removed before the digits are checked.
_SEPARATORS = re.compile(r"[\s\-./()\u00a0]+")
# The country code as people type it: +31, 0031, and the "(0)" some add after it.
_COUNTRY = re.compile(r"^(?:\+|00)31(?:\(0\)|0)?")
_NATIONAL = re.compile(r"^0[1-9][0-9]{8}$")
# Mobile numbers (06) are written 06 1234 5678; the rest by their area code.
_THREE_DIGIT_AREAS: tuple[str, ...] = (
    "010", "013", "015", "020", "023", "024", "026", "030", "033", "035",
    "036", "038", "040", "043", "045", "046", "050", "053", "055", "058",
    "070", "071", "072", "073", "074", "075", "076", "077", "078", "079",
)  # fmt: skip


def phone_normalise(value: str) -> str:
    """The number as ten national digits ("0612345678"); raises :class:`ValidationError`
    (code ``invalid_phone``) with a message a person can act on."""
    text = (value or "").strip()
    compact = _COUNTRY.sub("0", text.replace(" ", "").replace("\u00a0", ""))
    compact = _SEPARATORS.sub("", compact)
    if not _NATIONAL.match(compact):
        raise ValidationError(PHONE_INVALID_MESSAGE, code=PHONE_INVALID_CODE)
    return compact


def phone_or_none(value: str) -> str | None:
    """The normalised number, or None when ``value`` is not a Dutch phone number."""
    try:
        return phone_normalise(value)
    except ValidationError:
        return None


def validate_phone(value: str) -> None:
    """A form and model field validator."""
    phone_normalise(value)


def phone_display(value: str) -> str:
    """A stored number in the groups people read aloud: 06 1234 5678, 030 123 4567."""
    if not _NATIONAL.match(value or ""):
        return value
    if value.startswith("06"):
        return f"{value[:2]} {value[2:6]} {value[6:]}"
    if value.startswith(_THREE_DIGIT_AREAS):
        return f"{value[:3]} {value[3:6]} {value[6:]}"
    return f"{value[:4]} {value[4:7]} {value[7:]}"
