"""Reads of items that doors ask for; access checks go through the tenant gate here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from samenbieb.catalog.isbn import normalise_isbn
from samenbieb.catalog.models import IdentifierKind, Record
from samenbieb.holdings.barcodes import barcode_or_none
from samenbieb.holdings.models import Item, ItemStatus
from samenbieb.network import tenancy


def item_for_staff(user: Any, barcode: str) -> Item | None:
    """The item with ``barcode`` if ``user`` may see it at the desk, else ``None``.

    An item of another organisation is "not found", the same as one that does not exist.
    """
    normalised = barcode_or_none(barcode)
    if normalised is None:
        return None
    return (
        tenancy.visible(Item, user)
        .select_related("record", "organisation", "home_branch", "current_branch", "item_type")
        .filter(barcode=normalised)
        .first()
    )


@dataclass(frozen=True)
class ItemLocation:
    """Where an item belongs in the network: no title, no loan, no member."""

    barcode: str
    organisation_id: int
    organisation_name: str
    status: ItemStatus


def item_locate(barcode: str) -> ItemLocation | None:
    """Network-wide "whose item is this?" for a scanned barcode, for any library's desk.

    It answers only the owning organisation and the status, so a desk can route a copy of
    another library (network lending, a return at the wrong library). It exposes no
    personal data: not who has it, not its loan or hold history.
    """
    normalised = barcode_or_none(barcode)
    if normalised is None:
        return None
    row = (
        Item.objects.filter(barcode=normalised)
        .values_list("organisation_id", "organisation__name", "status")
        .first()
    )
    if row is None:
        return None
    organisation_id, organisation_name, status = row
    return ItemLocation(normalised, organisation_id, organisation_name, ItemStatus(status))


@dataclass(frozen=True)
class Availability:
    organisation_id: int
    organisation_name: str
    branch_id: int
    branch_name: str
    copies: int
    available: int
    on_loan: int
    in_transit: int
    other: int


def record_availability(record: Record) -> list[Availability]:
    """Copies of ``record`` per organisation and current branch, counted by status; one query.

    Withdrawn copies are not counted. ``other`` is on the hold shelf, missing, lost or
    damaged: there, but not for the next member.
    """
    rows = (
        Item.objects.filter(record=record)
        .exclude(status=ItemStatus.WITHDRAWN)
        .values(
            "organisation_id", "organisation__name", "current_branch_id", "current_branch__name"
        )
        .annotate(
            copies=Count("pk"),
            available=Count("pk", filter=Q(status=ItemStatus.AVAILABLE)),
            on_loan=Count("pk", filter=Q(status=ItemStatus.ON_LOAN)),
            in_transit=Count("pk", filter=Q(status=ItemStatus.IN_TRANSIT)),
        )
        .order_by("organisation__name", "current_branch__name", "current_branch_id")
    )
    return [
        Availability(
            organisation_id=row["organisation_id"],
            organisation_name=row["organisation__name"],
            branch_id=row["current_branch_id"],
            branch_name=row["current_branch__name"],
            copies=row["copies"],
            available=row["available"],
            on_loan=row["on_loan"],
            in_transit=row["in_transit"],
            other=row["copies"] - row["available"] - row["on_loan"] - row["in_transit"],
        )
        for row in rows
    ]


def records_for_item_entry(value: str) -> list[Record]:
    """Records that ``value`` (an ISBN or a record number) points to, for adding a copy.

    Usually one; several when more records share an ISBN; none when nothing matches.
    Deleted records are left out: no new copies of a title that left the catalogue.
    """
    value = value.strip()
    live = Record.objects.filter(deleted_at__isnull=True)
    isbn = normalise_isbn(value)
    if isbn is not None:
        return list(
            live.filter(
                Q(isbn=isbn) | Q(identifiers__kind=IdentifierKind.ISBN, identifiers__value=isbn)
            ).distinct()[:10]
        )
    if value.isdigit() and len(value) <= 12:
        return list(live.filter(pk=int(value)))
    return []
