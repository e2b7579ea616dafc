"""Filters and facets on the record table, the same on both databases (the ORM's part)."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from samenbieb.catalog.models import Record
from samenbieb.catalog.search.types import (
    AUDIENCE_AGES,
    Audience,
    Availability,
    Facet,
    Scope,
    SearchQuery,
)
from samenbieb.holdings.models import Item, ItemStatus
from samenbieb.network.models import Branch

# Facet names; each facet counts over the matches with every filter except its own.
FORMAT = "format"
LANGUAGE = "language"
AUDIENCE = "audience"
DECADE = "decade"
AVAILABILITY = "availability"


def available_q(where: Availability) -> Q:
    items = Item.objects.filter(record=OuterRef("pk"), status=ItemStatus.AVAILABLE)
    if where.scope == Scope.BRANCH and where.id is not None:
        items = items.filter(current_branch_id=where.id)
    elif where.scope == Scope.ORGANISATION and where.id is not None:
        items = items.filter(current_branch__organisation_id=where.id)
    return Q(Exists(items))


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


def apply(records: QuerySet[Record], query: SearchQuery, *, skip: str = "") -> QuerySet[Record]:
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


def grouped(records: QuerySet[Record], column: str) -> Facet:
    rows = records.order_by().values_list(column).annotate(n=Count("id")).order_by("-n", column)
    return [(str(value), n) for value, n in rows if value not in (None, "")]


def decades(records: QuerySet[Record]) -> Facet:
    rows = (
        records.order_by()
        .filter(year__isnull=False)
        .annotate(decade=F("year") / 10 * 10)
        .values_list("decade")
        .annotate(n=Count("id"))
        .order_by("-decade")
    )
    return [(str(decade), n) for decade, n in rows]


def audiences(records: QuerySet[Record]) -> Facet:
    counts = records.order_by().aggregate(
        **{a.value: Count("id", filter=audience_q(a)) for a in Audience}
    )
    return [(a.value, counts[a.value]) for a in Audience if counts[a.value]]


def availability(records: QuerySet[Record], near: Availability | None) -> Facet:
    """Matches with a copy on the shelf anywhere, and in the searcher's library and branch."""
    places = [Availability.anywhere()]
    if near is not None and near.scope == Scope.BRANCH and near.id is not None:
        organisation_id = Branch.objects.filter(pk=near.id).values_list(
            "organisation_id", flat=True
        )
        places += [Availability.organisation(o) for o in organisation_id] + [near]
    elif near is not None and near.scope == Scope.ORGANISATION:
        places.append(near)
    counts = records.order_by().aggregate(
        **{p.scope.value: Count("id", filter=available_q(p)) for p in places}
    )
    return [(p.scope.value, counts[p.scope.value]) for p in places]
