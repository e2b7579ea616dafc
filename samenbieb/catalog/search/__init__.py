"""Catalogue search: one module, two backends (PostgreSQL full-text, SQLite FTS5).

The public interface, used by the portal, the API and the importer:

- :func:`search` answers a :class:`SearchQuery` with a :class:`SearchResult`;
- :func:`index_records` brings the index up to date for changed records, inside the
  caller's transaction, so a record is searchable the moment its change commits;
- :func:`index_range` indexes a block of ids loaded in bulk (the generator);
- :func:`rebuild_index` rebuilds the whole index (after bulk loads).

- :func:`availability_refresh` follows item changes (where a copy is on the shelf), which
  the holdings services call in the same transaction as the change.

Filters and facets read only the search index's own rows (:class:`SearchFacets`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from samenbieb.catalog.queries import record_ids_by_isbn
from samenbieb.catalog.search import availability
from samenbieb.catalog.search.engine import backend, search
from samenbieb.catalog.search.parse import parse
from samenbieb.catalog.search.types import (
    Audience,
    Availability,
    Facet,
    PageInfo,
    Scope,
    SearchQuery,
    SearchResult,
)

__all__ = [
    "Audience",
    "Availability",
    "Facet",
    "PageInfo",
    "Scope",
    "SearchQuery",
    "SearchResult",
    "availability_refresh",
    "availability_refresh_range",
    "index_range",
    "index_records",
    "isbn_lookup",
    "rebuild_index",
    "search",
]


def index_records(record_ids: Iterable[int]) -> None:
    """Bring the search documents of these records up to date; withdrawn ones drop out."""
    ids = sorted(set(record_ids))
    if ids:
        backend().index(ids)


def index_range(low: int, high: int, *, progress: Callable[[str], object] | None = None) -> None:
    """Documents for the records with ids ``low``…``high``, after a bulk load of them.

    On PostgreSQL the server computes them in slices; for 100,000 or more inside a
    transaction the document indexes are dropped first and built again after.
    """
    if low <= high:
        backend().index_range(low, high, progress)


def availability_refresh(record_ids: Iterable[int]) -> None:
    """Where these records have a copy on the shelf, after their items changed."""
    ids = sorted(set(record_ids))
    if ids:
        availability.refresh(ids)


def availability_refresh_range(low: int, high: int) -> None:
    """The same for every record with an id from ``low`` to ``high`` (after a bulk load)."""
    if low <= high:
        availability.refresh_range(low, high)


def rebuild_index() -> None:
    """Build every search document anew (after a bulk load); run it in a transaction."""
    backend().rebuild()


def isbn_lookup(text: str) -> list[int] | None:
    """For a search text made of ISBNs only (typed or scanned): the records carrying them,
    in one query. ``None`` when the text asks anything else, so a full search is due.
    """
    parsed = parse(text)
    if not parsed.isbns or parsed.include or parsed.exclude:
        return None
    return record_ids_by_isbn(parsed.isbns)
