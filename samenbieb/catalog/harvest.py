"""Reads for harvesters (OAI-PMH): the whole catalogue in id order, withdrawn records included.

A withdrawn record keeps its row (see :func:`samenbieb.catalog.services.record_withdraw`),
so it is reported as deleted for as long as the catalogue exists: persistent deletion.
A record's datestamp is its ``updated_at``.

Sets: ``format:<format>`` for each format, ``org:<id>`` for each library organisation
that owns a copy (an item) of the record, and the parents ``format`` and ``org``. Who
owns copies of which title is public: the catalogue shows it to everyone. A withdrawn
copy no longer counts. The holdings services give the record a fresh datestamp whenever
a copy is added, moved to another record or withdrawn
(:func:`samenbieb.catalog.services.records_touch`), so an incremental harvest sees the
record's new set memberships.

Pages go by record id, not by datestamp: a record changed during a harvest keeps its
place, so a harvest that resumes after it neither skips it nor sends it twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Exists, Min, OuterRef, QuerySet

from samenbieb.catalog.metadata import Relations
from samenbieb.catalog.models import Contributor, Format, Identifier, Record, Subject
from samenbieb.holdings.models import Item, ItemStatus
from samenbieb.network.models import Organisation

FORMAT_SETS = "format"
ORGANISATION_SETS = "org"


def _copies() -> QuerySet[Item]:
    """The items that put their record in their organisation's set: all but withdrawn."""
    return Item.objects.exclude(status=ItemStatus.WITHDRAWN)


@dataclass(frozen=True)
class HarvestSet:
    spec: str
    name: str


@dataclass(frozen=True)
class SetFilter:
    """What a set spec selects: a kind (``format`` or ``org``) and, below it, one value."""

    kind: str
    value: str | None = None


def harvest_sets() -> list[HarvestSet]:
    """Every set: the two parents, each format, each organisation that owns items."""
    sets = [HarvestSet(FORMAT_SETS, "Format"), HarvestSet(ORGANISATION_SETS, "Owner")]
    sets += [HarvestSet(f"{FORMAT_SETS}:{value}", str(label)) for value, label in Format.choices]
    owners = Organisation.objects.filter(
        Exists(_copies().filter(organisation_id=OuterRef("pk")))
    ).order_by("pk")
    sets += [
        HarvestSet(f"{ORGANISATION_SETS}:{pk}", f"{name} ({isil})")
        for pk, name, isil in owners.values_list("pk", "name", "isil")
    ]
    return sets


def set_filter(spec: str) -> SetFilter | None:
    """The filter a set spec stands for; ``None`` for a set that does not exist."""
    kind, _, value = spec.partition(":")
    if kind == FORMAT_SETS and (not value or value in Format.values):
        return SetFilter(kind, value or None)
    if kind == ORGANISATION_SETS and (not value or (value.isascii() and value.isdigit())):
        return SetFilter(kind, value or None)
    return None


def _filtered(
    records: QuerySet[Record],
    selection: SetFilter | None,
    since: dt.datetime | None,
    before: dt.datetime | None,
) -> QuerySet[Record]:
    if since is not None:
        records = records.filter(updated_at__gte=since)
    if before is not None:
        records = records.filter(updated_at__lt=before)
    if selection is None:
        return records
    if selection.kind == FORMAT_SETS:
        return records.filter(format=selection.value) if selection.value else records
    items = _copies().filter(record_id=OuterRef("pk"))
    if selection.value:
        items = items.filter(organisation_id=int(selection.value))
    return records.filter(Exists(items))


_NO_RELATIONS = Relations()


def relations(ids: Sequence[int]) -> dict[int, Relations]:
    """What MARCXML and Dublin Core read of these records' relations: one query each.

    Plain rows (``values_list``), not model instances: for a page of 250 records,
    building and prefetching instances took most of the page's time.
    """
    found: dict[int, Relations] = {pk: Relations() for pk in ids}
    if not found:
        return found
    contributors = (
        Contributor.objects.filter(record_id__in=found)
        .order_by("record_id", "position", "pk")
        .values_list("record_id", "name", "role")
    )
    for record_id, name, role in contributors:
        found[record_id].contributors.append((name, role))
    subjects = (
        Subject.objects.filter(record_id__in=found)
        .order_by("record_id", "position", "pk")
        .values_list("record_id", "term")
    )
    for record_id, term in subjects:
        found[record_id].subjects.append(term)
    identifiers = (
        Identifier.objects.filter(record_id__in=found)
        .order_by("record_id", "kind", "value")  # the order of their unique index
        .values_list("record_id", "kind", "value")
    )
    for record_id, kind, value in identifiers:
        found[record_id].identifiers.append((kind, value))
    return found


def _with_relations(records: list[Record], metadata: bool) -> list[tuple[Record, Relations]]:
    if not metadata:
        return [(record, _NO_RELATIONS) for record in records]
    by_id = relations([record.pk for record in records])
    return [(record, by_id[record.pk]) for record in records]


def harvest_page(
    *,
    selection: SetFilter | None = None,
    since: dt.datetime | None = None,
    before: dt.datetime | None = None,
    after_id: int = 0,
    limit: int,
    metadata: bool = True,
) -> list[tuple[Record, Relations]]:
    """Up to ``limit`` records with an id above ``after_id``, lowest id first.

    ``since`` and ``before`` bound ``updated_at`` (``since`` ≤ it < ``before``); withdrawn
    records are included (their ``deleted_at`` is set). Each record comes with what
    MARCXML and Dublin Core read of its relations; without ``metadata``, only the
    headers' fields are read and the relations are left empty.
    """
    records = _filtered(Record.objects.filter(pk__gt=after_id), selection, since, before)
    if not metadata:
        records = records.only("pk", "format", "updated_at", "deleted_at")
    return _with_relations(list(records.order_by("pk")[:limit]), metadata)


def harvest_record(pk: int, *, metadata: bool = True) -> tuple[Record, Relations] | None:
    """One record, withdrawn or not, for GetRecord."""
    record = Record.objects.filter(pk=pk).first()
    return _with_relations([record], metadata)[0] if record is not None else None


def earliest_datestamp() -> dt.datetime | None:
    """The oldest ``updated_at`` in the catalogue (an index look-up)."""
    earliest: dt.datetime | None = Record.objects.aggregate(first=Min("updated_at"))["first"]
    return earliest


def set_specs(records: Sequence[Record]) -> dict[int, list[str]]:
    """The sets each record is in (its format, the owners of its copies), in one query."""
    owners: dict[int, list[int]] = defaultdict(list)
    ids = [record.pk for record in records]
    if ids:
        pairs = (
            _copies()
            .filter(record_id__in=ids)
            .order_by("record_id", "organisation_id")
            .values_list("record_id", "organisation_id")
            .distinct()
        )
        for record_id, organisation_id in pairs:
            owners[record_id].append(organisation_id)
    return {
        record.pk: [f"{FORMAT_SETS}:{record.format}"]
        + [f"{ORGANISATION_SETS}:{pk}" for pk in owners.get(record.pk, [])]
        for record in records
    }


def records_with_metadata(ids: Sequence[int]) -> list[tuple[Record, Relations]]:
    """The records with these ids, in that order, with what MARCXML and Dublin Core read."""
    by_id = Record.objects.filter(pk__in=list(ids)).in_bulk()
    return _with_relations([by_id[pk] for pk in ids if pk in by_id], metadata=True)
