"""PostgreSQL backend: a stored, weighted ``tsvector`` ('dutch', unaccented) with GIN indexes.

The table ``catalog_search_document`` is made by migration 0002, with the functions
``samenbieb_unaccent`` (an IMMUTABLE wrapper, so it may be indexed) and
``samenbieb_search_key`` (the SQL twin of :func:`text.key`); migration 0003 adds the filter
and facet columns (:class:`SearchFacets`), migration 0004 the vocabulary of title and author
words for typo tolerance (``catalog_search_word``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import OperationalError, connection, transaction

from samenbieb.catalog.search import text as t
from samenbieb.catalog.search.backend import Sql
from samenbieb.catalog.search.parse import Field, ParsedQuery, Term

TABLE = "catalog_search_document"
WEIGHTS = {Field.TITLE: "A", Field.AUTHOR: "B", Field.SUBJECT: "C"}
# pg_trgm's similarity a known word needs to stand in for a query word; the engine scores after.
SIMILARITY_THRESHOLD = 0.3
# Typo tolerance is a courtesy: past this it gives up rather than slow the page down.
FUZZY_TIMEOUT_MS = 200
REBUILD_BATCH = 20_000

Progress = Callable[[str], object]

_TSQUERY = "to_tsquery('dutch', samenbieb_unaccent(%s))"

# One statement builds the documents of the given ids from the catalogue tables.
_UPSERT = """
WITH r AS (
    SELECT * FROM catalog_record WHERE {where} AND deleted_at IS NULL
), c AS (
    SELECT record_id, string_agg(name, ' ' ORDER BY position, id) AS names
    FROM catalog_contributor WHERE record_id IN (SELECT id FROM r) GROUP BY record_id
), k AS (
    SELECT c.record_id, array_agg(DISTINCT samenbieb_search_key(v)) AS keys
    FROM catalog_contributor c, LATERAL (VALUES
        (c.name),
        (split_part(c.name, ',', 1)),
        (split_part(c.name, ',', 2) || ' ' || split_part(c.name, ',', 1))
    ) AS forms(v)
    WHERE c.record_id IN (SELECT id FROM r) GROUP BY c.record_id
), s AS (
    SELECT record_id, string_agg(term, ' ' ORDER BY position, id) AS terms
    FROM catalog_subject WHERE record_id IN (SELECT id FROM r) GROUP BY record_id
), a AS (
    SELECT i.record_id,
        '|' || string_agg(DISTINCT 'b' || i.current_branch_id, '|') || '|'
        || string_agg(DISTINCT 'o' || b.organisation_id, '|') || '|' AS places
    FROM holdings_item i JOIN network_branch b ON b.id = i.current_branch_id
    WHERE i.record_id IN (SELECT id FROM r) AND i.status = 'available' GROUP BY i.record_id
)
INSERT INTO catalog_search_document (record_id, document, title_key, author_keys, fuzzy_text,
    format, language, year, audience_min_age, audience_max_age, avi_level, available_at)
SELECT r.id,
    setweight(to_tsvector('dutch', samenbieb_unaccent(concat_ws(' ', r.title, r.subtitle))), 'A')
    || setweight(to_tsvector('dutch', samenbieb_unaccent(concat_ws(' ', c.names,
        r.responsibility))), 'B')
    || setweight(to_tsvector('dutch', samenbieb_unaccent(concat_ws(' ', s.terms, r.series,
        r.genre))), 'C')
    || setweight(to_tsvector('dutch', samenbieb_unaccent(concat_ws(' ', r.summary, r.publisher,
        r.edition))), 'D'),
    samenbieb_search_key(r.title),
    coalesce(k.keys, '{{}}'),
    samenbieb_search_key(concat_ws(' ', r.title, r.subtitle, c.names)),
    r.format, r.language, r.year, r.audience_min_age, r.audience_max_age, r.avi_level,
    coalesce(a.places, '')
FROM r
LEFT JOIN c ON c.record_id = r.id
LEFT JOIN k ON k.record_id = r.id
LEFT JOIN s ON s.record_id = r.id
LEFT JOIN a ON a.record_id = r.id
ON CONFLICT (record_id) DO UPDATE SET
    document = EXCLUDED.document, title_key = EXCLUDED.title_key,
    author_keys = EXCLUDED.author_keys, fuzzy_text = EXCLUDED.fuzzy_text,
    format = EXCLUDED.format, language = EXCLUDED.language, year = EXCLUDED.year,
    audience_min_age = EXCLUDED.audience_min_age, audience_max_age = EXCLUDED.audience_max_age,
    avi_level = EXCLUDED.avi_level, available_at = EXCLUDED.available_at
"""
_UPSERT_IDS = _UPSERT.format(where="id = ANY(%s)")
_UPSERT_RANGE = _UPSERT.format(where="id BETWEEN %s AND %s")
# The title and author words of the given documents join the typo-tolerance vocabulary.
# Words are never removed one by one: a stale word only suggests a search that finds less.
_WORDS = """
INSERT INTO catalog_search_word
SELECT DISTINCT w FROM catalog_search_document, unnest(string_to_array(fuzzy_text, ' ')) w
WHERE {where} AND length(w) BETWEEN 3 AND 40
ON CONFLICT DO NOTHING
"""
_WORDS_IDS = _WORDS.format(where="record_id = ANY(%s)")
_WORDS_RANGE = _WORDS.format(where="record_id BETWEEN %s AND %s")
# Known words tried for each query word, closest first.
ALTERNATIVES = 6
# Loading this many documents at once goes faster without the indexes, built again after.
BULK_THRESHOLD = 100_000
# The document indexes but the primary key (migrations 0002 and 0004), dropped and built
# again around a bulk load.
INDEXES = {
    "catalog_search_document_fts": f"CREATE INDEX {{}} ON {TABLE} USING gin (document)",
    "catalog_search_document_title": f"CREATE INDEX {{}} ON {TABLE} (title_key)",
    "catalog_search_document_authors": f"CREATE INDEX {{}} ON {TABLE} USING gin (author_keys)",
}


def tsquery_text(terms: Sequence[Term], *, any_term: bool = False) -> str:
    """``to_tsquery`` input: words are letters and digits only, so nothing needs quoting."""
    parts = []
    for term in terms:
        weight = WEIGHTS.get(term.field, "") if term.field else ""
        if term.phrase:
            phrase = " <-> ".join(f"{w}:{weight}" if weight else w for w in term.words)
            parts.append(f"({phrase})")
            continue
        label = ("*" if term.prefix else "") + weight
        forms = [term.words[0]] if term.prefix else t.variants(term.words[0])
        parts.append("(" + " | ".join(f"{f}:{label}" if label else f for f in forms) + ")")
    return (" | " if any_term else " & ").join(parts)


class PostgresBackend:
    def matching(self, terms: Sequence[Term], *, any_term: bool = False) -> Sql:
        return (
            f"SELECT record_id FROM {TABLE} WHERE document @@ {_TSQUERY}",  # noqa: S608
            [tsquery_text(terms, any_term=any_term)],
        )

    def condition(self, terms: Sequence[Term], *, any_term: bool = False) -> Sql:
        return f"document @@ {_TSQUERY}", [tsquery_text(terms, any_term=any_term)]

    def id_list(self, ids: Sequence[int]) -> Sql:
        return "SELECT unnest(%s::bigint[])", [list(ids)]

    def exact(self, parsed: ParsedQuery) -> Sql | None:
        if not (parsed.title_key or parsed.author_key):
            return None
        return (
            f"SELECT record_id FROM {TABLE} WHERE title_key = samenbieb_search_key(%s)"  # noqa: S608
            " OR author_keys @> ARRAY[samenbieb_search_key(%s)]",
            [parsed.title_key, parsed.author_key],
        )

    def ranked(self, parsed: ParsedQuery, candidates: Sql, limit: int, offset: int) -> list[int]:
        sql, params = candidates
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT record_id FROM {TABLE} WHERE record_id IN ({sql})"  # noqa: S608
                " ORDER BY title_key = samenbieb_search_key(%s) DESC,"
                " author_keys @> ARRAY[samenbieb_search_key(%s)] DESC,"
                f" ts_rank_cd(document, {_TSQUERY}) DESC, record_id LIMIT %s OFFSET %s",
                [
                    *params,
                    parsed.title_key,
                    parsed.author_key,
                    tsquery_text(parsed.include),
                    limit,
                    offset,
                ],
            )
            return [row[0] for row in cursor.fetchall()]

    def similar(self, words: Sequence[str], within: Sql, limit: int) -> list[tuple[int, str]]:
        """Records whose title or authors have, for every word, one of its closest known
        words (from ``catalog_search_word``), with their title/author text for scoring."""
        sql, params = within
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                # Local settings: a savepoint rolled back (on timeout) drops them; on
                # success they are set back, as an outer transaction would keep them.
                cursor.execute(
                    "SELECT current_setting('statement_timeout'), coalesce("
                    "current_setting('pg_trgm.similarity_threshold', true), '0.3')"
                )
                timeout, threshold = cursor.fetchone() or ("0", "0.3")
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true),"
                    " set_config('pg_trgm.similarity_threshold', %s, true)",
                    [f"{FUZZY_TIMEOUT_MS}ms", str(SIMILARITY_THRESHOLD)],
                )
                each = []
                for word in words:
                    cursor.execute(
                        "SELECT word FROM catalog_search_word WHERE word %% %s"
                        " ORDER BY similarity(word, %s) DESC, word LIMIT %s",
                        [word, word, ALTERNATIVES],
                    )
                    close = [row[0] for row in cursor.fetchall()]
                    if not close:
                        break  # this word resembles nothing: no record can score
                    each.append("(" + " | ".join(f"{w}:AB" for w in close) + ")")
                rows: list[tuple[int, str]] = []
                if len(each) == len(words):
                    cursor.execute(
                        f"SELECT record_id, fuzzy_text FROM {TABLE}"  # noqa: S608
                        f" WHERE document @@ to_tsquery('dutch', %s) AND record_id IN ({sql})"
                        " LIMIT %s",
                        [" & ".join(each), *params, limit],
                    )
                    rows = [(row[0], row[1]) for row in cursor.fetchall()]
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true),"
                    " set_config('pg_trgm.similarity_threshold', %s, true)",
                    [timeout, threshold],
                )
        except OperationalError:  # too slow: no suggestions rather than a slow page
            return []
        return rows

    def index(self, record_ids: Sequence[int]) -> None:
        ids = list(record_ids)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE record_id = ANY(%s)", [ids])  # noqa: S608
            cursor.execute(_UPSERT_IDS, [ids])
            cursor.execute(_WORDS_IDS, [ids])

    def index_range(self, low: int, high: int, progress: Progress | None = None) -> None:
        """Documents for the ids ``low``…``high``, computed by the server in slices."""
        bulk = high - low + 1 >= BULK_THRESHOLD
        with connection.cursor() as cursor:
            if bulk and connection.in_atomic_block:
                # Index builds sort in memory; the setting ends with the transaction.
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                for name in INDEXES:
                    cursor.execute(f"DROP INDEX IF EXISTS {name}")
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE record_id BETWEEN %s AND %s",  # noqa: S608
                [low, high],
            )
            for start in range(low, high + 1, REBUILD_BATCH):
                end = min(high, start + REBUILD_BATCH - 1)
                cursor.execute(_UPSERT_RANGE, [start, end])
                cursor.execute(_WORDS_RANGE, [start, end])
                if progress:
                    progress(f"search documents {min(high, start + REBUILD_BATCH - 1) - low + 1:,}")
            if bulk and connection.in_atomic_block:
                for name, create in INDEXES.items():
                    cursor.execute(create.format(name))
                    if progress:
                        progress(f"index {name}")
                cursor.execute(f"ANALYZE {TABLE}")

    def rebuild(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {TABLE}, catalog_search_word")
            cursor.execute("SELECT coalesce(max(id), 0) FROM catalog_record")
            (highest,) = cursor.fetchone() or (0,)
        for start in range(0, highest + 1, REBUILD_BATCH):
            self.index(range(start, start + REBUILD_BATCH))
