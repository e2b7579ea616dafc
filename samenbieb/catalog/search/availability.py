"""Where a record has a copy on the shelf, kept on its search row for filters and facets.

Availability changes far more often than records (every loan and return), so it has its
own refresh: one small update per changed record, called by the holdings services in the
same transaction as the item change. Bulk loads refresh a whole id range in one statement.

The value is ``|b<branch id>|…|o<organisation id>|…|`` (tokens sorted as text) or ``""``:
a copy is "in my library" when it is on the shelf at a branch of that organisation, as in
the portal's "beschikbaar in mijn bibliotheek".
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from samenbieb.catalog.models import SearchFacets
from samenbieb.holdings.models import Item, ItemStatus

# PostgreSQL: the stored value of the record ``{record}``, computed by the server.
_PLACES_SQL = """coalesce((
    SELECT '|' || string_agg(DISTINCT 'b' || i.current_branch_id, '|') || '|'
        || string_agg(DISTINCT 'o' || b.organisation_id, '|') || '|'
    FROM holdings_item i JOIN network_branch b ON b.id = i.current_branch_id
    WHERE i.record_id = {record} AND i.status = 'available'
), '')"""

# Every record in a range (a bulk load).
_RANGE_SQL = f"""
UPDATE catalog_search_document d SET available_at = {_PLACES_SQL.format(record="d.record_id")}
WHERE d.record_id BETWEEN %s AND %s
"""  # noqa: S608 - built from constant fragments only
RANGE_SLICE = 100_000

# A list of records in one statement: a loan or a return changes one record's places, and
# the read and the write need not be two round trips. Unchanged rows are not rewritten.
RECORDS_SQL = f"""
UPDATE catalog_search_document d SET available_at = v.value
FROM (
    SELECT r.id, {_PLACES_SQL.format(record="r.id")} AS value
    FROM unnest(%s::bigint[]) AS r(id)
) v
WHERE d.record_id = v.id AND d.available_at IS DISTINCT FROM v.value
"""  # noqa: S608 - built from constant fragments only


def places(pairs: Iterable[tuple[int, int]]) -> str:
    """The stored value for (branch id, organisation id) pairs of copies on the shelf."""
    pairs = list(pairs)
    if not pairs:
        return ""
    tokens = sorted({f"b{branch}" for branch, _org in pairs}) + sorted(
        {f"o{org}" for _branch, org in pairs}
    )
    return "|" + "|".join(tokens) + "|"


def token(*, branch_id: int | None = None, organisation_id: int | None = None) -> str:
    """What ``available_at`` contains when a copy is on the shelf at that branch or library."""
    return f"|b{branch_id}|" if branch_id is not None else f"|o{organisation_id}|"


def on_shelf(record_ids: Iterable[int]) -> dict[int, str]:
    """The stored value for each of ``record_ids`` (``""`` when no copy is on the shelf)."""
    ids = sorted(set(record_ids))
    pairs: dict[int, list[tuple[int, int]]] = {pk: [] for pk in ids}
    rows = (
        Item.objects.filter(record_id__in=ids, status=ItemStatus.AVAILABLE)
        .order_by()
        .values_list("record_id", "current_branch_id", "current_branch__organisation_id")
        .distinct()
    )
    for record_id, branch_id, organisation_id in rows:
        pairs[record_id].append((branch_id, organisation_id))
    return {pk: places(found) for pk, found in pairs.items()}


def refresh(record_ids: Iterable[int]) -> None:
    """Bring ``available_at`` up to date for these records (after item changes)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(RECORDS_SQL, [sorted(set(record_ids))])
        return
    for record_id, value in on_shelf(record_ids).items():
        rows = SearchFacets.objects.filter(record_id=record_id).exclude(available_at=value)
        rows.update(available_at=value)


def refresh_range(low: int, high: int) -> None:
    """Bring ``available_at`` up to date for the records ``low``…``high`` (a bulk load)."""
    if connection.vendor != "postgresql":
        ids = SearchFacets.objects.filter(record_id__gte=low, record_id__lte=high)
        for_ids = list(ids.values_list("record_id", flat=True))
        for start in range(0, len(for_ids), 500):
            refresh(for_ids[start : start + 500])
        return
    with connection.cursor() as cursor:
        for start in range(low, high + 1, RANGE_SLICE):
            end = min(high, start + RANGE_SLICE - 1)
            cursor.execute(_RANGE_SQL, [start, end])
