"""State changes of the shared catalogue. The importer, the demo loader and (later) the
cataloguing screens call these.

``actor`` is the staff user acting, or ``None`` for the system itself (an operator's
command, the demo loader, a job). The catalogue belongs to the whole network, so a person
needs the catalogue capability in at least one organisation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from django.db import connections, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from samenbieb.catalog.marc import ParsedRecord
from samenbieb.catalog.models import Contributor, Identifier, Record, Subject
from samenbieb.core.audit import audit_record
from samenbieb.core.bulk import bulk_insert
from samenbieb.core.errors import NotPermitted
from samenbieb.network.roles import Capability
from samenbieb.network.tenancy import staff_scope

# The Record columns an import writes; created_at, deleted_at and the id stay as they are.
IMPORTED_FIELDS = (
    "control_number", "title", "subtitle", "responsibility", "isbn", "issn", "language",
    "year", "publisher", "publication_place", "edition", "series", "series_number", "genre",
    "format", "audience_min_age", "audience_max_age", "avi_level", "summary", "marc",
)  # fmt: skip


def _require_catalogue_edit(actor: Any) -> None:
    if actor is not None and staff_scope(actor, Capability.CATALOGUE_EDIT).is_empty:
        raise NotPermitted(_("Only cataloguers and administrators change the shared catalogue."))


@cache
def _max_lengths() -> dict[str, int]:
    lengths: dict[str, int] = {}
    for model in (Record, Contributor, Subject):
        for model_field in model._meta.concrete_fields:
            if model_field.max_length:
                lengths[f"{model.__name__}.{model_field.name}"] = model_field.max_length
    return lengths


def _fit(model: str, name: str, value: str) -> str:
    """``value`` cut to the column's length: a 600-character title is kept, shortened."""
    limit = _max_lengths().get(f"{model}.{name}")
    return value if limit is None or len(value) <= limit else value[: limit - 1] + "…"


def _record_values(parsed: ParsedRecord) -> list[Any]:
    values: list[Any] = []
    for name in IMPORTED_FIELDS:
        value = getattr(parsed, name)
        values.append(_fit("Record", name, value) if isinstance(value, str) else value)
    return values


def _record_row(parsed: ParsedRecord, now: dt.datetime) -> Record:
    values = dict(zip(IMPORTED_FIELDS, _record_values(parsed), strict=True))
    return Record(match_key=parsed.match_key, updated_at=now, **values)


def _write_records(
    changed: list[ParsedRecord], existing: dict[str, tuple[int, bytes]], now: dt.datetime
) -> list[int]:
    """Insert or update the rows of ``changed``; their ids, in the same order."""
    connection = connections[Record.objects.db]
    new = [parsed for parsed in changed if parsed.match_key not in existing]
    if connection.vendor != "postgresql" or not new:
        rows = [_record_row(parsed, now) for parsed in changed]
        Record.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["match_key"],
            update_fields=[*IMPORTED_FIELDS, "updated_at"],
        )
        return [row.pk for row in rows]
    # PostgreSQL: new records go in by COPY with ids drawn from the sequence up front,
    # several times faster than an INSERT … ON CONFLICT built by the ORM. A record that
    # another import created meanwhile makes the COPY fail, and the batch is retried.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [Record._meta.db_table, len(new)],
        )
        new_ids = [row[0] for row in cursor.fetchall()]
    bulk_insert(
        Record,
        (
            (pk, parsed.match_key, *_record_values(parsed), now, now)
            for pk, parsed in zip(new_ids, new, strict=True)
        ),
        ("id", "match_key", *IMPORTED_FIELDS, "created_at", "updated_at"),
    )
    ids_by_key = dict(zip((parsed.match_key for parsed in new), new_ids, strict=True))
    updates = [_record_row(parsed, now) for parsed in changed if parsed.match_key in existing]
    for row in updates:
        row.pk = existing[row.match_key][0]
        ids_by_key[row.match_key] = row.pk
    if updates:
        Record.objects.bulk_update(updates, [*IMPORTED_FIELDS, "updated_at"])
    return [ids_by_key[parsed.match_key] for parsed in changed]


@transaction.atomic
def record_upsert_batch(*, actor: Any, parsed_records: Sequence[ParsedRecord]) -> tuple[int, int]:
    """Create or update ``parsed_records`` by match key in one transaction: (created, updated).

    Set-based: one query finds the existing records, one upsert writes the new and changed
    ones, their contributors, subjects and identifiers are replaced in bulk, and the search
    index follows in the same transaction. A record whose stored MARC is byte-for-byte the
    same is left alone (not counted). A withdrawn record stays withdrawn: re-importing it
    refreshes its data, restoring it is a cataloguer's decision. If any row fails, the whole
    batch rolls back, so no record is ever half saved.
    """
    _require_catalogue_edit(actor)
    by_key: dict[str, ParsedRecord] = {}
    for parsed in parsed_records:
        by_key[parsed.match_key] = parsed  # the later of two records with one key wins
    if not by_key:
        return 0, 0
    existing: dict[str, tuple[int, bytes]] = {
        key: (pk, bytes(marc))
        for key, pk, marc in Record.objects.filter(match_key__in=list(by_key)).values_list(
            "match_key", "id", "marc"
        )
    }
    now = timezone.now()
    changed = [
        parsed
        for key, parsed in by_key.items()
        if key not in existing or existing[key][1] != parsed.marc
    ]
    if not changed:
        return 0, 0
    ids = _write_records(changed, existing, now)
    replaced = [existing[parsed.match_key][0] for parsed in changed if parsed.match_key in existing]
    if replaced:
        for child in (Contributor, Subject, Identifier):
            child.objects.filter(record_id__in=replaced).delete()
    bulk_insert(
        Contributor,
        (
            (record_id, _fit("Contributor", "name", name), role, position)
            for record_id, parsed in zip(ids, changed, strict=True)
            for position, (name, role) in enumerate(parsed.contributors)
        ),
        ("record_id", "name", "role", "position"),
    )
    bulk_insert(
        Subject,
        (
            (record_id, _fit("Subject", "term", term), position)
            for record_id, parsed in zip(ids, changed, strict=True)
            for position, term in enumerate(parsed.subjects)
        ),
        ("record_id", "term", "position"),
    )
    bulk_insert(
        Identifier,
        (
            (record_id, kind, value)
            for record_id, parsed in zip(ids, changed, strict=True)
            for kind, value in parsed.identifiers
        ),
        ("record_id", "kind", "value"),
    )
    from samenbieb.catalog import search  # the search package imports the catalogue models

    search.index_records(ids)
    created = len(changed) - len(replaced)
    audit_record(
        actor=actor,
        event_type="catalog.record.imported",
        organisation_id=None,
        details={"created": created, "updated": len(replaced)},
    )
    return created, len(replaced)


def record_export_queryset(*, since: dt.datetime | None = None) -> QuerySet[Record]:
    """The records an export writes: not withdrawn, changed since ``since``, oldest first."""
    records = Record.objects.filter(deleted_at__isnull=True)
    if since is not None:
        records = records.filter(updated_at__gte=since)
    return records.order_by("id")


def records_touch(*, record_ids: Iterable[int]) -> None:
    """Give these records a fresh ``updated_at`` (their OAI-PMH datestamp), in one UPDATE.

    For changes that alter what harvesters see of a record without changing its fields:
    which libraries own copies of it decides its ``org:`` sets, so the holdings services
    call this when copies are added, moved to another record or withdrawn. An incremental
    harvest (``from=``) then sends the record again with its new set memberships.
    """
    ids = sorted(set(record_ids))
    if ids:
        Record.objects.filter(pk__in=ids).update(updated_at=timezone.now())


@transaction.atomic
def record_withdraw(*, actor: Any, record_id: int) -> Record:
    """Withdraw a record from the catalogue; the row stays as its tombstone.

    A withdrawn record is no longer found, shown or exported, but the row keeps its id and
    gets a fresh ``updated_at``: OAI-PMH reports it as deleted from then on (persistent
    deletion), so harvesters learn of it. Withdrawing twice changes nothing.
    """
    _require_catalogue_edit(actor)
    record = Record.objects.select_for_update().get(pk=record_id)
    if record.deleted_at is not None:
        return record
    record.deleted_at = timezone.now()
    record.updated_at = record.deleted_at
    Record.objects.filter(pk=record.pk).update(
        deleted_at=record.deleted_at, updated_at=record.updated_at
    )
    from samenbieb.catalog import search  # the search package imports the catalogue models

    search.index_records([record.pk])
    audit_record(
        actor=actor,
        event_type="catalog.record.withdrawn",
        organisation_id=None,
        target=record,
        details={"title": record.title[:200]},
    )
    return record
