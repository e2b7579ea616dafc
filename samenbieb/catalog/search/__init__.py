"""Catalogue search: one module, two backends (PostgreSQL full-text, SQLite FTS5).

The public interface, used by the portal, the API and the importer:

- :func:`search` answers a :class:`SearchQuery` with a :class:`SearchResult`;
- :func:`index_records` brings the index up to date for changed records, inside the
  caller's transaction, so a record is searchable the moment its change commits;
- :func:`index_range` indexes a block of ids loaded in bulk (the generator);
- :func:`rebuild_index` rebuilds the whole index (after bulk loads).

Availability filters are answered from the items table at query time, so item status
changes need no reindexing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from samenbieb.catalog.search.engine import backend, search
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
    "index_range",
    "index_records",
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


def rebuild_index() -> None:
    """Build every search document anew (after a bulk load); run it in a transaction."""
    backend().rebuild()
