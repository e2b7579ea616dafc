"""Synthetic copies for benchmarks: step ``items`` of ``samenbieb generate``.

Copies go to the synthetic records (:mod:`samenbieb.catalog.generate`) and the lending
branches of the synthetic libraries. A few titles are popular and have many copies, most
have one or two, some none (a Pareto weight per title). Most copies are on the shelf,
about one in six is on loan, a few are in transit, on the hold shelf, missing or damaged.
Barcodes are ``G`` and nine digits, so they cannot clash with the demo's.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import accumulate

from django.db import connection
from django.utils import timezone

from samenbieb.catalog import search
from samenbieb.catalog.generate import GeneratedRecord
from samenbieb.core.bulk import bulk_insert
from samenbieb.holdings.item_types import default_item_type, standard_item_types
from samenbieb.holdings.models import Item, ItemStatus

BARCODE_PREFIX = "G"
BATCH = 50_000
STATUSES = (
    ItemStatus.AVAILABLE, ItemStatus.ON_LOAN, ItemStatus.IN_TRANSIT, ItemStatus.ON_HOLD_SHELF,
    ItemStatus.MISSING, ItemStatus.DAMAGED,
)  # fmt: skip
STATUS_WEIGHTS = (78, 17, 2, 1.5, 1, 0.5)
PRICES = (Decimal("14.99"), Decimal("19.95"), Decimal("22.50"), Decimal("24.99"), Decimal("34.95"))
FIELDS = (
    "barcode", "record", "organisation", "home_branch", "current_branch", "shelf_mark",
    "item_type", "status", "status_changed_at", "acquired_on", "replacement_price",
    "created_at", "updated_at",
)  # fmt: skip

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class LendingBranch:
    id: int
    organisation_id: int


def items_generate(
    *,
    count: int,
    rng: random.Random,
    records: Sequence[GeneratedRecord],
    branches: Sequence[LendingBranch],
    today: dt.date,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Insert ``count`` copies of ``records`` at ``branches``; returns the count."""
    if count <= 0 or not records or not branches:
        return {}
    types = {code: item_type.pk for code, item_type in standard_item_types().items()}
    # Which titles get the copies: a heavy-tailed popularity, in record order for locality.
    weights = list(accumulate(rng.paretovariate(1.2) for _ in records))
    picks = sorted(rng.choices(range(len(records)), cum_weights=weights, k=count))
    status_weights = list(accumulate(STATUS_WEIGHTS))
    now = timezone.now()
    inserted = 0
    for start in range(0, count, BATCH):
        rows = []
        for number in range(start, min(count, start + BATCH)):
            record = records[picks[number]]
            home = branches[rng.randrange(len(branches))]
            status = rng.choices(STATUSES, cum_weights=status_weights)[0]
            current = home
            if status == ItemStatus.IN_TRANSIT:
                current = branches[rng.randrange(len(branches))]
            item_type = default_item_type(record.format, youth=record.youth)
            rows.append(
                (
                    f"{BARCODE_PREFIX}{number:09d}", record.id, home.organisation_id, home.id,
                    current.id, "", types[item_type], status,
                    now - dt.timedelta(days=rng.randrange(60)),
                    today - dt.timedelta(days=rng.randrange(3650)),
                    PRICES[rng.randrange(len(PRICES))], now, now,
                )
            )  # fmt: skip
        inserted += bulk_insert(Item, rows, FIELDS)
        if progress:
            progress(f"items {inserted:,}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE holdings_item")
    ids = [record.id for record in records]
    search.availability_refresh_range(min(ids), max(ids))
    if progress:
        progress("availability in the search index")
    return {"items": inserted}


def items_delete(organisation_ids: Sequence[int]) -> None:
    """Delete every copy the given organisations own, in one statement."""
    if not organisation_ids:
        return
    marks = ", ".join(["%s"] * len(organisation_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM holdings_item WHERE organisation_id IN ({marks})",  # noqa: S608
            list(organisation_ids),
        )
