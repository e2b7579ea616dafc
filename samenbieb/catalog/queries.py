"""Reads of the catalogue that pages ask for."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Prefetch

from samenbieb.catalog.models import Contributor, Identifier, IdentifierKind, Record, Subject


def record_for_display(pk: int) -> Record | None:
    """A record that is in the catalogue (not deleted), with what its page shows."""
    return (
        Record.objects.filter(pk=pk, deleted_at__isnull=True)
        .prefetch_related(
            Prefetch("contributors", queryset=Contributor.objects.order_by("position")),
            Prefetch("subjects", queryset=Subject.objects.order_by("position")),
        )
        .first()
    )


def record_ids_by_isbn(isbns: Sequence[str]) -> list[int]:
    """Records in the catalogue carrying any of ``isbns`` (13-digit forms), as their main
    ISBN or as another ISBN of the record (a different binding, say); lowest id first.

    One query: a UNION of two index look-ups, which beats one OR across two tables. It is
    the desk's and the search box's scan path, so it stays a single round trip.
    """
    if not isbns:
        return []
    main = (
        Record.objects.filter(isbn__in=isbns, deleted_at__isnull=True)
        .order_by()
        .values_list("id", flat=True)
    )
    other = (
        Identifier.objects.filter(
            kind=IdentifierKind.ISBN, value__in=isbns, record__deleted_at__isnull=True
        )
        .order_by()
        .values_list("record_id", flat=True)
    )
    return sorted(set(main.union(other)))
