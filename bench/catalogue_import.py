"""MARC import until searchable, against pymarc parsing the same file alone, in the same run.

Ours: :func:`samenbieb.catalog.importer.import_marc_files` of the Library of Congress
sample (16,523 records, ISO 2709, UTF-8): framing, parsing, mapping, writing the records,
contributors, subjects and identifiers, and the search index, batch by batch, each batch
committed; the clock stops when a search finds the last record. The baseline: pymarc's
``MARCReader`` reading the same file and doing nothing else with the records. Runs
alternate (parse, import, parse, import, …); before each import the file's records are
deleted, untimed, so every import creates them anew. Records already in the catalogue
(the synthetic catalogue of ``catalogue_search``, when there) stay: a real catalogue is
not empty either.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from pymarc import MARCReader

from bench._common import Figures, analyse, emit, note, percentile
from samenbieb.catalog import importer, search
from samenbieb.catalog.generate import GENERATED_MATCH_KEY_PREFIX
from samenbieb.catalog.models import Record

FILE = (
    Path(__file__).resolve().parents[2] / "shared" / "data" / "marc" / "loc-books-2016-sample.mrc"
)
RUNS = 3


def bare_parse() -> int:
    count = 0
    with FILE.open("rb") as handle:
        for record in MARCReader(handle):
            if record is not None:
                count += 1
    return count


def imported_delete() -> None:
    """The records an earlier import made (not the synthetic ones, not those with copies)."""
    records = Record.objects.exclude(match_key__startswith=GENERATED_MATCH_KEY_PREFIX).filter(
        items__isnull=True
    )
    ids = list(records.values_list("id", flat=True))
    Record.objects.filter(id__in=ids).delete()
    search.index_records(ids)


def main() -> int:
    if not FILE.exists():
        note(f"{FILE} is missing")
        return 1
    batches: list[float] = []
    timed = importer.record_upsert_batch

    def timed_batch(**kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return timed(**kwargs)
        finally:
            batches.append(time.perf_counter() - start)

    importer.record_upsert_batch = timed_batch  # type: ignore[assignment]
    parse_runs: list[float] = []
    import_runs: list[float] = []
    parsed = imported = 0
    existing = Record.objects.count()
    note(f"{RUNS} runs of the bare parse and of our import of {FILE.name} "
         f"({existing:,} records in the catalogue)…")  # fmt: skip
    for run in range(RUNS):
        start = time.perf_counter()
        parsed = bare_parse()
        parse_runs.append(time.perf_counter() - start)
        imported_delete()
        analyse("catalog_record", "catalog_contributor", "catalog_subject", "catalog_identifier")
        batches_before = len(batches)
        start = time.perf_counter()
        report = importer.import_marc_files([FILE])
        last = Record.objects.exclude(match_key__startswith=GENERATED_MATCH_KEY_PREFIX).latest("id")
        found = search.search(search.SearchQuery(text=f"titel:{last.title[:60]}", per_page=100))
        import_runs.append(time.perf_counter() - start)
        if last.pk not in [r.pk for r in found.records]:
            note(f"  the last record ({last.pk}, {last.title!r}) is not found by its title")
        imported = report.created + report.updated + report.unchanged
        note(
            f"  run {run + 1}: parse {parsed / parse_runs[-1]:,.0f} records/s, import "
            f"{report.read / import_runs[-1]:,.0f} records/s ({imported:,} imported, "
            f"{len(report.problems)} problems, {len(batches) - batches_before} batches)"
        )
    emit(
        "catalogue_import",
        Figures(import_runs, unit="records", per_call=report.read),
        Figures(parse_runs, unit="records", per_call=parsed),
        baseline_name="pymarc MARCReader, parse only",
        file=FILE.name,
        records=report.read,
        imported=imported,
        runs=RUNS,
        catalogue_records_before=existing,
        batch_size=importer.DEFAULT_BATCH_SIZE,
        batch_p50_ms=round(percentile(batches, 50) * 1000, 1),
        batch_p95_ms=round(percentile(batches, 95) * 1000, 1),
        targets_met={
            "ge_5000_records_per_s": report.read * len(import_runs) / sum(import_runs) >= 5000,
            "ge_40_percent_of_bare_parse": (
                report.read * len(import_runs) / sum(import_runs)
                >= 0.4 * parsed * len(parse_runs) / sum(parse_runs)
            ),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
