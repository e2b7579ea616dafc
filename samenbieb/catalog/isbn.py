"""ISBN, ISSN and EAN: check digits and normal forms. Pure functions, no Django.

Catalogue records carry identifiers the way they were typed: ``"90-274-3902-6 (pbk.)"``,
``"978 90 274 3902 4"``, ``"0317-8471"``. A library scans the barcode on the back of the
book (an EAN-13), so every ISBN is kept as its 13-digit form; ISSNs keep their hyphen.
"""

from __future__ import annotations

import re

# The identifier itself, before qualifiers such as "(pbk.)", "pbk", ": €19.95" or "hardcover".
_ISBN_CANDIDATE = re.compile(r"(?<!\d)(?:97[89][\s-]?)?(?:\d[\s-]?){9}[\dXx](?!\d)")
_ISSN_CANDIDATE = re.compile(r"(?<!\d)\d{4}[\s-]?\d{3}[\dXx](?!\d)")
_EAN_CANDIDATE = re.compile(r"(?<!\d)(?:\d[\s-]?){12}\d(?!\d)")


def _isbn10_check_digit(first_nine: str) -> str:
    total = sum((10 - index) * int(digit) for index, digit in enumerate(first_nine))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def _ean13_check_digit(first_twelve: str) -> str:
    total = sum(int(digit) * (3 if index % 2 else 1) for index, digit in enumerate(first_twelve))
    return str((10 - total % 10) % 10)


def _issn_check_digit(first_seven: str) -> str:
    total = sum((8 - index) * int(digit) for index, digit in enumerate(first_seven))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def _compact(value: str) -> str:
    return value.replace("-", "").replace(" ", "").upper()


def is_valid_isbn10(value: str) -> bool:
    """True for ten characters (hyphens and spaces ignored) with a correct check digit."""
    compact = _compact(value)
    return (
        len(compact) == 10
        and compact[:9].isdigit()
        and compact[9] in "0123456789X"
        and _isbn10_check_digit(compact[:9]) == compact[9]
    )


def is_valid_isbn13(value: str) -> bool:
    """True for a 978/979 EAN of 13 digits (hyphens and spaces ignored) with a correct check."""
    compact = _compact(value)
    return is_valid_ean13(compact) and compact[:3] in ("978", "979")


def is_valid_ean13(value: str) -> bool:
    """True for 13 digits (hyphens and spaces ignored) with a correct EAN check digit."""
    compact = _compact(value)
    return (
        len(compact) == 13
        and compact.isdigit()
        and compact.isascii()
        and _ean13_check_digit(compact[:12]) == compact[12]
    )


def isbn10_to_isbn13(isbn10: str) -> str:
    """The 978-prefixed 13-digit form of a valid ISBN-10; raises ValueError otherwise."""
    if not is_valid_isbn10(isbn10):
        raise ValueError(f"not a valid ISBN-10: {isbn10!r}")
    first_twelve = "978" + _compact(isbn10)[:9]
    return first_twelve + _ean13_check_digit(first_twelve)


def normalise_isbn(value: str) -> str | None:
    """The 13-digit ISBN in ``value`` (e.g. a MARC 020 $a), or None when it holds none valid.

    Hyphens, spaces and qualifiers ("(pbk.)", "hardcover : €19.95") are dropped; an ISBN-10
    becomes its ISBN-13. A wrong check digit makes the value invalid, not "corrected".
    """
    if not value:
        return None
    for match in _ISBN_CANDIDATE.finditer(value):
        compact = _compact(match.group())
        if not compact.isascii():
            continue
        if len(compact) == 13 and is_valid_isbn13(compact):
            return compact
        if len(compact) == 10 and is_valid_isbn10(compact):
            return isbn10_to_isbn13(compact)
    return None


def normalise_issn(value: str) -> str | None:
    """The ISSN in ``value`` as ``NNNN-NNNC`` (check character X upper case), or None."""
    if not value:
        return None
    for match in _ISSN_CANDIDATE.finditer(value):
        compact = _compact(match.group())
        if compact.isascii() and _issn_check_digit(compact[:7]) == compact[7]:
            return f"{compact[:4]}-{compact[4:]}"
    return None


def is_valid_issn(value: str) -> bool:
    """True for an ISSN (with or without hyphen) whose check character is correct."""
    compact = _compact(value)
    return (
        len(compact) == 8
        and compact[:7].isdigit()
        and compact.isascii()
        and compact[7] in "0123456789X"
        and _issn_check_digit(compact[:7]) == compact[7]
    )


def normalise_ean(value: str) -> str | None:
    """The 13-digit EAN in ``value`` (e.g. a MARC 024 3_ $a), or None when it holds none valid."""
    if not value:
        return None
    for match in _EAN_CANDIDATE.finditer(value):
        compact = _compact(match.group())
        if is_valid_ean13(compact):
            return compact
    return None
