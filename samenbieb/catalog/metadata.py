"""A catalogue record as metadata for harvesters and search clients: MARCXML and Dublin Core.

OAI-PMH (``interfaces/oai``) and SRU (``interfaces/sru``) both disseminate these, so they
are built once, here, as lxml elements. MARCXML is the record's own source MARC when the
catalogue holds it (imported records keep it byte for byte); a record without one (the
synthetic benchmark catalogue, records typed in the administration) gets a MARC record
made from its fields. Dublin Core is mapped from the fields, following the Library of
Congress MARC to Dublin Core crosswalk where a field has a MARC origin.

The record's contributors, subjects and identifiers come alongside it as plain rows
(:class:`Relations`, read by :mod:`samenbieb.catalog.harvest` with one query per relation
for a whole page): building a model instance per row cost more than the serialising.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as default

from lxml import etree
from pymarc import Record as MarcRecord

from samenbieb.catalog.models import ContributorRole, Format, IdentifierKind, Record

MARC_NS = "http://www.loc.gov/MARC21/slim"
MARC_SCHEMA = "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

_M = f"{{{MARC_NS}}}"
_DC = f"{{{DC_NS}}}"
_XSI_LOCATION = f"{{{XSI_NS}}}schemaLocation"
# Characters XML 1.0 cannot hold at all, not even escaped (MARC records do carry them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Leader/06 (type of record) and /07 (bibliographic level) for records without source MARC.
_LEADER_TYPE = {
    Format.AUDIOBOOK: "i",
    Format.PODCAST: "i",
    Format.MUSIC: "j",
    Format.DVD: "g",
    Format.GAME: "r",
    Format.SHEET_MUSIC: "c",
    Format.MAP: "e",
    Format.DATABASE: "m",
}
# Dublin Core type (DCMI Type Vocabulary) per format.
_DC_TYPE = {
    Format.AUDIOBOOK: "Sound",
    Format.PODCAST: "Sound",
    Format.MUSIC: "Sound",
    Format.DVD: "MovingImage",
    Format.GAME: "InteractiveResource",
    Format.MAP: "Image",
    Format.DATABASE: "Dataset",
}
_RELATOR = {
    ContributorRole.EDITOR: "edt",
    ContributorRole.ILLUSTRATOR: "ill",
    ContributorRole.TRANSLATOR: "trl",
    ContributorRole.NARRATOR: "nrt",
    ContributorRole.COMPOSER: "cmp",
    ContributorRole.PERFORMER: "prf",
    ContributorRole.DIRECTOR: "drt",
}


@dataclass(frozen=True, slots=True)
class Relations:
    """A record's related rows, in their order: what MARCXML and Dublin Core read of them."""

    contributors: list[tuple[str, str]] = default(default_factory=list)  # (name, role)
    subjects: list[str] = default(default_factory=list)  # terms
    identifiers: list[tuple[str, str]] = default(default_factory=list)  # (kind, value)


def xml_text(value: str) -> str:
    """``value`` without the characters XML cannot carry."""
    return _NOT_XML.sub("", value)


def _sub(parent: etree._Element, name: str, text: str, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, name, attributes)
    element.text = xml_text(text)
    return element


# MARCXML -----------------------------------------------------------------------------------


def marcxml(record: Record, relations: Relations) -> etree._Element:
    """The record as a MARCXML ``record`` element (namespace MARC21/slim)."""
    element = etree.Element(f"{_M}record", nsmap={None: MARC_NS, "xsi": XSI_NS})
    element.set(_XSI_LOCATION, f"{MARC_NS} {MARC_SCHEMA}")
    source = bytes(record.marc or b"")
    if not (source and _marc_from_source(element, source)):
        _marc_from_fields(element, record, relations)
    return element


def _marc_from_source(element: etree._Element, source: bytes) -> bool:
    """Copy the stored ISO 2709 record; ``False`` (nothing written) if it cannot be read."""
    try:
        marc = MarcRecord(source, to_unicode=True, force_utf8=True)
    except Exception:
        return False
    leader = str(marc.leader)
    _sub(element, f"{_M}leader", leader if _LEADER.fullmatch(leader) else _fixed_leader(leader))
    for field in marc.fields:
        if field.is_control_field():
            if _CONTROL_TAG.fullmatch(field.tag):
                _sub(element, f"{_M}controlfield", field.data or "", tag=field.tag)
            continue
        subfields = [(s.code, s.value) for s in field.subfields if _CODE.fullmatch(s.code)]
        if not _TAG.fullmatch(field.tag) or not subfields:
            continue  # MARCXML cannot carry it (a local tag like "9XX" is fine, "000" is not)
        ind1, ind2 = (_indicator(i) for i in ([*(field.indicators or ()), " ", " "])[:2])
        datafield = etree.SubElement(element, f"{_M}datafield", tag=field.tag, ind1=ind1, ind2=ind2)
        for code, value in subfields:
            _sub(datafield, f"{_M}subfield", value, code=code)
    return True


# What MARC21slim.xsd accepts; the rare record outside it loses only what does not fit.
_LEADER = re.compile(
    r"[\d ]{5}[\dA-Za-z ][\dA-Za-z][\dA-Za-z ]{3}(2| )(2| )[\d ]{5}[\dA-Za-z ]{3}(4500|    )"
)
_CONTROL_TAG = re.compile(r"00[1-9A-Za-z]")
_TAG = re.compile(r"0[1-9A-Z][0-9A-Z]|0[1-9a-z][0-9a-z]|[1-9A-Z][0-9A-Z]{2}|[1-9a-z][0-9a-z]{2}")
_CODE = re.compile(r"[\dA-Za-z!\"#$%&'()*+,\-./:;<=>?{}_^`~\[\]\\]")


def _indicator(value: str | None) -> str:
    return value if value and re.fullmatch(r"[\da-z ]", value) else " "


def _fixed_leader(leader: str) -> str:
    """A leader MARC21slim accepts, keeping the record type and level where they fit."""
    kind = leader[6] if len(leader) > 6 and leader[6].isalnum() else "a"
    level = leader[7] if len(leader) > 7 and leader[7].isalnum() else "m"
    return f"00000n{kind}{level} a2200000 i 4500"


def _datafield(
    element: etree._Element, tag: str, subfields: Iterable[tuple[str, str]], ind: str = "  "
) -> None:
    values = [(code, value) for code, value in subfields if value]
    if not values:
        return
    datafield = etree.SubElement(element, f"{_M}datafield", tag=tag, ind1=ind[0], ind2=ind[1])
    for code, value in values:
        _sub(datafield, f"{_M}subfield", value, code=code)


def _marc_from_fields(element: etree._Element, record: Record, relations: Relations) -> None:
    known = record.format in Format.values
    kind = _LEADER_TYPE.get(Format(record.format), "a") if known else "a"
    level = "s" if record.format == Format.MAGAZINE else "m"
    _sub(element, f"{_M}leader", f"00000n{kind}{level} a2200000 i 4500")
    _sub(element, f"{_M}controlfield", str(record.pk), tag="001")
    year = f"{record.year:04d}" if record.year else "    "
    language = (record.language or "und").ljust(3)[:3]
    fixed = f"000000s{year}    xx            000 0 {language} d"
    _sub(element, f"{_M}controlfield", fixed, tag="008")
    isbns = [value for kind, value in relations.identifiers if kind == IdentifierKind.ISBN] or (
        [record.isbn] if record.isbn else []
    )
    for isbn in isbns:
        _datafield(element, "020", [("a", isbn)])
    if record.issn:
        _datafield(element, "022", [("a", record.issn)])
    contributors = relations.contributors
    main = next((i for i, (_, role) in enumerate(contributors) if role == ContributorRole.AUTHOR),
                None)  # fmt: skip
    if main is not None:
        _datafield(element, "100", [("a", contributors[main][0])], "1 ")
    title_ind = "1" if main is not None else "0"
    _datafield(
        element,
        "245",
        [("a", record.title), ("b", record.subtitle), ("c", record.responsibility)],
        f"{title_ind}0",
    )
    _datafield(element, "250", [("a", record.edition)])
    _datafield(
        element,
        "264",
        [
            ("a", record.publication_place),
            ("b", record.publisher),
            ("c", str(record.year) if record.year else ""),
        ],
        " 1",
    )
    _datafield(element, "490", [("a", record.series), ("v", record.series_number)], "0 ")
    _datafield(element, "520", [("a", record.summary)])
    for term in relations.subjects:
        _datafield(element, "650", [("a", term)], " 4")
    _datafield(element, "655", [("a", record.genre)], " 4")
    for index, (name, role) in enumerate(contributors):
        if index == main:
            continue
        relator = _RELATOR.get(ContributorRole(role), "")
        _datafield(element, "700", [("a", name), ("4", relator)], "1 ")


# Dublin Core -------------------------------------------------------------------------------


def dublin_core(record: Record, relations: Relations) -> etree._Element:
    """The record as an ``oai_dc:dc`` element (unqualified Dublin Core)."""
    element = etree.Element(
        f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}
    )
    element.set(_XSI_LOCATION, f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
    for tag, value in dublin_core_values(record, relations):
        _sub(element, f"{_DC}{tag}", value)
    return element


def dublin_core_values(record: Record, relations: Relations) -> list[tuple[str, str]]:
    """The (element, value) pairs of the record's Dublin Core, in schema order."""
    values: list[tuple[str, str]] = []
    title = f"{record.title} : {record.subtitle}" if record.subtitle else record.title
    values.append(("title", title))
    for name, role in relations.contributors:
        tag = "creator" if role == ContributorRole.AUTHOR else "contributor"
        values.append((tag, name))
    for term in relations.subjects:
        values.append(("subject", term))
    if record.summary:
        values.append(("description", record.summary))
    if record.publisher:
        values.append(("publisher", record.publisher))
    if record.year:
        values.append(("date", str(record.year)))
    known = record.format in Format.values
    values.append(("type", _DC_TYPE.get(Format(record.format), "Text") if known else "Text"))
    isbns = [value for kind, value in relations.identifiers if kind == IdentifierKind.ISBN]
    for isbn in isbns or ([record.isbn] if record.isbn else []):
        values.append(("identifier", f"urn:isbn:{isbn}"))
    if record.issn:
        values.append(("identifier", f"urn:issn:{record.issn}"))
    if record.language:
        values.append(("language", record.language))
    if record.series:
        number = f" ; {record.series_number}" if record.series_number else ""
        values.append(("relation", record.series + number))
    order = _DC_ORDER
    values.sort(key=lambda pair: order.index(pair[0]))
    return values


# simpledc allows the elements in any order; a fixed order makes the output predictable.
_DC_ORDER = [
    "title", "creator", "subject", "description", "publisher", "contributor", "date", "type",
    "format", "identifier", "source", "language", "relation", "coverage", "rights",
]  # fmt: skip
