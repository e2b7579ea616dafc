"""Reads of the catalogue that pages ask for."""

from __future__ import annotations

from django.db.models import Prefetch

from samenbieb.catalog.models import Contributor, Record, Subject


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
