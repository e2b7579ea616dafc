"""Records made ready for search: with contributors, subjects, ISBNs, copies, and indexed."""

from __future__ import annotations

from typing import Any

from samenbieb.catalog.models import Contributor, Identifier, IdentifierKind, Record, Subject
from samenbieb.catalog.search import index_records
from tests.factories import RecordFactory


def indexed_record(
    title: str,
    *,
    authors: tuple[str, ...] = (),
    subjects: tuple[str, ...] = (),
    isbns: tuple[str, ...] = (),
    **fields: Any,
) -> Record:
    """A record with its contributors, subjects and identifiers, indexed for search."""
    record = RecordFactory(title=title, **fields)
    for position, name in enumerate(authors):
        Contributor.objects.create(record=record, name=name, position=position)
    for position, term in enumerate(subjects):
        Subject.objects.create(record=record, term=term, position=position)
    for value in isbns:
        Identifier.objects.create(record=record, kind=IdentifierKind.ISBN, value=value)
    index_records([record.pk])
    return record
