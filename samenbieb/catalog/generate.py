"""A synthetic catalogue for benchmarks, made from real MARC records used as templates.

Step ``records`` of ``samenbieb generate`` (:mod:`samenbieb.network.generate`). Each
synthetic record copies a real record picked at random (so languages, formats, audiences,
subjects and the number of authors follow the real distribution) and varies it: a title
word swapped for one from another title in the same language, authors recombined from
real surnames and given names of that language, the year moved by up to a few years, and
a fresh, unique ISBN-13 with a valid check digit where the template had an ISBN.

Synthetic records carry the match key ``gen:<number>`` and no source MARC; generating
again deletes them first and never touches imported or demo records. Rows go in with
:func:`~samenbieb.core.bulk.bulk_insert` (COPY on PostgreSQL); the search index is then
built in bulk with :func:`samenbieb.catalog.search.index_range`.
"""

from __future__ import annotations

import logging
import random
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone
from pymarc import MARCReader

from samenbieb.catalog.marc import MarcMappingError, ParsedRecord, record_extract
from samenbieb.catalog.models import Contributor, Identifier, IdentifierKind, Record, Subject
from samenbieb.catalog.services import IMPORTED_FIELDS
from samenbieb.core.bulk import bulk_insert

GENERATED_MATCH_KEY_PREFIX = "gen:"
# The Library of Congress sample (16,523 records) when the shared data is there; else the
# 500 demo records shipped with the package.
LOC_SAMPLE = (
    Path(__file__).resolve().parents[3] / "shared" / "data" / "marc" / "loc-books-2016-sample.mrc"
)
DEMO_RECORDS = Path(__file__).resolve().parent / "data" / "demo-records.mrc"
BATCH = 25_000
# Synthetic ISBNs: 978-90 (the Dutch group), then a 7-digit number unique per record.
ISBN_PREFIX = "97890"
ISBN_SPACE = 10_000_000
ISBN_STRIDE = 7_654_321  # coprime with ISBN_SPACE: index → number is a bijection
LAST_YEAR = 2026

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class GeneratedRecord:
    """What the items step needs to know of a synthetic record."""

    id: int
    format: str
    youth: bool


def default_templates() -> Path:
    return LOC_SAMPLE if LOC_SAMPLE.exists() else DEMO_RECORDS


@lru_cache(maxsize=2)
def templates_load(path: Path) -> list[ParsedRecord]:
    """The good records of a MARC file, mapped as the importer maps them (read once)."""
    templates: list[ParsedRecord] = []
    logger = logging.getLogger("pymarc")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with path.open("rb") as handle, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = MARCReader(handle, to_unicode=True, force_utf8=True, utf8_handling="replace")
            for record in reader:
                if record is None:
                    continue
                try:
                    templates.append(record_extract(record, source=b""))
                except MarcMappingError:
                    continue
    finally:
        logger.setLevel(level)
    if not templates:
        raise ValueError(f"no usable MARC records in {path}")
    return templates


def isbn13(number: int) -> str:
    """The synthetic ISBN-13 number ``number`` (0 ≤ number < 10,000,000), check digit included."""
    core = f"{ISBN_PREFIX}{number:07d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(core))
    return core + str((10 - total % 10) % 10)


def synthetic_isbn(index: int) -> str:
    """A unique ISBN per record index, spread over the number space so they look random."""
    if not 0 <= index < ISBN_SPACE:
        raise ValueError("at most 10,000,000 synthetic ISBNs")
    return isbn13(index * ISBN_STRIDE % ISBN_SPACE)


class _Pools:
    """Title words, surnames and given names per language, taken from the templates."""

    def __init__(self, templates: list[ParsedRecord]) -> None:
        words: dict[str, set[str]] = defaultdict(set)
        surnames: dict[str, set[str]] = defaultdict(set)
        given: dict[str, set[str]] = defaultdict(set)
        for template in templates:
            language = template.language
            words[language].update(w for w in template.title.split() if len(w) > 3 and w.isalpha())
            for name, _role in template.contributors:
                surname, comma, rest = name.partition(",")
                if comma and rest.strip() and len(surname) < 40:
                    surnames[language].add(surname.strip())
                    given[language].add(rest.strip())
        self.words = {k: sorted(v) for k, v in words.items()}
        self.surnames = {k: sorted(v) for k, v in surnames.items()}
        self.given = {k: sorted(v) for k, v in given.items()}


def _vary_title(rng: random.Random, title: str, words: list[str]) -> str:
    parts = title.split()
    if not words or rng.random() < 0.2:
        return title
    replaceable = [i for i, w in enumerate(parts) if len(w) > 3 and w.isalpha()]
    if replaceable:
        parts[rng.choice(replaceable)] = rng.choice(words)
    else:
        parts.append(rng.choice(words))
    return " ".join(parts)


def _vary_name(rng: random.Random, name: str, pools: _Pools, language: str) -> str:
    _surname, comma, _rest = name.partition(",")
    surnames, given = pools.surnames.get(language), pools.given.get(language)
    if not comma or not surnames or not given or rng.random() < 0.3:
        return name  # corporate bodies and a share of real people stay as they are
    return f"{rng.choice(surnames)}, {rng.choice(given)}"


def _fit(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def records_generate(
    *,
    count: int,
    rng: random.Random,
    templates: Path | None = None,
    progress: Progress | None = None,
) -> tuple[dict[str, int], list[GeneratedRecord]]:
    """Insert ``count`` synthetic records with their children and search documents."""
    if count <= 0:
        return {}, []
    source = templates_load(templates or default_templates())
    pools = _Pools(source)
    now = timezone.now()
    first_id = _reserve_ids(count)
    made: list[GeneratedRecord] = []
    counts = {"records": 0, "contributors": 0, "subjects": 0, "identifiers": 0}
    title_limit = getattr(Record._meta.get_field("title"), "max_length", None) or 500
    for start in range(0, count, BATCH):
        records, contributors, subjects, identifiers = [], [], [], []
        for index in range(start, min(count, start + BATCH)):
            template = source[rng.randrange(len(source))]
            pk = first_id + index
            language = template.language
            values = dict(zip(IMPORTED_FIELDS, _template_values(template), strict=True))
            values["title"] = _fit(
                _vary_title(rng, template.title, pools.words.get(language, [])), title_limit
            )
            if template.year is not None:
                values["year"] = min(LAST_YEAR, max(1800, template.year + rng.randint(-8, 8)))
            values["isbn"] = synthetic_isbn(index) if template.isbn else ""
            values["control_number"] = ""
            values["marc"] = b""
            records.append(
                (pk, f"{GENERATED_MATCH_KEY_PREFIX}{index:07d}", *values.values(), now, now)
            )
            for position, (name, role) in enumerate(template.contributors):
                contributors.append(
                    (pk, _fit(_vary_name(rng, name, pools, language), 300), role, position)
                )
            for position, term in enumerate(template.subjects):
                subjects.append((pk, _fit(term, 300), position))
            if values["isbn"]:
                identifiers.append((pk, IdentifierKind.ISBN, values["isbn"]))
            youth = template.audience_max_age is not None and template.audience_max_age < 18
            made.append(GeneratedRecord(pk, template.format, youth))
        counts["records"] += bulk_insert(
            Record, records, ("id", "match_key", *IMPORTED_FIELDS, "created_at", "updated_at")
        )
        counts["contributors"] += bulk_insert(
            Contributor, contributors, ("record_id", "name", "role", "position")
        )
        counts["subjects"] += bulk_insert(Subject, subjects, ("record_id", "term", "position"))
        counts["identifiers"] += bulk_insert(
            Identifier, identifiers, ("record_id", "kind", "value")
        )
        if progress:
            progress(f"records {counts['records']:,}")
    from samenbieb.catalog import search  # the search package imports the catalogue models

    search.index_range(first_id, first_id + count - 1, progress=progress)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("catalog_record", "catalog_contributor", "catalog_subject",
                          "catalog_identifier"):  # fmt: skip
                cursor.execute(f"ANALYZE {table}")
    return counts, made


def _template_values(template: ParsedRecord) -> Iterator[object]:
    for name in IMPORTED_FIELDS:
        value = getattr(template, name)
        if isinstance(value, str):
            limit = getattr(Record._meta.get_field(name), "max_length", None)
            yield _fit(value, limit) if limit else value
        else:
            yield value


def _reserve_ids(count: int) -> int:
    """The first of ``count`` consecutive record ids nobody else will take."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Lock out concurrent inserts while the sequence jumps past our block.
            cursor.execute("LOCK TABLE catalog_record IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('catalog_record', 'id'),"
                " greatest((SELECT coalesce(max(id), 0) FROM catalog_record),"
                " (SELECT last_value FROM catalog_record_id_seq)) + %s)",
                [count],
            )
            (last,) = cursor.fetchone()
            return int(last) - count + 1
        cursor.execute("SELECT coalesce(max(id), 0) FROM catalog_record")
        (highest,) = cursor.fetchone()
        return int(highest) + 1


def generated_records() -> QuerySet[Record]:
    return Record.objects.filter(match_key__startswith=GENERATED_MATCH_KEY_PREFIX)


def records_delete() -> None:
    """Delete the synthetic records, their children and search documents (in bulk SQL)."""
    ids = list(generated_records().order_by("id").values_list("id", flat=True))
    if not ids:
        return
    with connection.cursor() as cursor:
        for table in ("catalog_contributor", "catalog_subject", "catalog_identifier",
                      "catalog_digitalresource"):  # fmt: skip
            cursor.execute(
                f"DELETE FROM {table} WHERE record_id IN"  # noqa: S608 - constant names
                " (SELECT id FROM catalog_record WHERE match_key LIKE %s)",
                [f"{GENERATED_MATCH_KEY_PREFIX}%"],
            )
        cursor.execute(
            "DELETE FROM catalog_record WHERE match_key LIKE %s", [f"{GENERATED_MATCH_KEY_PREFIX}%"]
        )
    from samenbieb.catalog import search

    search.index_records(ids)  # the records are gone, so their documents go
