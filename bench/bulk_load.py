"""Loading 200,000 closure rows: bulk_insert (COPY on PostgreSQL) against bulk_create.

Both load the same rows into the real ``network_closure`` table, each run in its own
transaction, timed up to and including the commit; the rows are deleted between runs,
outside the timing. The baseline is Django's ``bulk_create(batch_size=1000)``, including
the model instances it needs.
"""

from __future__ import annotations

import datetime as dt
import random
import sys

from django.db import transaction

from bench._common import Figures, analyse, emit, measure, note
from samenbieb.core.bulk import bulk_insert
from samenbieb.network.generate import GENERATED_ISIL_PREFIX, network_generate
from samenbieb.network.models import Branch, Closure

START = dt.date(2026, 11, 23)
ROWS = 200_000
RUNS = 3
SEED = 2026
REASON = "Bulk-laadtest"
FIELDS = ("organisation", "branch", "start_date", "end_date", "reason")


def main() -> int:
    note("generating the tiny synthetic network to hang the rows on…")
    network_generate(scale="tiny", seed=SEED, today=START)
    analyse()
    branches = list(
        Branch.objects.filter(organisation__isil__startswith=GENERATED_ISIL_PREFIX)
        .order_by("organisation__isil", "code")
        .values_list("organisation_id", "id")
    )
    rng = random.Random(SEED)
    rows: list[tuple[object, ...]] = []
    for number in range(ROWS):
        organisation_id, branch_id = rng.choice(branches)
        start = START + dt.timedelta(days=rng.randrange(730))
        end = start + dt.timedelta(days=rng.randrange(14))
        # One in five closes the whole organisation: a NULL branch.
        branch = None if number % 5 == 0 else branch_id
        rows.append((organisation_id, branch, start, end, f"{REASON} {number}"))

    def clean_up() -> None:
        Closure.objects.filter(reason__startswith=REASON).delete()

    def ours(_run: int) -> None:
        with transaction.atomic():
            bulk_insert(Closure, rows, FIELDS)

    def baseline(_run: int) -> None:
        with transaction.atomic():
            Closure.objects.bulk_create(
                (
                    Closure(
                        organisation_id=organisation_id,
                        branch_id=branch_id,
                        start_date=start,
                        end_date=end,
                        reason=reason,
                    )
                    for organisation_id, branch_id, start, end, reason in rows
                ),
                batch_size=1000,
            )

    clean_up()
    note(f"{RUNS} loads of {ROWS:,} rows each with bulk_insert and bulk_create, alternating…")
    ours_latencies: list[float] = []
    baseline_latencies: list[float] = []
    for _run in range(RUNS):
        ours_latencies += measure(ours, 1, after=clean_up)
        baseline_latencies += measure(baseline, 1, after=clean_up)
    analyse(Closure._meta.db_table)  # leave no dead rows behind for the next benchmark
    emit(
        "bulk_load",
        Figures(ours_latencies, unit="rows", per_call=ROWS),
        Figures(baseline_latencies, unit="rows", per_call=ROWS),
        baseline_name="bulk_create(batch_size=1000)",
        table=Closure._meta.db_table,
        rows=ROWS,
        runs=RUNS,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
