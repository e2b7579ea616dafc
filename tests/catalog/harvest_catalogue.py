"""A small catalogue with every kind of field the harvest serialisers read, at fixed ids.

Fixed ids (and so fixed 001 fields) let the MARCXML and Dublin Core of these records be
compared byte for byte with ``data/harvest_serialised.xml``, written by the serialiser
as it was before the relations were read as plain rows.
"""

from __future__ import annotations

from pathlib import Path

import samenbieb.catalog
from samenbieb.catalog.importer import import_marc_files
from samenbieb.catalog.models import (
    Contributor,
    ContributorRole,
    Format,
    Identifier,
    IdentifierKind,
    Record,
    Subject,
)

FIRST_ID = 7_000_001
DEMO = Path(samenbieb.catalog.__file__).parent / "data" / "demo-records.mrc"


def harvest_catalogue() -> list[int]:
    """Create the records (and a few imported ones); their ids in id order."""
    full = Record.objects.create(
        pk=FIRST_ID,
        match_key="golden:full",
        title="De fiets van oma",
        subtitle="een verhaal\x0b over vroeger",
        responsibility="Anna Jansen ; met tekeningen van Mo Visser",
        isbn="9789021400013",
        issn="1234-5678",
        language="dut",
        year=1995,
        publisher="Querido & Zn <Amsterdam>",
        publication_place="Amsterdam",
        edition="2e druk",
        series="Oma-boeken",
        series_number="3",
        genre="Familieroman",
        summary="Oma fietst \u201cnaar\u201d de zee.",
    )
    for position, name, role in [
        (2, "Visser, Mo", ContributorRole.ILLUSTRATOR),
        (0, "Jansen, Anna", ContributorRole.AUTHOR),
        (1, "Pietersen, Piet", ContributorRole.AUTHOR),
        (1, "de Vries, Ella", ContributorRole.TRANSLATOR),
        (3, "Bakker, Bo", ContributorRole.NARRATOR),
    ]:
        Contributor.objects.create(record=full, name=name, role=role, position=position)
    for position, term in [(1, "Fietsen"), (0, "Familie"), (1, "Grootouders")]:
        Subject.objects.create(record=full, term=term, position=position)
    for kind, value in [
        (IdentifierKind.ISBN, "9789021400013"),
        (IdentifierKind.ISSN, "1234-5678"),
        (IdentifierKind.ISBN, "9021400018"),
    ]:
        Identifier.objects.create(record=full, kind=kind, value=value)

    Record.objects.create(  # only the ISBN field, no identifier rows, no author
        pk=FIRST_ID + 1, match_key="golden:bare", title="Zonder maker", isbn="9789000000001",
        language="", year=None, format=Format.DVD,
    )  # fmt: skip
    magazine = Record.objects.create(
        pk=FIRST_ID + 2, match_key="golden:magazine", title="Kijk", format=Format.MAGAZINE,
        language="dut", year=2024,
    )  # fmt: skip
    Contributor.objects.create(
        record=magazine, name="Redactie", role=ContributorRole.EDITOR, position=0
    )
    Record.objects.create(
        pk=FIRST_ID + 3, match_key="golden:music", title="Liederen", format=Format.MUSIC,
        language="eng", year=1969, series="Klassiek",
    )  # fmt: skip
    import_marc_files([DEMO], actor=None)
    imported = list(Record.objects.exclude(match_key__startswith="golden:").order_by("pk")[:5])
    return [FIRST_ID, FIRST_ID + 1, FIRST_ID + 2, FIRST_ID + 3] + [r.pk for r in imported]
