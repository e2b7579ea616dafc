"""Text helpers both backends share: normalising, Dutch word variants, stop words, ISBNs."""

from __future__ import annotations

import re
import unicodedata

# PostgreSQL's dutch.stop, so both backends ignore the same words outside phrases.
STOP_WORDS = frozenset(
    """de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er
    maar om hem dan zou of wat mijn men dit zo door over ze zich bij ook tot je mij uit der
    daar haar naar heb hoe heeft hebben deze u want nog zal me zij nu ge geen omdat iets
    worden toch al waren veel meer doen toen moet ben zonder kan hun dus alles onder ja eens
    hier wie werd altijd doch wordt wezen kunnen ons zelf tegen na reeds wil kon niets uw
    iemand geweest andere""".split()  # noqa: SIM905 - the list as PostgreSQL ships it
)

# Letters that Unicode does not decompose but unaccent does.
_FOLD = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d"})
_WORD = re.compile(r"[^\W_]+")


def normalise(text: str) -> str:
    """Lower case without diacritics: "Café Ø" → "cafe o"."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """The normalised words of ``text``; punctuation separates words."""
    return _WORD.findall(normalise(text))


def key(text: str) -> str:
    """A comparison key for exact matches: "De fiets, van Oma!" → "de fiets van oma"."""
    return " ".join(words(text))


def variants(word: str) -> list[str]:
    """The word and its likely singular/plural partner, each to be stemmed by a backend.

    The Snowball Dutch stemmer takes "fietsen" to "fiets" but "fiets" to "fiet", so a stem
    alone does not join singular and plural; searching for both forms does.
    """
    forms = [word]
    if len(word) > 4 and word.endswith("en"):
        forms.append(word[:-2])
    elif len(word) > 3 and word.endswith("s"):
        forms.append(word[:-1])
    elif len(word) > 2:
        forms.append(word + "en")
    return forms


def isbn_forms(value: str) -> list[str]:
    """The digit forms an ISBN may be stored under: as given, as ISBN-13 and as ISBN-10."""
    digits = re.sub(r"[^0-9Xx]", "", value).upper()
    forms = [digits] if digits else []
    if len(digits) == 10 and digits[:9].isdigit():
        core = "978" + digits[:9]
        forms.append(core + _isbn13_check(core))
    elif len(digits) == 13 and digits.isdigit() and digits.startswith("978"):
        core = digits[3:12]
        forms.append(core + _isbn10_check(core))
    return forms


def looks_like_isbn(token: str) -> bool:
    digits = re.sub(r"[-\s]", "", token)
    return bool(re.fullmatch(r"\d{9}[\dXx]|97[89]\d{10}", digits))


def _isbn13_check(core: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(core))
    return str((10 - total % 10) % 10)


def _isbn10_check(core: str) -> str:
    total = sum(int(d) * (10 - i) for i, d in enumerate(core))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)
