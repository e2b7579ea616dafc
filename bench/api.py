"""REST API catalogue search under 16 concurrent clients, against the same search in-process.

Ours: ``GET /api/v1/records?q=…`` (with filters on some queries) through the whole Django
stack in-process (middleware, django-ninja, validation, the rate limit on the database
cache, :func:`samenbieb.catalog.search.search`, serialising), 16 clients at once.
Baseline, in the same run and interleaved with ours: the very same searches through
:func:`samenbieb.catalog.search.search` called directly (what the API adds is everything
around it). ``ratio`` = our rate ÷ the baseline's rate: the share of search speed the door
keeps.

The catalogue is the synthetic network already in the bench database when it has at
least ``MIN_RECORDS`` records (``bench/run catalogue-search`` leaves one of 1,000,000);
otherwise a ``small`` synthetic network of ``RECORDS`` records is generated. Each client
is a process with its own database connection.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import connections
from django.test import Client

from bench._common import Figures, analyse, emit, note, percentile
from samenbieb.catalog.generate import generated_records
from samenbieb.catalog.search import SearchQuery, search
from samenbieb.network.generate import network_generate

CLIENTS = 16
ROUNDS = 2
MIN_RECORDS = 20_000
RECORDS = int(os.environ.get("BENCH_API_RECORDS", "50000"))

# (query parameters of the API, the same search as a SearchQuery)
SEARCHES: list[tuple[dict[str, Any], SearchQuery]] = [
    ({"q": "oorlog"}, SearchQuery(text="oorlog")),
    ({"q": "oorlog", "language": "dut"}, SearchQuery(text="oorlog", languages=("dut",))),
    ({"q": "geschiedenis nederland"}, SearchQuery(text="geschiedenis nederland")),
    ({"q": "geschiedenis", "year_from": 2000}, SearchQuery(text="geschiedenis", year_from=2000)),
    ({"q": "kinderboek"}, SearchQuery(text="kinderboek")),
    ({"q": "history", "format": "book"}, SearchQuery(text="history", formats=("book",))),
    ({"q": "amsterdam"}, SearchQuery(text="amsterdam")),
    ({"q": "koken"}, SearchQuery(text="koken")),
    ({"q": "auteur:smith"}, SearchQuery(text="auteur:smith")),
    ({"q": "titel:war"}, SearchQuery(text="titel:war")),
    ({"q": "economie -europa"}, SearchQuery(text="economie -europa")),
    ({"q": "kunst*"}, SearchQuery(text="kunst*")),
    ({"q": "world war ii"}, SearchQuery(text="world war ii")),
    ({"q": "geschiedennis"}, SearchQuery(text="geschiedennis")),
]


def catalogue_ensure() -> int:
    have = generated_records().count()
    if have >= MIN_RECORDS:
        note(f"using the synthetic catalogue in the bench database: {have:,} records")
        return have
    note(f"generating a synthetic network with {RECORDS:,} records…")
    started = time.perf_counter()
    network_generate(scale="small", records=RECORDS, items=2 * RECORDS)
    note(f"generated in {time.perf_counter() - started:.0f} s")
    analyse()
    return RECORDS


def client_run(args: tuple[int, Any]) -> tuple[list[float], list[float]]:
    number, barrier = args
    connections.close_all()
    # Sixteen clients from one address: the rate limit is counted, never reached.
    settings.API = {"RATES": dict.fromkeys(("anonymous", "member", "staff"), "1000000/min")}
    client = Client(HTTP_HOST="localhost")
    ours: list[float] = []
    baseline: list[float] = []
    # Untimed warm-up: the first request of a process builds the URL resolver, the API's
    # validators and the database connection; the steady state is what is measured.
    client.get("/api/v1/records?q=boek")
    search(SearchQuery(text="boek"))
    barrier.wait()
    for round_ in range(ROUNDS):
        for index in range(len(SEARCHES)):
            params, query = SEARCHES[(index + number + round_) % len(SEARCHES)]
            order = ("ours", "baseline") if (index + number) % 2 == 0 else ("baseline", "ours")
            for side in order:
                begin = time.perf_counter()
                if side == "ours":
                    response = client.get(f"/api/v1/records?{urlencode(params)}")
                    ours.append(time.perf_counter() - begin)
                    if response.status_code != 200:
                        raise RuntimeError(f"{response.status_code}: {response.content[:200]!r}")
                else:
                    result = search(query)
                    [record.contributors.all()[:1] for record in result.records]
                    baseline.append(time.perf_counter() - begin)
    connections.close_all()
    return ours, baseline


def main() -> int:
    records = catalogue_ensure()
    connections.close_all()
    note(f"{CLIENTS} clients x {ROUNDS * len(SEARCHES)} API searches, interleaved with the "
         "same searches in-process…")  # fmt: skip
    context = multiprocessing.get_context("fork")
    barrier = context.Manager().Barrier(CLIENTS)
    started = time.perf_counter()
    with context.Pool(CLIENTS) as pool:
        results = pool.map(client_run, [(i, barrier) for i in range(CLIENTS)])
    wall = time.perf_counter() - started
    ours = [s for result in results for s in result[0]]
    baseline = [s for result in results for s in result[1]]
    note(
        f"API p95 {percentile(ours, 95) * 1000:.1f} ms, in-process p95 "
        f"{percentile(baseline, 95) * 1000:.1f} ms"
    )
    emit(
        "api",
        Figures(ours, unit="requests"),
        Figures(baseline, unit="requests"),
        baseline_name="the same searches through catalog.search.search() in-process",
        clients=CLIENTS,
        records=records,
        wall_s=round(wall, 1),
        note="rates are requests / busy time of each side, summed over the interleaved calls",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
