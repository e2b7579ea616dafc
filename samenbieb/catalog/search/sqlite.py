"""SQLite backend: FTS5 over Dutch stems made in Python, and an FTS5 trigram table for typos.

FTS5 has no Dutch stemmer, so documents are stored as Snowball stems (``snowballstemmer``)
and queries are stemmed the same way. Tables are made by migration 0002.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

import snowballstemmer
from django.db import connection

from samenbieb.catalog.models import Record
from samenbieb.catalog.search import availability
from samenbieb.catalog.search import text as t
from samenbieb.catalog.search.backend import Sql
from samenbieb.catalog.search.parse import Field, ParsedQuery, Term

TABLE = "catalog_search_fts"
TRIGRAMS = "catalog_search_trigram"
# Filter and facet columns (the unmanaged model SearchFacets), beside the FTS5 tables.
FACETS = "catalog_search_document"
COLUMNS = {Field.TITLE: "title", Field.AUTHOR: "contributors", Field.SUBJECT: "subjects"}
# bm25 weights of title, contributors, subjects, other (as the PostgreSQL weights A–D).
RANK = f"bm25({TABLE}, 10.0, 5.0, 2.0, 1.0)"
BATCH = 500

_stemmer = snowballstemmer.stemmer("dutch")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return str(_stemmer.stemWord(word))


def stems(text: str) -> str:
    return " ".join(stem(w) for w in t.words(text))


def _quoted(word: str) -> str:
    return f'"{word}"'  # words are letters and digits only


def match_text(terms: Sequence[Term], *, any_term: bool = False) -> str:
    """An FTS5 MATCH expression for ``terms``."""
    parts = []
    for term in terms:
        if term.phrase:
            expr = _quoted(" ".join(stem(w) for w in term.words))
        elif term.prefix:
            expr = _quoted(stem(term.words[0])) + "*"
        else:
            forms = dict.fromkeys(stem(f) for f in t.variants(term.words[0]))
            expr = "(" + " OR ".join(_quoted(f) for f in forms) + ")"
        if term.field:
            expr = "{" + COLUMNS[term.field] + "} : " + expr
        parts.append(expr)
    return (" OR " if any_term else " AND ").join(parts)


def _author_keys(names: Iterable[str]) -> str:
    keys = set()
    for name in names:
        surname, _, given = name.partition(",")
        keys.update({t.key(name), t.key(surname), t.key(f"{given} {surname}")})
    return "|" + "|".join(sorted(k for k in keys if k)) + "|"


class SqliteBackend:
    def matching(self, terms: Sequence[Term], *, any_term: bool = False) -> Sql:
        return (
            f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s",  # noqa: S608
            [match_text(terms, any_term=any_term)],
        )

    def condition(self, terms: Sequence[Term], *, any_term: bool = False) -> Sql:
        sql, params = self.matching(terms, any_term=any_term)
        return f'"catalog_search_document"."record_id" IN ({sql})', params

    def id_list(self, ids: Sequence[int]) -> Sql:
        return "SELECT value FROM json_each(%s)", [json.dumps(list(ids))]

    def exact(self, parsed: ParsedQuery) -> Sql | None:
        if not (parsed.title_key or parsed.author_key):
            return None
        return (
            f"SELECT rowid FROM {TABLE} WHERE title_key = %s"  # noqa: S608
            " OR instr(author_keys, %s) > 0",
            [t.key(parsed.title_key), f"|{t.key(parsed.author_key)}|"],
        )

    def ranked(self, parsed: ParsedQuery, candidates: Sql, limit: int, offset: int) -> list[int]:
        sql, params = candidates
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s AND rowid IN ({sql})"  # noqa: S608
                " ORDER BY title_key = %s DESC, instr(author_keys, %s) > 0 DESC,"
                f" {RANK}, rowid LIMIT %s OFFSET %s",
                [
                    match_text(parsed.include),
                    *params,
                    t.key(parsed.title_key),
                    f"|{t.key(parsed.author_key)}|",
                    limit,
                    offset,
                ],
            )
            return [row[0] for row in cursor.fetchall()]

    def similar(self, words: Sequence[str], within: Sql, limit: int) -> list[tuple[int, str]]:
        # Every word must share a trigram; the engine scores the candidates after.
        each = [
            "(" + " OR ".join(_quoted(w[i : i + 3]) for i in range(len(w) - 2)) + ")"
            for w in words
            if len(w) >= 3
        ]
        if not each:
            return []
        sql, params = within
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, fuzzy_text FROM {TRIGRAMS} WHERE {TRIGRAMS} MATCH %s"  # noqa: S608
                f" AND rowid IN ({sql}) ORDER BY rank, rowid LIMIT %s",
                [" AND ".join(each), *params, limit],
            )
            return [(row[0], row[1]) for row in cursor.fetchall()]

    def index(self, record_ids: Sequence[int]) -> None:
        ids = list(record_ids)
        for start in range(0, len(ids), BATCH):
            self._index_batch(ids[start : start + BATCH])

    def _index_batch(self, ids: list[int]) -> None:
        records = (
            Record.objects.filter(pk__in=ids, deleted_at__isnull=True)
            .prefetch_related("contributors", "subjects")
            .order_by()
        )
        rows, grams, facets = [], [], []
        shelf = availability.on_shelf(ids)
        for r in records:
            facets.append(
                (r.pk, r.format, r.language, r.year, r.audience_min_age, r.audience_max_age,
                 r.avi_level, shelf.get(r.pk, ""))
            )  # fmt: skip
            names = [c.name for c in sorted(r.contributors.all(), key=lambda c: (c.position, c.pk))]
            terms = [s.term for s in sorted(r.subjects.all(), key=lambda s: (s.position, s.pk))]
            rows.append(
                (
                    r.pk,
                    stems(f"{r.title} {r.subtitle}"),
                    stems(" ".join([*names, r.responsibility])),
                    stems(" ".join([*terms, r.series, r.genre])),
                    stems(f"{r.summary} {r.publisher} {r.edition}"),
                    t.key(r.title),
                    _author_keys(names),
                )
            )
            grams.append((r.pk, t.key(" ".join([r.title, r.subtitle, *names]))))
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            for table in (TABLE, TRIGRAMS):
                cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", ids)  # noqa: S608
            cursor.execute(f"DELETE FROM {FACETS} WHERE record_id IN ({marks})", ids)  # noqa: S608
            cursor.executemany(
                f"INSERT INTO {FACETS} (record_id, format, language, year,"  # noqa: S608
                " audience_min_age, audience_max_age, avi_level, available_at)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                facets,
            )
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, title, contributors, subjects, other,"  # noqa: S608
                " title_key, author_keys) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                rows,
            )
            cursor.executemany(
                f"INSERT INTO {TRIGRAMS} (rowid, fuzzy_text) VALUES (%s, %s)",  # noqa: S608
                grams,
            )

    def index_range(
        self, low: int, high: int, progress: Callable[[str], object] | None = None
    ) -> None:
        ids = Record.objects.filter(pk__gte=low, pk__lte=high).order_by("pk")
        self.index(list(ids.values_list("pk", flat=True)))

    def rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608
            cursor.execute(f"DELETE FROM {TRIGRAMS}")  # noqa: S608
            cursor.execute(f"DELETE FROM {FACETS}")  # noqa: S608
        ids = Record.objects.filter(deleted_at__isnull=True).order_by("pk")
        self.index(list(ids.values_list("pk", flat=True)))
