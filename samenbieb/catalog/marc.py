"""From a MARC21 record (pymarc) to what a public library shows and searches.

:func:`record_extract` reads a :class:`pymarc.Record` once and returns a plain
:class:`ParsedRecord`: the fields of :class:`~samenbieb.catalog.models.Record`, its
contributors, subjects and identifiers, the match key, and the record itself as UTF-8
ISO 2709 bytes (leader/09 = ``a``) for lossless export. No database access here.

Text stays text: a title holding ``<b>`` is stored as those characters and escaped when
shown, never marked safe.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from pymarc import Field
from pymarc import Record as MarcRecord

from samenbieb.catalog.isbn import normalise_ean, normalise_isbn, normalise_issn
from samenbieb.catalog.models import ContributorRole, Format, IdentifierKind

MAX_MATCH_KEY = 120
MAX_RECORD_BYTES = 99_999

# Control characters cannot be stored in PostgreSQL text (NUL) or shown; MARC data
# sometimes carries them after a broken conversion.
_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# ISBD punctuation that ends a MARC subfield because another element follows.
_INITIAL = re.compile(r"\b\w\.$")
_TRAILING_ISBD = re.compile(r"(?:\s*[/:;=,]|\s+\.)+$")
_YEAR = re.compile(r"(?<!\d)(1[0-9]{3}|20[0-9]{2})(?!\d)")
_AVI = re.compile(
    r"\bAVI\b[\s:.\-]*(?:niveau[\s:]*)?(start|plus|[ME]\s?[3-7]|1[0-2]|[1-9])\b", re.IGNORECASE
)
_AGE_RANGE = re.compile(
    r"(?:ages?|leeftijd|from|vanaf)?\s*(\d{1,2})\s*(?:-|–|to|tot|t/m|through)\s*(\d{1,2})"
    r"(?:\s*(?:years?|yrs?|jaar))?",
    re.IGNORECASE,
)
_AGE_FROM = re.compile(
    r"(?:ages?|leeftijd|from|vanaf)\s*(\d{1,2})"
    r"\s*(?:\+|and (?:up|older|over)|jaar|years?|en ouder)?"
    r"|(\d{1,2})\s*\+|(\d{1,2})\s*(?:years?|jaar) (?:and (?:up|older)|en ouder)",
    re.IGNORECASE,
)
_GRADE_RANGE = re.compile(r"grades?\s*(\d{1,2}|k)\s*(?:-|–|to|through)\s*(\d{1,2})", re.IGNORECASE)
_LARGE_PRINT = re.compile(r"large print|large type|grote letter", re.IGNORECASE)
_LANGUAGE = re.compile(r"^[a-z]{3}$")

# MARC relator terms ($e, English and Dutch) and codes ($4) for the roles we show.
_RELATOR_TERMS: dict[str, str] = {
    "author": ContributorRole.AUTHOR,
    "auteur": ContributorRole.AUTHOR,
    "schrijver": ContributorRole.AUTHOR,
    "writer": ContributorRole.AUTHOR,
    "editor": ContributorRole.EDITOR,
    "redacteur": ContributorRole.EDITOR,
    "samensteller": ContributorRole.EDITOR,
    "compiler": ContributorRole.EDITOR,
    "illustrator": ContributorRole.ILLUSTRATOR,
    "illustraties": ContributorRole.ILLUSTRATOR,
    "translator": ContributorRole.TRANSLATOR,
    "vertaler": ContributorRole.TRANSLATOR,
    "vertaling": ContributorRole.TRANSLATOR,
    "narrator": ContributorRole.NARRATOR,
    "verteller": ContributorRole.NARRATOR,
    "voorlezer": ContributorRole.NARRATOR,
    "composer": ContributorRole.COMPOSER,
    "componist": ContributorRole.COMPOSER,
    "performer": ContributorRole.PERFORMER,
    "uitvoerder": ContributorRole.PERFORMER,
    "singer": ContributorRole.PERFORMER,
    "instrumentalist": ContributorRole.PERFORMER,
    "actor": ContributorRole.PERFORMER,
    "director": ContributorRole.DIRECTOR,
    "film director": ContributorRole.DIRECTOR,
    "regisseur": ContributorRole.DIRECTOR,
}
_RELATOR_CODES: dict[str, str] = {
    "aut": ContributorRole.AUTHOR,
    "cre": ContributorRole.AUTHOR,
    "edt": ContributorRole.EDITOR,
    "com": ContributorRole.EDITOR,
    "ill": ContributorRole.ILLUSTRATOR,
    "trl": ContributorRole.TRANSLATOR,
    "nrt": ContributorRole.NARRATOR,
    "spk": ContributorRole.NARRATOR,
    "cmp": ContributorRole.COMPOSER,
    "prf": ContributorRole.PERFORMER,
    "sng": ContributorRole.PERFORMER,
    "itr": ContributorRole.PERFORMER,
    "act": ContributorRole.PERFORMER,
    "drt": ContributorRole.DIRECTOR,
    "fmd": ContributorRole.DIRECTOR,
}
# 008/22 target audience → (from age, to age).
_AUDIENCE_008: dict[str, tuple[int | None, int | None]] = {
    "a": (0, 5),  # preschool
    "b": (6, 8),  # primary
    "c": (9, 13),  # pre-adolescent
    "d": (14, 17),  # adolescent
    "j": (None, 17),  # juvenile
    "e": (18, None),  # adult
}
# 008/33 literary form of books → genre shown to readers.
_LITERARY_FORM: dict[str, str] = {
    "1": "Fiction",
    "c": "Comics",
    "d": "Drama",
    "e": "Essays",
    "f": "Novels",
    "h": "Humour",
    "i": "Letters",
    "j": "Short stories",
    "p": "Poetry",
    "s": "Speeches",
}
_SUBJECT_TAGS = ("600", "610", "611", "630", "648", "650", "651", "653", "655")
_SUBJECT_MAIN = frozenset("abcdqt")
_SUBJECT_SUBDIVISIONS = frozenset("vxyz")


@dataclass(slots=True)
class ParsedRecord:
    """One MARC record as catalogue fields; children in the order the record gives them."""

    match_key: str
    title: str
    marc: bytes
    control_number: str = ""
    subtitle: str = ""
    responsibility: str = ""
    isbn: str = ""
    issn: str = ""
    language: str = ""
    year: int | None = None
    publisher: str = ""
    publication_place: str = ""
    edition: str = ""
    series: str = ""
    series_number: str = ""
    genre: str = ""
    format: str = Format.BOOK
    audience_min_age: int | None = None
    audience_max_age: int | None = None
    avi_level: str = ""
    summary: str = ""
    contributors: list[tuple[str, str]] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    identifiers: list[tuple[str, str]] = field(default_factory=list)


class MarcMappingError(ValueError):
    """The record cannot become a catalogue record (e.g. it has no title)."""


def clean(text: str) -> str:
    """Text without control characters, runs of spaces or trailing ISBD punctuation."""
    text = _plain(text)
    if text and text[-1] in "/:;=,.":
        text = _TRAILING_ISBD.sub("", text)
        # A final full stop closes the element in ISBD; keep it after an initial or ellipsis.
        if text.endswith(".") and not text.endswith("...") and not _INITIAL.search(text):
            text = text[:-1].rstrip()
    return text


def _plain(text: str) -> str:
    """Text without control characters or runs of white space (fast for the usual case)."""
    if not text.isprintable():
        text = text.translate(_CONTROL)
    return " ".join(text.split()) if "  " in text or not text.isprintable() else text.strip()


def _control(fld: Field | None) -> str:
    return (fld.data or "") if fld is not None else ""


def _subfields(fld: Field, codes: str) -> list[str]:
    return [value for code, value in fld.subfields if code in codes and value]


def _first(fld: Field, code: str) -> str:
    for sub_code, value in fld.subfields:
        if sub_code == code and value:
            return value
    return ""


def record_extract(record: MarcRecord, *, source: bytes | None = None) -> ParsedRecord:
    """Map ``record`` to a :class:`ParsedRecord`; raises :class:`MarcMappingError`.

    ``source`` is the ISO 2709 the record was read from, when the reader found it sound
    and in UTF-8: it is kept byte for byte instead of being serialised again.
    """
    by_tag: dict[str, list[Field]] = {}
    for fld in record.fields:
        by_tag.setdefault(fld.tag, []).append(fld)

    def one(tag: str) -> Field | None:
        found = by_tag.get(tag)
        return found[0] if found else None

    title_field = one("245")
    if title_field is None or not clean(_first(title_field, "a")):
        raise MarcMappingError("no title: the record has no 245 $a")
    title = ". ".join(part for value in _subfields(title_field, "anp") if (part := clean(value)))
    leader = str(record.leader)
    fixed = _control(one("008"))
    control = _plain(_control(one("001")))
    agency = _plain(_control(one("003")))

    parsed = ParsedRecord(match_key="", title=title, marc=b"", control_number=control)
    parsed.subtitle = clean(" ".join(_subfields(title_field, "b")))
    parsed.responsibility = clean(" ".join(_subfields(title_field, "c")))

    _identifiers(parsed, by_tag)
    parsed.contributors = _contributors(by_tag)
    parsed.subjects = _subjects(by_tag)
    parsed.language = _language(fixed, by_tag)
    _publication(parsed, fixed, by_tag)
    edition = one("250")
    if edition is not None:
        parsed.edition = clean(" ".join(_subfields(edition, "ab")))
    _series(parsed, by_tag)
    parsed.genre = _genre(leader, fixed, by_tag)
    parsed.format = _format(leader, fixed, by_tag)
    _audience(parsed, leader, fixed, by_tag)
    parsed.summary = "\n\n".join(
        text for fld in by_tag.get("520", ()) if (text := _plain(" ".join(_subfields(fld, "ab"))))
    )
    first_author = parsed.contributors[0][0] if parsed.contributors else ""
    parsed.match_key = match_key(
        agency=agency,
        control_number=control,
        isbn=parsed.isbn,
        title=title,
        author=first_author,
        year=parsed.year,
        fmt=parsed.format,
    )
    if source is not None and source[9:10] == b"a":
        parsed.marc = source
    else:
        parsed.marc = record_as_utf8_marc(record)
    return parsed


def record_as_utf8_marc(record: MarcRecord) -> bytes:
    """The record as ISO 2709 in UTF-8 with leader/09 = 'a', whatever it was read from.

    Raises :class:`MarcMappingError` when the record does not fit ISO 2709 (a field over
    9,999 bytes or a record over 99,999 bytes, e.g. after MARC-8 became longer UTF-8).
    """
    if len(str(record.leader)) != 24:
        raise MarcMappingError("the leader is not 24 characters long")
    record.to_unicode = True  # as_marc() then writes UTF-8 and sets leader/09 to 'a'
    data = record.as_marc()
    fields = len(record.fields)
    if len(data) > MAX_RECORD_BYTES or data[12:17] != b"%05d" % (24 + 12 * fields + 1):
        raise MarcMappingError(
            f"too large for ISO 2709 as UTF-8 ({len(data):,} bytes; at most "
            f"{MAX_RECORD_BYTES:,} per record and 9,999 per field)"
        )
    return data


def match_key(
    *,
    agency: str,
    control_number: str,
    isbn: str,
    title: str,
    author: str,
    year: int | None,
    fmt: str,
) -> str:
    """What identifies a record across imports (see the Record model): 003:001, ISBN, hash."""
    if agency and control_number:
        key = f"{agency}:{control_number}"
        if len(key) <= MAX_MATCH_KEY:
            return key
        return "ctl:" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()
    if isbn:
        return f"isbn:{isbn}"
    basis = "|".join((_normalised(title), _normalised(author), str(year or ""), fmt))
    return "hash:" + hashlib.sha1(basis.encode(), usedforsecurity=False).hexdigest()


def _normalised(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(
        ch if ch.isalnum() else " " for ch in decomposed if not unicodedata.combining(ch)
    )
    return " ".join(letters.split())


def _identifiers(parsed: ParsedRecord, by_tag: dict[str, list[Field]]) -> None:
    seen: set[tuple[str, str]] = set()
    found: list[tuple[str, str]] = []

    def add(kind: str, value: str | None) -> None:
        if value and (kind, value) not in seen:
            seen.add((kind, value))
            found.append((kind, value))

    for fld in by_tag.get("020", ()):
        for value in _subfields(fld, "a"):
            add(IdentifierKind.ISBN, normalise_isbn(value))
    for fld in by_tag.get("022", ()):
        for value in _subfields(fld, "a"):
            add(IdentifierKind.ISSN, normalise_issn(value))
    for fld in by_tag.get("024", ()):
        if fld.indicator1 == "3":
            for value in _subfields(fld, "a"):
                ean = normalise_ean(value)
                # An EAN that is an ISBN (978/979) is the ISBN: keep it once, as an ISBN.
                if ean and ean[:3] in ("978", "979"):
                    add(IdentifierKind.ISBN, normalise_isbn(ean))
                else:
                    add(IdentifierKind.EAN, ean)
    parsed.identifiers = found
    parsed.isbn = next((value for kind, value in found if kind == IdentifierKind.ISBN), "")
    parsed.issn = next((value for kind, value in found if kind == IdentifierKind.ISSN), "")


def _role(fld: Field, default: str) -> str:
    for code, value in fld.subfields:
        if code == "4":
            role = _RELATOR_CODES.get(value.strip().lower()[:3])
            if role:
                return role
        elif code == "e":
            role = _RELATOR_TERMS.get(clean(value).lower())
            if role:
                return role
    return default


def _contributors(by_tag: dict[str, list[Field]]) -> list[tuple[str, str]]:
    result: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for tags, default in (
        (("100", "110", "111"), ContributorRole.AUTHOR),
        (("700", "710", "711"), ContributorRole.CONTRIBUTOR),
    ):
        for tag in tags:
            for fld in by_tag.get(tag, ()):
                if tag.endswith("00"):
                    name = clean(" ".join(_plain(part) for part in _subfields(fld, "abq")))
                else:  # a body and its subordinate units: "Netherlands. Ministerie van OCW"
                    name = ". ".join(part for v in _subfields(fld, "ab") if (part := clean(v)))
                if not name:
                    continue
                entry = (name, _role(fld, default))
                if entry not in seen:
                    seen.add(entry)
                    result.append(entry)
    return result


def _subjects(by_tag: dict[str, list[Field]]) -> list[str]:
    terms: list[str] = []
    seen: set[str] = set()
    for tag in _SUBJECT_TAGS:
        for fld in by_tag.get(tag, ()):
            main = clean(" ".join(_plain(v) for c, v in fld.subfields if c in _SUBJECT_MAIN and v))
            subdivisions = [clean(v) for c, v in fld.subfields if c in _SUBJECT_SUBDIVISIONS and v]
            term = " -- ".join(part for part in (main, *subdivisions) if part)
            key = term.casefold()
            if term and key not in seen:
                seen.add(key)
                terms.append(term)
    return terms


def _language(fixed: str, by_tag: dict[str, list[Field]]) -> str:
    code = fixed[35:38].lower() if len(fixed) >= 38 else ""
    if _LANGUAGE.match(code):
        return code
    for fld in by_tag.get("041", ()):
        for value in _subfields(fld, "a"):
            code = value.strip().lower()[:3]
            if _LANGUAGE.match(code):
                return code
    return ""


def _publication(parsed: ParsedRecord, fixed: str, by_tag: dict[str, list[Field]]) -> None:
    imprint: Field | None = None
    for fld in by_tag.get("264", ()):
        if fld.indicator2 == "1":
            imprint = fld
            break
    if imprint is None and by_tag.get("260"):
        imprint = by_tag["260"][0]
    if imprint is None and by_tag.get("264"):
        imprint = by_tag["264"][0]
    if imprint is not None:
        parsed.publisher = clean(_first(imprint, "b")).strip("[]")
        parsed.publication_place = clean(_first(imprint, "a")).strip("[]")
    date1 = fixed[7:11] if len(fixed) >= 11 else ""
    if date1.isdigit() and date1.isascii() and fixed[6:7] not in ("b", "n", "|") and int(date1):
        parsed.year = int(date1)
    elif imprint is not None:
        match = _YEAR.search(" ".join(_subfields(imprint, "c")))
        if match:
            parsed.year = int(match.group(1))


def _series(parsed: ParsedRecord, by_tag: dict[str, list[Field]]) -> None:
    for tag in ("490", "830", "440", "800", "810"):
        for fld in by_tag.get(tag, ()):
            name = clean(" ".join(clean(v) for v in _subfields(fld, "anpt")))
            if name:
                parsed.series = name
                parsed.series_number = clean(_first(fld, "v"))
                return


def _genre(leader: str, fixed: str, by_tag: dict[str, list[Field]]) -> str:
    for fld in by_tag.get("655", ()):
        term = clean(_first(fld, "a"))
        if term:
            return term
    if leader[6:7] in ("a", "t") and leader[7:8] not in ("s", "i") and len(fixed) >= 34:
        return _LITERARY_FORM.get(fixed[33], "")
    return ""


def _texts(by_tag: dict[str, list[Field]], tags: Sequence[str]) -> str:
    return " ".join(
        value for tag in tags for fld in by_tag.get(tag, ()) for _code, value in fld.subfields
    )


def _format(leader: str, fixed: str, by_tag: dict[str, list[Field]]) -> str:
    kind = leader[6:7]
    level = leader[7:8]
    physical = {fld.data[:1] for fld in by_tag.get("007", ()) if fld.data}
    if kind in ("a", "t"):
        if level == "s":
            return Format.MAGAZINE
        form_of_item = fixed[23:24] if len(fixed) > 23 else ""
        if form_of_item in ("o", "q", "s") or "c" in physical:
            return Format.EBOOK
        if form_of_item == "d" or _LARGE_PRINT.search(_texts(by_tag, ("250", "300", "340", "655"))):
            return Format.LARGE_PRINT
        return Format.BOOK
    if kind == "i":
        if "podcast" in _texts(by_tag, ("655", "650", "500")).lower():
            return Format.PODCAST
        return Format.AUDIOBOOK
    if kind == "j":
        return Format.MUSIC
    if kind in ("c", "d"):
        return Format.SHEET_MUSIC
    if kind in ("e", "f"):
        return Format.MAP
    if kind == "g":
        visual = fixed[33:34] if len(fixed) > 33 else ""
        if visual in ("f", "s", "t") and "v" not in physical:
            return Format.OTHER  # filmstrips, slides, transparencies
        return Format.DVD
    if kind == "m":
        file_type = fixed[26:27] if len(fixed) > 26 else ""
        if file_type == "g":
            return Format.GAME
        if file_type == "d":
            return Format.MAGAZINE if level == "s" else Format.EBOOK
        if file_type in ("a", "e", "j"):
            return Format.DATABASE
        text = _texts(by_tag, ("245", "300", "650", "655")).lower()
        if "game" in text or "spel" in text:
            return Format.GAME
        if "database" in text:
            return Format.DATABASE
        return Format.OTHER
    if kind == "r":
        visual = fixed[33:34] if len(fixed) > 33 else ""
        if visual == "g" or "game" in _texts(by_tag, ("245", "300", "655")).lower():
            return Format.GAME
        return Format.OTHER
    return Format.OTHER


def _audience(
    parsed: ParsedRecord, leader: str, fixed: str, by_tag: dict[str, list[Field]]
) -> None:
    notes = [_plain(" ".join(_subfields(fld, "ab"))) for fld in by_tag.get("521", ())]
    low: int | None = None
    high: int | None = None
    for note in notes:
        low, high = _ages_from_note(note)
        if low is not None or high is not None:
            break
    if low is None and high is None and leader[6:7] in "acdgijkmt" and len(fixed) > 22:
        low, high = _AUDIENCE_008.get(fixed[22], (None, None))
    if low is not None and high is not None and low > high:
        low, high = high, low
    parsed.audience_min_age = low
    parsed.audience_max_age = high
    for text in (*notes, *(_plain(" ".join(_subfields(f, "a"))) for f in by_tag.get("655", ()))):
        match = _AVI.search(text)
        if match:
            level = match.group(1).replace(" ", "")
            parsed.avi_level = level.capitalize() if level.isalpha() else level.upper()
            break


def _ages_from_note(note: str) -> tuple[int | None, int | None]:
    if not note:
        return None, None
    grades = _GRADE_RANGE.search(note)
    if grades:
        first = 0 if grades.group(1).lower() == "k" else int(grades.group(1))
        return first + 5, int(grades.group(2)) + 5
    lowered = note.lower()
    if re.search(r"\b(?:age|ages|aged|years?|jaar|leeftijd|vanaf|yrs)\b", lowered) or "+" in note:
        ages = _AGE_RANGE.search(note)
        if ages:
            return _age(ages.group(1)), _age(ages.group(2))
        start = _AGE_FROM.search(note)
        if start:
            return _age(next(group for group in start.groups() if group)), None
    return None, None


def _age(text: str) -> int | None:
    value = int(text)
    return value if value <= 120 else None
