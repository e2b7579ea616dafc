"""Catalogue search at one million records, eight clients at once, against bare full-text SQL.

Ours: :func:`samenbieb.catalog.search.search` (matching, filters, count, ranking, five
facets, the page's records with their contributors), for 30 realistic Dutch queries, with
and without facet filters, a few with typos; ISBN look-ups (:func:`search.isbn_lookup`,
what the OPAC does with a scanned ISBN before it opens the title) and barcode look-ups
(:func:`samenbieb.holdings.queries.item_locate`). Searches and look-ups run in two
phases, eight clients each: look-ups are what a desk or a scanner does many times a
minute, and timing them between eight broad searches on two cores would time the queue
for the CPU rather than the look-up. The baseline, in
the same run and interleaved with ours: the bare SQL full-text query (the first 20 ids
whose document matches ``websearch_to_tsquery``), and for ISBNs and barcodes a bare
``SELECT id … WHERE isbn/barcode = %s``.

The catalogue is the ``national`` synthetic network (1,000,000 records, 2,000,000 items,
seed 2026) in the bench database; it is generated when missing and kept between runs
(``bench/run calendar`` replaces the synthetic network, so run this one after it).
Each client is a process with its own database connection.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import sys
import time
from typing import Any

from django.db import connection, connections

from bench._common import Figures, analyse, emit, note, percentile
from samenbieb.catalog.generate import generated_records
from samenbieb.catalog.search import (
    Audience,
    Availability,
    SearchQuery,
    filters,
    isbn_lookup,
    search,
)
from samenbieb.catalog.search.engine import _text_matches, backend
from samenbieb.catalog.search.parse import parse
from samenbieb.holdings.models import Item
from samenbieb.holdings.queries import item_locate
from samenbieb.network.generate import GENERATED_ISIL_PREFIX, network_generate
from samenbieb.network.models import Branch

SEED = 2026
CLIENTS = 8
ROUNDS = 3
LOOKUPS_PER_CLIENT = 60
# On SQLite (no server to share the work) a smaller catalogue keeps the run short.
RECORDS = int(os.environ.get("BENCH_CATALOGUE_RECORDS", "0")) or None
NARROW_SHARE = 0.01


def queries(branch_id: int, organisation_id: int) -> list[tuple[str, SearchQuery]]:
    """(label, query): what members and staff type, with the filters they click."""
    q = SearchQuery
    dutch, book = ("dut",), ("book",)
    return [
        ("oorlog", q(text="oorlog")),
        ("oorlog, Nederlands", q(text="oorlog", languages=dutch)),
        ("geschiedenis nederland", q(text="geschiedenis nederland")),
        ("geschiedenis, 2000-", q(text="geschiedenis", year_from=2000)),
        ("kinderboek", q(text="kinderboek")),
        ("kinderboeken, kinderen", q(text="kinderboeken", audiences=(Audience.CHILDREN,))),
        ("history", q(text="history")),
        ("history, boek, beschikbaar", q(text="history", formats=book,
                                         available=Availability.anywhere())),
        ("amsterdam", q(text="amsterdam")),
        ("amsterdam, in mijn vestiging", q(text="amsterdam",
                                           available=Availability.branch(branch_id))),
        ("poëzie", q(text="poëzie")),
        ("roman liefde", q(text="roman liefde")),
        ("koken", q(text="koken")),
        ("reizen frankrijk", q(text="reizen frankrijk")),
        ("tweede wereldoorlog", q(text="tweede wereldoorlog")),
        ('"tweede wereldoorlog", in mijn bibliotheek', q(
            text='"tweede wereldoorlog"', available=Availability.organisation(organisation_id))),
        ("auteur:mulisch", q(text="auteur:mulisch")),
        ("auteur:smith", q(text="auteur:smith")),
        ("titel:war", q(text="titel:war")),
        ("onderwerp:music", q(text="onderwerp:music")),
        ("onderwerp:politics, 1990-2010", q(text="onderwerp:politics", year_from=1990,
                                            year_to=2010)),
        ("economie -europa", q(text="economie -europa")),
        ("kunst*", q(text="kunst*")),
        ("children's stories", q(text="children's stories")),
        ("world war ii", q(text="world war ii")),
        ("american history, pagina 3", q(text="american history", page=3)),
        ("architectuur, Nederlands", q(text="architectuur", languages=dutch)),
        ("geschiedenis, typo", q(text="geschiedennis")),
        ("amsterdm, typo", q(text="amsterdm")),
        ("harry poter, typo", q(text="harry poter")),
    ]  # fmt: skip


BASELINE_SQL = (
    "SELECT record_id FROM catalog_search_document"
    " WHERE document @@ websearch_to_tsquery('dutch', samenbieb_unaccent(%s)) LIMIT 20"
)
SQLITE_BASELINE_SQL = (
    "SELECT rowid FROM catalog_search_fts WHERE catalog_search_fts MATCH %s LIMIT 20"
)


def baseline_search(text: str) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(BASELINE_SQL, [text])
        else:
            words = " ".join(f'"{w}"' for w in text.replace('"', " ").split() if w.isalnum())
            cursor.execute(SQLITE_BASELINE_SQL, [words or '""'])
        cursor.fetchall()


def baseline_lookup(table: str, column: str, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE {column} = %s", [value])  # noqa: S608
        cursor.fetchall()


def catalogue_ensure() -> int:
    wanted = RECORDS or (1_000_000 if connection.vendor == "postgresql" else 50_000)
    have = generated_records().count()
    items = Item.objects.filter(organisation__isil__startswith=GENERATED_ISIL_PREFIX).count()
    if have == wanted and items == 2 * wanted:
        note(f"the synthetic catalogue is there: {have:,} records, {items:,} items")
        return have
    note(f"generating the national synthetic network with {wanted:,} records (minutes)…")
    started = time.perf_counter()
    last = [started]

    def detail(message: str) -> None:
        if time.perf_counter() - last[0] > 30 or not message[-1].isdigit():
            note(f"  {time.perf_counter() - started:6.0f} s  {message}")
            last[0] = time.perf_counter()

    network = network_generate(scale="national", seed=SEED, records=wanted, detail=detail)
    note(f"generated in {time.perf_counter() - started:.0f} s: {network.counts}")
    analyse()
    return wanted


def matches(query: SearchQuery) -> int:
    """How many records the query matches (untimed): it decides the query's class."""
    text = _text_matches(parse(query.text), backend())
    return filters.apply(text, query).count()


def client(args: tuple[int, list[tuple[str, Any]], Any]) -> list[tuple[str, str, float]]:
    """One client: its own connection, the tasks in its order; (class, side, seconds)."""
    number, tasks, barrier = args
    connections.close_all()
    timings: list[tuple[str, str, float]] = []
    barrier.wait()
    for index, (kind, payload) in enumerate(tasks):
        ours_first = (index + number) % 2 == 0
        for side in ("ours", "baseline") if ours_first else ("baseline", "ours"):
            start = time.perf_counter()
            if kind == "isbn":
                if side == "ours":
                    isbn_lookup(payload)
                else:
                    baseline_lookup("catalog_record", "isbn", payload)
            elif kind == "barcode":
                if side == "ours":
                    item_locate(payload)
                else:
                    baseline_lookup("holdings_item", "barcode", payload)
            else:
                query: SearchQuery = payload
                if side == "ours":
                    search(query)
                else:
                    baseline_search(query.text)
            timings.append((kind, side, time.perf_counter() - start))
    connections.close_all()
    return timings


def run_clients(per_client: list[list[tuple[str, Any]]]) -> list[tuple[str, str, float]]:
    connections.close_all()  # a forked child must not share the parent's connection
    context = multiprocessing.get_context("fork")
    barrier = context.Manager().Barrier(len(per_client))
    with context.Pool(len(per_client)) as pool:
        results = pool.map(client, [(i, t, barrier) for i, t in enumerate(per_client)])
    return [timing for result in results for timing in result]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_ms": round(percentile(values, 50) * 1000, 2),
        "p95_ms": round(percentile(values, 95) * 1000, 2),
    }


def main() -> int:
    total = catalogue_ensure()
    rng = random.Random(SEED)
    branch = (
        Branch.objects.filter(organisation__isil__startswith=GENERATED_ISIL_PREFIX, kind="main")
        .order_by("organisation__isil")
        .first()
    )
    assert branch is not None
    labelled = queries(branch.pk, branch.organisation_id)
    classes: dict[str, str] = {}
    counts: dict[str, int] = {}
    for label, query in labelled:
        counts[label] = matches(query)
        classes[label] = "narrow" if counts[label] <= NARROW_SHARE * total else "broad"
        note(f"  {counts[label]:>8,} matches  {classes[label]:<6}  {label}")
    for _label, query in labelled:  # warm the server's caches, untimed
        search(query)
        baseline_search(query.text)
    generated = generated_records()
    isbns = list(
        generated.exclude(isbn="").order_by("id").values_list("isbn", flat=True)[:200_000:997]
    )
    barcodes = list(
        Item.objects.filter(barcode__startswith="G")
        .order_by("barcode")
        .values_list("barcode", flat=True)[:400_000:1999]
    )
    by_label = dict(labelled)
    per_client: list[list[tuple[str, Any]]] = []
    per_lookup_client: list[list[tuple[str, Any]]] = []
    for _client in range(CLIENTS):
        tasks: list[tuple[str, Any]] = []
        for _round in range(ROUNDS):
            order = [label for label, _q in labelled]
            rng.shuffle(order)
            tasks += [(f"text:{label}", by_label[label]) for label in order]
        lookups = [("isbn", rng.choice(isbns)) for _ in range(LOOKUPS_PER_CLIENT)]
        lookups += [("barcode", rng.choice(barcodes)) for _ in range(LOOKUPS_PER_CLIENT)]
        rng.shuffle(lookups)
        per_client.append(tasks)
        per_lookup_client.append(lookups)
    note(f"{CLIENTS} clients x {ROUNDS} rounds of {len(labelled)} queries, "
         "ours and the baseline interleaved…")  # fmt: skip
    started = time.perf_counter()
    timings = run_clients(per_client)
    elapsed = time.perf_counter() - started
    note(f"{CLIENTS} clients x {2 * LOOKUPS_PER_CLIENT} ISBN and barcode look-ups…")
    timings += run_clients(per_lookup_client)

    def pick(side: str, want: str) -> list[float]:
        def keep(kind: str) -> bool:
            if want in ("isbn", "barcode"):
                return kind == want
            if not kind.startswith("text:"):
                return False
            return want == "any" or classes[kind.removeprefix("text:")] == want

        return [s for kind, who, s in timings if who == side and keep(kind)]

    figures: dict[str, Any] = {}
    for want in ("narrow", "any", "isbn", "barcode"):
        figures[want] = summary(pick("ours", want))
        figures[f"baseline_{want}"] = summary(pick("baseline", want))
    slowest = sorted(
        ((percentile([s for k, w, s in timings if w == "ours" and k == f"text:{label}"], 95),
          label) for label, _q in labelled),
        reverse=True,
    )[:5]  # fmt: skip
    ours, baseline = pick("ours", "any"), pick("baseline", "any")
    ours_p95, baseline_p95 = percentile(ours, 95), percentile(baseline, 95)
    emit(
        "catalogue_search",
        Figures(ours, unit="searches"),
        Figures(baseline, unit="searches"),
        ratio=round(baseline_p95 / ours_p95, 3),
        ratio_basis="baseline p95 / our p95, full-text searches",
        baseline_name="bare SQL full-text query (LIMIT 20); bare SELECT by isbn/barcode",
        records=total,
        clients=CLIENTS,
        rounds=ROUNDS,
        queries=len(labelled),
        narrow_queries=sum(1 for c in classes.values() if c == "narrow"),
        search_wall_s=round(elapsed, 1),
        **{f"{k}": v for k, v in figures.items()},
        slowest_p95_ms={label: round(p * 1000, 1) for p, label in slowest},
        targets_met={
            "narrow_p95_le_50ms": figures["narrow"]["p95_ms"] <= 50,
            "any_p95_le_300ms": figures["any"]["p95_ms"] <= 300,
            "isbn_p95_le_5ms": figures["isbn"]["p95_ms"] <= 5,
            "barcode_p95_le_5ms": figures["barcode"]["p95_ms"] <= 5,
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
