"""A full OAI-PMH harvest of the catalogue (``marc21``), against serialising it in-process.

Ours: a harvester (``requests`` and lxml, as light as a client gets) fetches
``ListRecords&metadataPrefix=marc21`` from gunicorn (two workers, the production server)
on localhost and follows the resumption tokens to the end; timed per page, counted in
records per second. Baseline, in the same run and page by page in turn with ours: the
same records read with the same query (:func:`samenbieb.catalog.harvest.harvest_page`)
and serialised to MARCXML in-process, without HTTP, the OAI-PMH envelope, sets or the
client's parsing. The ratio
says what the protocol costs on top of reading and serialising.

The catalogue is the synthetic ``national`` network's (records without source MARC, so
MARCXML is made from the fields; two items per record, so every record is in owner sets),
no members or loans. ``BENCH_OAI_RECORDS`` sets its size (default 1,000,000 on PostgreSQL,
20,000 on SQLite); it is generated when the bench database does not hold that many.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import requests
from django.db import connection
from lxml import etree

from bench._common import Figures, analyse, emit, note
from samenbieb.catalog import harvest, metadata
from samenbieb.catalog.generate import generated_records
from samenbieb.catalog.models import Record
from samenbieb.interfaces.oai import views
from samenbieb.network.generate import network_generate

SEED = 2026
OAI = "{http://www.openarchives.org/OAI/2.0/}"
WORKERS = 2


def records_wanted() -> int:
    default = 1_000_000 if connection.vendor == "postgresql" else 20_000
    return int(os.environ.get("BENCH_OAI_RECORDS", "0")) or default


def catalogue_ensure(wanted: int) -> int:
    have = generated_records().count()
    if have == wanted:
        note(f"the synthetic catalogue is there: {have:,} records")
        return Record.objects.count()
    note(f"generating a synthetic network with {wanted:,} records (minutes)…")
    started = time.perf_counter()
    network = network_generate(scale="national", seed=SEED, records=wanted, persons=0, loans=0)
    note(f"generated in {time.perf_counter() - started:.0f} s: {network.counts}")
    analyse()
    return Record.objects.count()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_start(port: int) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "samenbieb.config.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--timeout", "300", "--log-level", "warning"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "samenbieb.config.settings"},
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/oai?verb=Identify", timeout=60)
            return process
        except requests.RequestException:
            time.sleep(0.5)
    process.terminate()
    process.wait(timeout=30)
    raise RuntimeError("gunicorn did not start")


Page = tuple[float, int]  # seconds, records


def harvest_over_http(port: int) -> Iterator[Page]:
    """Each page's latency and records, following the resumption tokens to the end."""
    session = requests.Session()
    params: dict[str, str] = {"verb": "ListRecords", "metadataPrefix": "marc21"}
    while True:
        start = time.perf_counter()
        response = session.get(f"http://127.0.0.1:{port}/oai", params=params, timeout=300)
        root = etree.fromstring(response.content)
        listing = root.find(f"{OAI}ListRecords")
        if listing is None:
            raise RuntimeError(response.text[:500])
        count = len(listing.findall(f"{OAI}record"))
        token = listing.findtext(f"{OAI}resumptionToken")
        yield time.perf_counter() - start, count
        if not token:
            return
        params = {"verb": "ListRecords", "resumptionToken": token}


def serialise_in_process() -> Iterator[Page]:
    """The same pages read and serialised to MARCXML without HTTP or the OAI-PMH envelope."""
    after = 0
    while True:
        start = time.perf_counter()
        page = harvest.harvest_page(after_id=after, limit=views.RECORDS_PER_PAGE)
        if not page:
            return
        collection = etree.Element(f"{{{metadata.MARC_NS}}}collection")
        for record, relations in page:
            collection.append(metadata.marcxml(record, relations))
        etree.tostring(collection, encoding="UTF-8")
        yield time.perf_counter() - start, len(page)
        after = page[-1][0].pk


def alternate(port: int) -> tuple[list[Page], list[Page]]:
    """Both walks through the catalogue, page by page in turn, so that a busy moment on a
    shared machine falls on both sides alike."""
    ours, baseline = harvest_over_http(port), serialise_in_process()
    pages: tuple[list[Page], list[Page]] = ([], [])
    running = [True, True]
    while any(running):
        for side, walk in enumerate((ours, baseline)):
            if running[side]:
                page = next(walk, None)
                if page is None:
                    running[side] = False
                else:
                    pages[side].append(page)
        if len(pages[0]) % 400 == 0 and running[0]:
            note(f"  {sum(count for _s, count in pages[0]):,} records")
    return pages


def main() -> int:
    total = catalogue_ensure(records_wanted())
    port = free_port()
    server = server_start(port)
    try:
        note(f"harvesting {total:,} records over HTTP ({WORKERS} gunicorn workers), and")
        note("serialising them in-process, page by page in turn…")
        started = time.perf_counter()
        http_pages, local_pages = alternate(port)
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    harvested = sum(count for _s, count in http_pages)
    serialised = sum(count for _s, count in local_pages)
    http_seconds = sum(seconds for seconds, _c in http_pages)
    local_seconds = sum(seconds for seconds, _c in local_pages)
    note(f"  over HTTP: {harvested:,} records in {http_seconds:.0f} s")
    note(f"  in-process: {serialised:,} records in {local_seconds:.0f} s (wall {wall:.0f} s)")
    per_page = views.RECORDS_PER_PAGE
    emit(
        "oai-harvest",
        Figures([s for s, _c in http_pages], unit="records", per_call=per_page),
        Figures([s for s, _c in local_pages], unit="records", per_call=per_page),
        records=total,
        harvested=harvested,
        complete=harvested == total,
        records_per_page=per_page,
        harvest_s=round(http_seconds, 1),
        harvest_records_per_s=round(harvested / http_seconds, 1),
        baseline_s=round(local_seconds, 1),
        baseline_records_per_s=round(serialised / local_seconds, 1),
        wall_s=round(wall, 1),
    )
    return 0 if harvested == total else 1


if __name__ == "__main__":
    sys.exit(main())
