"""What a search asks and what it answers: plain, frozen values shared by both backends."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from samenbieb.catalog.models import Record

MAX_PER_PAGE = 100


class Audience(StrEnum):
    """Age buckets, derived from ``audience_min_age``/``audience_max_age``.

    A record belongs to every bucket its age range overlaps (a "6–14" book is for children
    and teens). "Vanaf N" without an upper age counts as a youth book up to 17 when N < 18.
    A record without ages is for adults, unless it has an AVI reading level: then it is a
    children's book.
    """

    TODDLERS = "toddlers"  # 0–3
    CHILDREN = "children"  # 4–12
    TEENS = "teens"  # 13–17
    ADULTS = "adults"  # 18 and over


AUDIENCE_AGES: dict[Audience, tuple[int, int]] = {
    Audience.TODDLERS: (0, 3),
    Audience.CHILDREN: (4, 12),
    Audience.TEENS: (13, 17),
    Audience.ADULTS: (18, 999),
}


class Scope(StrEnum):
    ANYWHERE = "anywhere"
    ORGANISATION = "organisation"
    BRANCH = "branch"


@dataclass(frozen=True)
class Availability:
    """Where a copy must be on the shelf: a branch, a library organisation or anywhere."""

    scope: Scope
    id: int | None = None

    @classmethod
    def anywhere(cls) -> Availability:
        return cls(Scope.ANYWHERE)

    @classmethod
    def organisation(cls, organisation_id: int) -> Availability:
        return cls(Scope.ORGANISATION, organisation_id)

    @classmethod
    def branch(cls, branch_id: int) -> Availability:
        return cls(Scope.BRANCH, branch_id)


@dataclass(frozen=True)
class SearchQuery:
    """One search: free text (with ``titel:``, ``auteur:``, ``onderwerp:``, ``isbn:``,
    ``"phrases"``, ``-exclusions`` and ``prefix*``), filters and a page.

    ``available`` keeps only records with a copy on the shelf there; ``near`` says where
    the searcher is ("my branch"), for the availability facet, without filtering. It
    defaults to ``available``.
    """

    text: str = ""
    formats: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    audiences: tuple[Audience, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    available: Availability | None = None
    near: Availability | None = None
    page: int = 1
    per_page: int = 20

    def __post_init__(self) -> None:
        object.__setattr__(self, "page", max(1, self.page))
        object.__setattr__(self, "per_page", min(MAX_PER_PAGE, max(1, self.per_page)))


Facet = list[tuple[str, int]]


@dataclass(frozen=True)
class PageInfo:
    number: int
    per_page: int
    pages: int
    has_next: bool


@dataclass(frozen=True)
class SearchResult:
    """Records in rank order with the counts around them.

    ``total`` is exact when ``total_is_exact``; otherwise at least that many matched.
    Facet counts are over the first ``FACET_CAP`` matches when ``facets_are_exact`` is
    false. ``fuzzy`` says the words were not found as such and similar ones were used.
    """

    total: int
    total_is_exact: bool
    records: list[Record]
    facets: dict[str, Facet]
    page: PageInfo
    facets_are_exact: bool = True
    fuzzy: bool = False
    query: SearchQuery = field(default_factory=SearchQuery)
