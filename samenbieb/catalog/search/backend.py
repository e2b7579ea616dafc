"""What a backend does; the engine decides the rest the same way for both databases."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from samenbieb.catalog.search.parse import ParsedQuery, Term

# A fragment of SQL with its parameters, in Django's ``%s`` style.
Sql = tuple[str, list[Any]]


class Backend(Protocol):
    def matching(self, terms: Sequence[Term], *, any_term: bool = False) -> Sql:
        """SELECT of the ids of records matching all ``terms`` (or any, for exclusions)."""
        ...

    def condition(self, terms: Sequence[Term], *, any_term: bool = False) -> Sql:
        """A condition on a ``catalog_search_document`` row: it matches ``terms``."""
        ...

    def id_list(self, ids: Sequence[int]) -> Sql:
        """SELECT of the given ids, as one parameter however many there are."""
        ...

    def exact(self, parsed: ParsedQuery) -> Sql | None:
        """SELECT of the ids whose title or an author equals the query's words."""
        ...

    def ranked(self, parsed: ParsedQuery, candidates: Sql, limit: int, offset: int) -> list[int]:
        """The ids among ``candidates`` in rank order: exact title, exact author, relevance."""
        ...

    def similar(self, words: Sequence[str], within: Sql, limit: int) -> list[tuple[int, str]]:
        """Ids within ``within`` sharing trigrams with ``words``, with their title/author text."""
        ...

    def index(self, record_ids: Sequence[int]) -> None: ...

    def index_range(
        self, low: int, high: int, progress: Callable[[str], object] | None = None
    ) -> None:
        """Documents for every record with an id from ``low`` to ``high`` (a bulk load)."""
        ...

    def rebuild(self) -> None: ...
