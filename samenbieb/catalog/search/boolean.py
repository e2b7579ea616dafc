"""Boolean searches: conditions joined by AND, OR and AND NOT, for structured query languages.

The search box's syntax (:mod:`parse`) only ANDs its terms; SRU's CQL needs any
combination. The leaves are the same word, phrase and prefix terms the backends already
compile (so stemming, Dutch word variants and stop words behave as in the search box), plus
ISBN and year conditions; the tree becomes one SQL condition on the search rows.

Only records in the catalogue match: withdrawn ones have no search row.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from samenbieb.catalog.models import SearchFacets
from samenbieb.catalog.queries import record_ids_by_isbn
from samenbieb.catalog.search import text as t
from samenbieb.catalog.search.backend import Backend, Sql
from samenbieb.catalog.search.engine import backend
from samenbieb.catalog.search.parse import Field, Term

YEAR = '"catalog_search_document"."year"'


class Match(StrEnum):
    ALL = "all"  # every word
    ANY = "any"  # at least one word
    PHRASE = "phrase"  # the words in this order, side by side


@dataclass(frozen=True)
class Words:
    """Words in a field (``None``: anywhere). A last word ending in ``*`` is a prefix."""

    text: str
    field: Field | None = None
    match: Match = Match.ALL


@dataclass(frozen=True)
class Isbn:
    value: str


@dataclass(frozen=True)
class Year:
    """Publication year: ``low`` ≤ year ≤ ``high`` (either may be open)."""

    low: int | None = None
    high: int | None = None


@dataclass(frozen=True)
class Everything:
    pass


@dataclass(frozen=True)
class And:
    left: Expression
    right: Expression


@dataclass(frozen=True)
class Or:
    left: Expression
    right: Expression


@dataclass(frozen=True)
class AndNot:
    left: Expression
    right: Expression


@dataclass(frozen=True)
class Not:
    """Everything but ``inner`` (for a year other than …)."""

    inner: Expression


Expression = Words | Isbn | Year | Everything | And | Or | AndNot | Not

_NOTHING: Sql = ("1 = 0", [])


def terms(words: Words) -> list[Term]:
    """The backend terms of ``words``: stop words drop out, except inside a phrase."""
    found = t.words(words.text)
    prefix = words.text.rstrip().endswith("*")
    if words.match == Match.PHRASE and len(found) > 1:
        return [Term(tuple(found), words.field, phrase=True)]
    result = []
    for position, word in enumerate(found):
        last = position == len(found) - 1
        if word in t.STOP_WORDS and not (prefix and last):
            continue
        result.append(Term((word,), words.field, prefix=prefix and last))
    return result


def _compile(expression: Expression, engine: Backend) -> Sql:
    if isinstance(expression, Words):
        found = terms(expression)
        if not found:
            return _NOTHING
        return engine.condition(found, any_term=expression.match == Match.ANY)
    if isinstance(expression, Isbn):
        ids = record_ids_by_isbn(t.isbn_forms(expression.value))
        if not ids:
            return _NOTHING
        sql, params = engine.id_list(ids)
        return f'"catalog_search_document"."record_id" IN ({sql})', params
    if isinstance(expression, Year):
        parts, params = [f"{YEAR} IS NOT NULL"], []
        if expression.low is not None:
            parts.append(f"{YEAR} >= %s")
            params.append(expression.low)
        if expression.high is not None:
            parts.append(f"{YEAR} <= %s")
            params.append(expression.high)
        return " AND ".join(parts), params
    if isinstance(expression, Everything):
        return "1 = 1", []
    if isinstance(expression, Not):
        sql, params = _compile(expression.inner, engine)
        return f"NOT ({sql})", params
    left, left_params = _compile(expression.left, engine)
    right, right_params = _compile(expression.right, engine)
    joiner = {And: "AND", Or: "OR", AndNot: "AND NOT"}[type(expression)]
    return f"({left}) {joiner} ({right})", [*left_params, *right_params]


def matching(expression: Expression) -> QuerySet[SearchFacets]:
    """The search rows of the records that match ``expression``."""
    sql, params = _compile(expression, backend())
    condition: Any = RawSQL(sql, params, output_field=BooleanField())  # noqa: S611
    return SearchFacets.objects.filter(condition)


def search_boolean(expression: Expression, *, offset: int, limit: int) -> tuple[int, list[int]]:
    """How many records match, and the ids of ``limit`` of them from ``offset``, lowest first.

    The count is exact (a structured search promises its client a number of records).
    """
    rows = matching(expression)
    total = rows.count()
    ids = rows.order_by("record_id").values_list("record_id", flat=True)[offset : offset + limit]
    return total, list(ids)
