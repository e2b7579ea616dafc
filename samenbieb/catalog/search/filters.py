"""Filters and facets on the search rows (:class:`SearchFacets`), the same on both databases.

They read only the search index's own table, never the records or items tables: the
facet columns and ``available_at`` are copied there when a record is indexed and when
its items change (:mod:`.availability`).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from samenbieb.catalog.models import SearchFacets
from samenbieb.catalog.search import availability as shelf
from samenbieb.catalog.search.backend import Backend
from samenbieb.catalog.search.types import (
    AUDIENCE_AGES,
    Audience,
    Availability,
    Facet,
    Scope,
    SearchQuery,
)
from samenbieb.network.models import Branch

# Facet names; each facet counts over the matches with every filter except its own.
FORMAT = "format"
LANGUAGE = "language"
AUDIENCE = "audience"
DECADE = "decade"
AVAILABILITY = "availability"
# Every facet, in the order results show them; all are counted from the search rows.
FACETS = (FORMAT, LANGUAGE, AUDIENCE, DECADE, AVAILABILITY)


def available_q(where: Availability) -> Q:
    if where.scope == Scope.BRANCH and where.id is not None:
        return Q(available_at__contains=shelf.token(branch_id=where.id))
    if where.scope == Scope.ORGANISATION and where.id is not None:
        return Q(available_at__contains=shelf.token(organisation_id=where.id))
    return ~Q(available_at="")


def audience_q(audience: Audience) -> Q:
    low, high = AUDIENCE_AGES[audience]
    no_ages = Q(audience_min_age__isnull=True, audience_max_age__isnull=True)
    # "Vanaf N" without an upper age is a youth book up to 17, unless N is adult already.
    upper_reaches = Q(audience_max_age__gte=low) | Q(
        audience_max_age__isnull=True, audience_min_age__gte=low
    )
    if low <= 17:
        upper_reaches |= Q(audience_max_age__isnull=True, audience_min_age__lte=17)
    lower_reaches = Q(audience_min_age__isnull=True) | Q(audience_min_age__lte=high)
    q = ~no_ages & upper_reaches & lower_reaches
    if audience == Audience.ADULTS:
        q |= no_ages & Q(avi_level="")
    elif audience == Audience.CHILDREN:
        q |= no_ages & ~Q(avi_level="")
    return q


def apply(
    records: QuerySet[SearchFacets], query: SearchQuery, *, skip: str = ""
) -> QuerySet[SearchFacets]:
    """``records`` narrowed by the query's filters, leaving out the one named ``skip``."""
    if query.formats and skip != FORMAT:
        records = records.filter(format__in=query.formats)
    if query.languages and skip != LANGUAGE:
        records = records.filter(language__in=query.languages)
    if query.audiences and skip != AUDIENCE:
        either = Q()
        for audience in query.audiences:
            either |= audience_q(audience)
        records = records.filter(either)
    if query.year_from is not None and skip != DECADE:
        records = records.filter(year__gte=query.year_from)
    if query.year_to is not None and skip != DECADE:
        records = records.filter(year__lte=query.year_to)
    if query.available is not None and skip != AVAILABILITY:
        records = records.filter(available_q(query.available))
    return records


def active(query: SearchQuery) -> set[str]:
    """The facets whose own filter the query sets."""
    chosen = {
        FORMAT: query.formats,
        LANGUAGE: query.languages,
        AUDIENCE: query.audiences,
        DECADE: query.year_from is not None or query.year_to is not None,
        AVAILABILITY: query.available is not None,
    }
    return {name for name, value in chosen.items() if value}


def _facet_rows(
    records: QuerySet[SearchFacets], names: list[str], where: list[Availability]
) -> tuple[QuerySet[SearchFacets, Any], list[str], dict[str, list[str]]]:
    """The grouped facet query over ``records``, the columns it returns and which columns
    belong to which facet.

    The rows are grouped by every facet's value at once (a few hundred groups at most),
    and each facet sums its own values from them: one pass over the matches instead of
    one per facet.
    """
    flags = {
        f"aud_{a.value}": Case(When(audience_q(a), then=Value(1)), default=Value(0))
        for a in Audience
    }
    shelf_flags = {
        f"av_{p.scope.value}": Case(When(available_q(p), then=Value(1)), default=Value(0))
        for p in where
    }
    columns = {FORMAT: ["format"], LANGUAGE: ["language"], DECADE: ["decade"],
               AUDIENCE: list(flags), AVAILABILITY: list(shelf_flags)}  # fmt: skip
    wanted = [column for name in names for column in columns[name]]
    rows = (
        records.order_by()
        .annotate(decade=F("year") / 10 * 10, **flags, **shelf_flags)
        .values_list(*wanted)
        .annotate(n=Count("pk"))
    )
    return rows, wanted, columns


@dataclass(frozen=True)
class _Statement:
    sql: str
    params: tuple[Any, ...]
    ids_at: int  # the position of the id list among ``params``
    order: list[int]  # where each wanted column (and the count, last) is in a row
    wanted: list[str]
    columns: dict[str, list[str]]


# A stand-in id list: its parameter is found in the compiled statement and replaced.
_SENTINEL_IDS = (-7, -3, -1)


@functools.lru_cache(maxsize=128)
def _statement(
    engine_type: type[Backend], names: tuple[str, ...], where: tuple[Availability, ...]
) -> _Statement:
    id_sql, (sentinel,) = engine_type().id_list(_SENTINEL_IDS)
    among = SearchFacets.objects.filter(record_id__in=RawSQL(id_sql, [sentinel]))  # noqa: S611
    rows, wanted, columns = _facet_rows(among, list(names), list(where))
    sql, params = rows.query.sql_with_params()
    (ids_at,) = [i for i, param in enumerate(params) if param == sentinel]
    query = rows.query
    # The statement's column order, as Django's own values iterables read it.
    selected = (
        list(query.selected)
        if query.selected
        else [*query.extra_select, *query.values_select, *query.annotation_select]
    )
    order = [selected.index(column) for column in [*wanted, "n"]]
    return _Statement(sql, tuple(params), ids_at, order, wanted, columns)


def facets_of(
    engine: Backend, ids: Sequence[int], names: list[str], near: Availability | None = None
) -> dict[str, Facet]:
    """The facets ``names`` (of :data:`FACETS`) over the search rows of ``ids``, in one
    query; availability counts the places of :func:`places` for ``near``.

    The statement is compiled once per shape (facets and places) and reused: building the
    grouped query with its audience and availability cases cost about as much as running it.
    """
    where = places(near) if AVAILABILITY in names else []
    statement = _statement(type(engine), tuple(names), tuple(where))
    params = list(statement.params)
    params[statement.ids_at] = engine.id_list(ids)[1][0]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, params)
        raw = cursor.fetchall()
    rows = [tuple(row[i] for i in statement.order) for row in raw]
    return _facets_from(rows, names, statement.wanted, statement.columns, where)


def _facets_from(
    rows: Sequence[Sequence[Any]],
    names: list[str],
    wanted: list[str],
    columns: dict[str, list[str]],
    where: list[Availability],
) -> dict[str, Facet]:
    sums: dict[str, dict[object, int]] = {name: {} for name in names}
    for row in rows:
        values, n = dict(zip(wanted, row[:-1], strict=True)), row[-1]
        for name in names:
            if name in (AUDIENCE, AVAILABILITY):
                for column in columns[name]:
                    if values[column]:
                        sums[name][column] = sums[name].get(column, 0) + n
            else:
                value = values[columns[name][0]]
                sums[name][value] = sums[name].get(value, 0) + n
    result: dict[str, Facet] = {}
    for name in names:
        counts = sums[name]
        if name == AUDIENCE:
            result[name] = [
                (a.value, counts[f"aud_{a.value}"])
                for a in Audience
                if counts.get(f"aud_{a.value}")
            ]
        elif name == AVAILABILITY:
            result[name] = [(p.scope.value, counts.get(f"av_{p.scope.value}", 0)) for p in where]
        elif name == DECADE:
            decades_found = sorted((int(d) for d in counts if d is not None), reverse=True)  # type: ignore[call-overload]
            result[name] = [(str(d), counts[d]) for d in decades_found]
        else:
            ordered = sorted(
                ((str(v), n) for v, n in counts.items() if v not in (None, "")),
                key=lambda pair: (-pair[1], pair[0]),
            )
            result[name] = ordered
    return result


def places(near: Availability | None) -> list[Availability]:
    """Where the availability facet counts: anywhere, and the searcher's library and branch."""
    found = [Availability.anywhere()]
    if near is not None and near.scope == Scope.BRANCH and near.id is not None:
        organisation_id = Branch.objects.filter(pk=near.id).values_list(
            "organisation_id", flat=True
        )
        found += [Availability.organisation(o) for o in organisation_id] + [near]
    elif near is not None and near.scope == Scope.ORGANISATION:
        found.append(near)
    return found
