"""One search, the same steps on both databases: match, filter, count, rank, facet.

Scale (1M records): the ids of at most ``CAP`` + 1 matches are fetched once, in no
particular order, and reused. Beyond CAP the total says "at least CAP"; beyond
FACET_CAP the facets count the first FACET_CAP matches (a sample); relevance is computed
for ``RANK_CAP`` of them plus
every exact title/author match, so pages stop there. Facets whose own filter is set count
a second fetch without that filter.
"""

from __future__ import annotations

import math
from typing import Any

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from samenbieb.catalog.models import Record, SearchFacets
from samenbieb.catalog.queries import record_ids_by_isbn
from samenbieb.catalog.search import filters, fuzzy
from samenbieb.catalog.search.backend import Backend, Sql
from samenbieb.catalog.search.parse import ParsedQuery, parse
from samenbieb.catalog.search.types import Facet, PageInfo, SearchQuery, SearchResult

CAP = 2_000
# Relevance is computed for this many matches (plus exact title/author matches).
RANK_CAP = 1_000
# Facets count at most this many matches; beyond it they are a sample (not exact). At
# 1M records counting 10,000 matches per facet took most of a broad search's time.
FACET_CAP = 1_000
# Typo tolerance: trigram candidates to score, and the most similar records kept.
FUZZY_CANDIDATES = 300
FUZZY_LIMIT = 100


def backend() -> Backend:
    if connection.vendor == "postgresql":
        from samenbieb.catalog.search.postgres import PostgresBackend

        return PostgresBackend()
    from samenbieb.catalog.search.sqlite import SqliteBackend

    return SqliteBackend()


def _sql(rows: QuerySet[SearchFacets, Any]) -> Sql:
    """The SELECT of ``rows``' record ids (slice it before, if at all)."""
    ids = rows if rows.query.is_sliced else rows.order_by().values("record_id")
    sql, params = ids.query.sql_with_params()
    return sql, list(params)


def _condition(sql: Sql) -> RawSQL:
    return RawSQL(*sql, output_field=BooleanField())  # noqa: S611


def _text_matches(parsed: ParsedQuery, engine: Backend) -> QuerySet[SearchFacets]:
    """The search rows matching the text: only searchable (not withdrawn) records have one."""
    rows = SearchFacets.objects.all()
    if parsed.empty:
        return rows.none()
    if parsed.isbns:
        rows = rows.filter(record_id__in=record_ids_by_isbn(parsed.isbns))
    if parsed.include:
        rows = rows.filter(_condition(engine.condition(parsed.include)))
    if parsed.exclude:
        rows = rows.exclude(_condition(engine.condition(parsed.exclude, any_term=True)))
    return rows


def _similar(parsed: ParsedQuery, engine: Backend) -> list[int]:
    """Records whose title or authors nearly have the words, most similar first."""
    words = fuzzy.words_to_fix([w for term in parsed.include for w in term.words])
    if not words or parsed.isbns:
        return []
    within = SearchFacets.objects.all()
    if parsed.exclude:
        within = within.exclude(_condition(engine.condition(parsed.exclude, any_term=True)))
    candidates = engine.similar(words, _sql(within), FUZZY_CANDIDATES)
    return fuzzy.best_matches(words, candidates, FUZZY_LIMIT)


def _first_ids(rows: QuerySet[SearchFacets]) -> list[int]:
    """Up to CAP + 1 matching ids, fetched once and reused for the count, rank and facets."""
    return list(rows.order_by().values_list("record_id", flat=True)[: CAP + 1])


def _facets(
    engine: Backend, text: QuerySet[SearchFacets], query: SearchQuery, found: list[int]
) -> tuple[dict[str, Facet], bool]:
    """Each facet counts the matches under every filter but its own."""
    exact = len(found) <= FACET_CAP
    active = filters.active(query)
    # The facets of the shared match set come from one grouped query; a facet whose own
    # filter is set counts its own set.
    near = query.near or query.available
    shared = [name for name in filters.FACETS if name not in active]
    facets = filters.facets_of(engine, found[:FACET_CAP], shared, near) if shared else {}
    for name in filters.FACETS:
        if name in active:
            own = _first_ids(filters.apply(text, query, skip=name))
            exact = exact and len(own) <= FACET_CAP
            facets.update(filters.facets_of(engine, own[:FACET_CAP], [name], near))
    return {name: facets[name] for name in filters.FACETS}, exact


def _page_ids(
    parsed: ParsedQuery,
    engine: Backend,
    matched: QuerySet[SearchFacets],
    found: list[int],
    offset: int,
    limit: int,
) -> list[int]:
    if not parsed.include:
        newest = matched.order_by("-record_id").values_list("record_id", flat=True)
        return list(newest[offset : offset + limit])
    candidates = found[:RANK_CAP]
    exact = engine.exact(parsed)
    if len(found) > RANK_CAP and exact is not None:
        # Exact title and author matches always compete, even beyond the ranked sample.
        also = matched.filter(record_id__in=RawSQL(*exact))  # noqa: S611
        candidates += list(also.values_list("record_id", flat=True)[:RANK_CAP])
    return engine.ranked(parsed, engine.id_list(candidates), limit, offset)


def search(query: SearchQuery) -> SearchResult:
    engine = backend()
    parsed = parse(query.text)
    text = _text_matches(parsed, engine)
    matched = filters.apply(text, query)
    found = _first_ids(matched)
    offset = (query.page - 1) * query.per_page
    similar = None
    # Without filters, no match means no text match: skip a costly EXISTS at 1M records.
    if not found and parsed.include and (not filters.active(query) or not text.exists()):
        similar = _similar(parsed, engine)
        text = SearchFacets.objects.filter(record_id__in=similar)
        kept = set(filters.apply(text, query).values_list("record_id", flat=True))
        found = [i for i in similar if i in kept]
        ids = found[offset : offset + query.per_page]
    else:
        ids = _page_ids(parsed, engine, matched, found, offset, query.per_page)
    total, total_is_exact = min(len(found), CAP), len(found) <= CAP
    by_id = Record.objects.prefetch_related("contributors").in_bulk(ids)
    facets, facets_are_exact = _facets(engine, text, query, found)
    pages = math.ceil(total / query.per_page)
    return SearchResult(
        total=total,
        total_is_exact=total_is_exact,
        records=[by_id[i] for i in ids if i in by_id],
        facets=facets,
        facets_are_exact=facets_are_exact,
        page=PageInfo(
            number=query.page,
            per_page=query.per_page,
            pages=pages,
            has_next=query.page < pages,
        ),
        fuzzy=bool(similar),
        query=query,
    )
