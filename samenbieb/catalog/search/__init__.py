"""Catalogue search: one module, two backends (PostgreSQL full-text, SQLite FTS5).

The public interface, used by the portal, the API and the importer:

- :func:`search` answers a :class:`SearchQuery` with a :class:`SearchResult`;
- :func:`index_records` brings the index up to date for changed records, inside the
  caller's transaction, so a record is searchable the moment its change commits;
- :func:`rebuild_index` rebuilds the whole index (after bulk loads).

Availability filters are answered from the items table at query time, so item status
changes need no reindexing.
"""
