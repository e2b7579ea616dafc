"""The identity key: how we notice that someone being registered may already exist.

Two registrations of the same person rarely look identical: "Jan-Willem van der Berg",
"jan willem Van der berg", "Jan Willem Vanderberg"; accents come and go (Zoë, Zoe) and
postcodes are typed with or without a space. The key folds all of that away, so the
desk is warned before one person gets a second identity.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
MAX_LENGTH = 300


def _fold(text: str) -> str:
    """Lower case, accents stripped (é → e, ß → ss), every other sign a single space."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_ALNUM.sub(" ", plain).strip()


def identity_key(
    *,
    given_name: str,
    family_name: str,
    birth_date: dt.date,
    postcode: str,
    name_prefix: str = "",
) -> str:
    """The normalised key of a person: family name (prefix folded in), first name, birth
    date and postcode.

    A name prefix ("van der") counts as part of the family name whether it was entered
    apart or not, and spaces and hyphens inside names do not count: "van der Berg",
    "Van der Berg" and "Vanderberg" are the same family name.
    """
    family = _fold(f"{name_prefix} {family_name}").replace(" ", "")
    given = _fold(given_name).replace(" ", "")
    compact_postcode = "".join(postcode.split()).upper()
    return f"{family}|{given}|{birth_date.isoformat()}|{compact_postcode}"[:MAX_LENGTH]
