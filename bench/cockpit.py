"""The cockpit at national scale: a month's roll-up, and the public pages under load.

Data: the synthetic ``national`` network (seed 2026): 150 libraries, 1,000,000 members
and at least 5,000,000 loans over three years (``samenbieb generate``; generated when the
bench database lacks them, which takes a while). BENCH_COCKPIT_SMALL=1 uses a small
network (20,000 members, 100,000 loans) to try the bench quickly.

Two measurements:

a. **Roll-up.** ``services.cockpit_rollup`` for last month, three times (the first also
   collects the activity marks; the others are re-runs, as the nightly job does). The
   baseline: the same month's loans counted row by row in Python (by library, branch,
   age band and item type: the loans part only), as a reporting script without GROUP BY
   would. Rate: the month's loans rolled up per second.
b. **Pages.** 8 clients (processes, each with its own database connection and Django
   test client: no HTTP server in between) fetch the public pages in turn: the network,
   a province, a library, the comparison with its peers, the CSV download and the
   open-data API; p50 and p95 per page.

The machine's load average before and after goes into the JSON line.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import sys
import time
from collections import Counter
from typing import Any

from django.db import connections
from django.utils import timezone

from bench._common import analyse, database_label, note, percentile
from samenbieb.circulation.generate import synthetic_loans, synthetic_loans_replace
from samenbieb.circulation.models import Loan
from samenbieb.cockpit import services
from samenbieb.members.generate import synthetic_persons
from samenbieb.network.generate import generated_organisations, network_generate

SEED = 2026
CLIENTS = 8
ROUNDS = int(os.environ.get("BENCH_COCKPIT_ROUNDS", "25"))  # per client and page


def wanted() -> dict[str, int]:
    if os.environ.get("BENCH_COCKPIT_SMALL"):
        return {"persons": 20_000, "records": 10_000, "items": 30_000, "loans": 100_000}
    return {"persons": 1_000_000, "records": 200_000, "items": 400_000, "loans": 5_200_000}


def data_ensure(want: dict[str, int]) -> None:
    persons = synthetic_persons().count()
    if not generated_organisations().exists() or persons != want["persons"]:
        note(f"generating the national network with {want['persons']:,} members (long)…")
        network_generate(
            scale="national",
            seed=SEED,
            records=want["records"],
            items=want["items"],
            persons=want["persons"],
            loans=0,
            detail=note,
        )
    loans = synthetic_loans().count()
    if loans < want["loans"] * 0.97:
        note(f"replacing the synthetic loans with {want['loans']:,}…")
        synthetic_loans_replace(
            count=want["loans"], seed=SEED, today=timezone.localdate(), progress=note
        )
    analyse()


def baseline_rollup(month: dt.date) -> int:
    """The loans of the month counted row by row in Python."""
    start, end = services.rollup.Month(month).start, services.rollup.Month(month).end
    counts: Counter[tuple[Any, ...]] = Counter()
    rows = Loan.objects.filter(checked_out_at__gte=start, checked_out_at__lt=end).values_list(
        "organisation_id", "branch_id", "age_band", "item_type_id"
    )
    for organisation, branch, band, item_type in rows.iterator(chunk_size=10_000):
        counts[(organisation, branch, "", "")] += 1
        counts[(organisation, branch, band, "")] += 1
        counts[(organisation, branch, "", item_type)] += 1
    return sum(1 for _ in counts)


def pages() -> dict[str, str]:
    from samenbieb.cockpit.queries import library_sizes

    sizes = sorted(library_sizes().values(), key=lambda size: -size.population)
    isil = sizes[len(sizes) // 2].organisation.isil
    province = sizes[len(sizes) // 2].organisation.province
    return {
        "network": "/cockpit/",
        "province": f"/cockpit/?provincie={province}",
        "library": f"/cockpit/?bibliotheek={isil}",
        "compare": f"/cockpit/vergelijken/?bibliotheek={isil}",
        "csv": f"/cockpit/download.csv?bibliotheek={isil}",
        "api": f"/cockpit/api/figures?provincie={province}",
    }


def client_run(args: tuple[int, dict[str, str]]) -> dict[str, list[float]]:
    index, urls = args
    connections.close_all()
    from django.test import Client

    client = Client(SERVER_NAME="localhost")
    timings: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(2):  # warm up
        for url in urls.values():
            client.get(url)
    for round_ in range(ROUNDS):
        for offset in range(len(urls)):
            name = list(urls)[(offset + index + round_) % len(urls)]
            started = time.perf_counter()
            response = client.get(urls[name])
            timings[name].append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"{urls[name]} answered {response.status_code}")
    return timings


def main() -> int:
    load_before = os.getloadavg()[0]
    want = wanted()
    data_ensure(want)
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    start, end = services.rollup.Month(month).start, services.rollup.Month(month).end
    month_loans = Loan.objects.filter(checked_out_at__gte=start, checked_out_at__lt=end).count()
    note(f"{month:%Y-%m}: {month_loans:,} loans; rolling up…")
    ours = []
    for attempt in range(3):
        started = time.perf_counter()
        figures = services.cockpit_rollup(actor=None, month=month)
        ours.append(time.perf_counter() - started)
        note(f"  roll-up {attempt + 1}: {ours[-1]:.1f} s, {figures:,} figures")
    started = time.perf_counter()
    baseline_rollup(month)
    baseline = time.perf_counter() - started
    note(f"  baseline (loans only, row by row): {baseline:.1f} s")
    urls = pages()
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(CLIENTS) as pool:
        results = pool.map(client_run, [(index, urls) for index in range(CLIENTS)])
    per_page = {name: [t for result in results for t in result[name]] for name in urls}
    all_timings = [t for values in per_page.values() for t in values]
    line = {
        "benchmark": "cockpit",
        "database": database_label(),
        "date": dt.date.today().isoformat(),  # noqa: DTZ011 (a label)
        "month_loans": month_loans,
        "rollup_s": [round(value, 2) for value in ours],
        "rollup_loans_per_s": round(month_loans / min(ours), 1),
        "baseline_loans_per_s": round(month_loans / baseline, 1),
        "ratio": round(baseline / min(ours), 2),
        "clients": CLIENTS,
        "n": len(all_timings),
        "p50_ms": round(percentile(all_timings, 50) * 1000, 1),
        "p95_ms": round(percentile(all_timings, 95) * 1000, 1),
        "pages_p95_ms": {
            name: round(percentile(values, 95) * 1000, 1) for name, values in per_page.items()
        },
        "pages_p50_ms": {
            name: round(percentile(values, 50) * 1000, 1) for name, values in per_page.items()
        },
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
