"""SIP2 at national scale: 16 kiosks borrowing and returning over SIP2, against the same
transactions called directly on the services, in the same run; then the memory of 2,000
idle kiosk connections.

Data: the synthetic ``national`` network (seed 2026, anchored on 2026-11-23): 150
libraries, 1,000,000 members, 1,000,000 records with 2,000,000 copies, generated when the
bench database lacks them (``BENCH_SIP2_SMALL=1``: 20,000 members, 20,000 records and
40,000 copies, for a quick run). No loan history: a checkout's cost does not depend on it
beyond the member's own open loans, which are none here.

The desks: one branch at each of the 16 libraries with the most members, each with a
machine account (``selfservice.services.kiosk_add``), an adult member of the library who
may borrow (running membership, nothing owed, no loans or holds) with a PIN
(``member_password_set``), and books on the shelf at home there whose title nobody
reserved.

Ours: the SIP2 server as ``samenbieb sip2 --allow-plain`` in a process of its own, on
localhost. 16 kiosks (processes, one TCP connection each) log in (93), send a status (99)
and prove the member's PIN (63 with ``AD``), untimed; then each does cycles of the
messages a kiosk sends for a member borrowing one book and a return machine taking it
back: ``63`` patron information, ``11`` checkout, ``09`` check-in. The PIN is verified
once per patron session (the first 63), as on a real kiosk; later 63s repeat it.

The baseline: the same cycles called directly in 16 processes (own database connection
each), with the calls the SIP2 handlers make for each message and nothing else:
63 → ``patron_by_card`` + ``selfservice.queries.patron_account`` +
``charges_block_threshold``; 11 → ``patron_by_card`` + ``services.loan_checkout``;
09 → ``services.loan_checkin``. What ours costs on top is the protocol: parsing and
formatting, the socket round trips, the hop to a worker thread, the connection health
check, and one process's GIL for all 16 kiosks.

Rounds alternate (baseline, SIP2, baseline, SIP2, …) so a busy moment on a shared machine
does not land on one side only. Rates are checkouts plus check-ins per second of wall
time of a round, all 16 clients together; latencies are per message.

Idle connections: after the rounds, 2,000 TCP connections are opened to the same server
and each sends one malformed frame (answered with 96, so each connection has been read
and answered); the server's resident memory (``VmRSS``) is read before and with all of
them open, and a kiosk's cycle is timed while they are.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import random
import resource
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from bench._common import analyse, database_label, note, percentile, process_rss_mb
from samenbieb.catalog.generate import generated_records
from samenbieb.circulation import queries as circulation_queries
from samenbieb.circulation import services
from samenbieb.circulation.errors import Refused
from samenbieb.circulation.models import HOLD_ACTIVE, Charge, Hold, Loan
from samenbieb.holdings.models import Item, ItemStatus, ItemType
from samenbieb.interfaces.sip2 import codec
from samenbieb.members.auth import member_password_set
from samenbieb.members.generate import synthetic_persons
from samenbieb.members.models import CardStatus, LibraryCard, Person
from samenbieb.network.generate import generated_organisations, network_generate
from samenbieb.network.models import Branch, BranchKind
from samenbieb.selfservice import queries as selfservice_queries
from samenbieb.selfservice.models import Kiosk
from samenbieb.selfservice.services import kiosk_add, kiosk_password_set

SEED = 2026
START = dt.date(2026, 11, 23)  # the synthetic network's members are anchored on this day
CLIENTS = 16
ROUNDS = int(os.environ.get("BENCH_SIP2_ROUNDS", "3"))  # of each side
CYCLES = int(os.environ.get("BENCH_SIP2_CYCLES", "25"))  # per client and round
# The paced round: a patron at a kiosk takes on average this long before each message (scan
# the card, put a book down, …), so 16 kiosks offer about 32 messages a second.
PAUSE_S = 0.5
PACED_CYCLES = 8
IDLE_CONNECTIONS = int(os.environ.get("BENCH_SIP2_IDLE", "2000"))
TARGETS = {"ratio": 0.7, "p95_ms": 30.0, "idle_rss_mb": 300.0}
KIOSK_PASSWORD = "Bench-kiosk-password-2026"  # noqa: S105 (a bench account on a bench database)
PIN = "bench-pin-4711"
LENDABLE_TYPES = ("book",)
KIOSK_BRANCH_KINDS = (BranchKind.MAIN, BranchKind.BRANCH)
TABLES = ("circulation_loan", "holdings_item", "core_auditevent", "catalog_search_document")
TS = " " * 18
READ_TIMEOUT_S = 30.0


def wanted() -> dict[str, int]:
    if os.environ.get("BENCH_SIP2_SMALL"):
        return {"persons": 20_000, "records": 20_000, "items": 40_000}
    return {"persons": 1_000_000, "records": 1_000_000, "items": 2_000_000}


# --- data ----------------------------------------------------------------------------


def data_ensure(want: dict[str, int]) -> float | None:
    """The synthetic network with members and copies; the seconds it took, if generated."""
    libraries = generated_organisations().filter(kind="library").count()
    have = {
        "persons": synthetic_persons().count(),
        "records": generated_records().count(),
        "items": Item.objects.filter(organisation__in=generated_organisations()).count(),
    }
    if libraries and have == want:
        note(
            f"the synthetic network is there: {have['persons']:,} members, "
            f"{have['records']:,} records, {have['items']:,} copies"
        )
        return None
    started = time.perf_counter()
    last = [started]

    def detail(message: str) -> None:
        if time.perf_counter() - last[0] > 30:
            note(f"  {time.perf_counter() - started:6.0f} s  {message}")
            last[0] = time.perf_counter()

    note(f"generating the national network: {want} (a quarter of an hour at full size)…")
    network_generate(
        scale="national",
        seed=SEED,
        today=START,
        records=want["records"],
        items=want["items"],
        persons=want["persons"],
        detail=detail,
    )
    return time.perf_counter() - started


@dataclass(frozen=True)
class Desk:
    """One kiosk's world: its account, its branch, its member and books on its shelf."""

    number: int
    kiosk: str
    kiosk_id: int
    branch: int
    card: str
    person: int
    barcodes: list[str]


def eligible_member(library: int, today: dt.date) -> Person | None:
    """An adult member of ``library`` who may borrow today and has nothing open."""
    adults = synthetic_persons().filter(
        home_organisation_id=library,
        birth_date__lte=today.replace(year=today.year - 18),
        memberships__cancelled_at__isnull=True,
        memberships__starts_on__lte=today,
        memberships__ends_on__gte=today,
    )
    return (
        adults.exclude(
            Exists(
                Charge.objects.filter(
                    person=OuterRef("pk"), paid_at__isnull=True, cancelled_at__isnull=True
                )
            )
        )
        .exclude(Exists(Loan.objects.filter(person=OuterRef("pk"), returned_at__isnull=True)))
        .exclude(Exists(Hold.objects.filter(person=OuterRef("pk"), status__in=HOLD_ACTIVE)))
        .filter(Exists(LibraryCard.objects.filter(person=OuterRef("pk"), status=CardStatus.ACTIVE)))
        .order_by("id")
        .first()
    )


def shelf_barcodes(branch: int, count: int) -> list[str]:
    """Books on the shelf at ``branch``, at home there, whose title nobody reserved."""
    types = ItemType.objects.filter(code__in=LENDABLE_TYPES)
    return list(
        Item.objects.filter(
            home_branch_id=branch,
            current_branch_id=branch,
            status=ItemStatus.AVAILABLE,
            item_type__in=types,
        )
        .exclude(
            Exists(Hold.objects.filter(record_id=OuterRef("record_id"), status__in=HOLD_ACTIVE))
        )
        .order_by("id")
        .values_list("barcode", flat=True)[:count]
    )


def desks_prepare(count: int, items_each: int) -> list[Desk]:
    """The 16 desks: branches of the libraries with the most members (busiest first)."""
    today = timezone.localdate()
    libraries = (
        synthetic_persons()
        .values("home_organisation_id")
        .annotate(members=Count("id"))
        .order_by("-members", "home_organisation_id")
        .values_list("home_organisation_id", flat=True)
    )
    desks: list[Desk] = []
    for library in libraries:
        if len(desks) == count:
            break
        branch = (
            # Kiosks stand in main libraries and branches, not in buses or service points.
            Branch.objects.filter(
                organisation_id=library, is_active=True, kind__in=KIOSK_BRANCH_KINDS
            )
            .annotate(
                shelf=Count(
                    "home_items",
                    filter=Q(
                        home_items__status=ItemStatus.AVAILABLE,
                        home_items__item_type__code__in=LENDABLE_TYPES,
                    ),
                )
            )
            .order_by("-shelf", "id")
            .select_related("organisation")
            .first()
        )
        person = eligible_member(library, today)
        if branch is None or person is None:
            continue
        barcodes = shelf_barcodes(branch.pk, items_each)
        if len(barcodes) < items_each:
            continue
        username = f"bench-sip2-{branch.organisation.isil.lower()}-{branch.code}"[:64]
        kiosk = Kiosk.objects.filter(username=username).first()
        if kiosk is None:
            kiosk = kiosk_add(actor=None, branch=branch, username=username, password=KIOSK_PASSWORD)
        else:
            kiosk_password_set(actor=None, kiosk=kiosk, password=KIOSK_PASSWORD)
        member_password_set(person=person, password=PIN)
        card = person.cards.filter(status=CardStatus.ACTIVE).values_list("barcode", flat=True)[0]
        desks.append(
            Desk(len(desks), kiosk.username, kiosk.pk, branch.pk, card, person.pk, barcodes)
        )
    if len(desks) < count:
        raise SystemExit(f"bench/sip2: found only {len(desks)} desks with members and books")
    return desks


def loans_clear(desks: list[Desk]) -> int:
    """Take back what an interrupted earlier run left on loan (untimed)."""
    cleared = 0
    for desk in desks:
        branch = Branch.objects.select_related("organisation").get(pk=desk.branch)
        for barcode in Loan.objects.filter(
            returned_at__isnull=True, item__barcode__in=desk.barcodes
        ).values_list("item__barcode", flat=True):
            services.loan_checkin(actor=None, branch=branch, barcode=barcode)
            cleared += 1
    return cleared


# --- the SIP2 side: kiosks over TCP --------------------------------------------------


class Connection:
    """A blocking SIP2 client on one socket."""

    def __init__(self, port: int) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=READ_TIMEOUT_S)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def ask(self, wire: bytes) -> bytes:
        self.sock.sendall(wire)
        while b"\r" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the SIP2 server closed the connection")
            self.buffer += chunk
        reply, _, self.buffer = self.buffer.partition(b"\r")
        return reply

    def close(self) -> None:
        self.sock.close()


def wire(code: str, fixed: dict[str, str], fields: list[tuple[str, str]]) -> bytes:
    return codec.format_message(codec.Message.build(code, fixed, fields))


def login(desk: Desk) -> bytes:
    return wire("93", {"uid_algorithm": "0", "pwd_algorithm": "0"},
                [("CN", desk.kiosk), ("CO", KIOSK_PASSWORD), ("CP", "bench")])  # fmt: skip


STATUS = wire("99", {"status_code": "0", "max_print_width": "040", "protocol_version": "2.00"}, [])


def patron_information(desk: Desk) -> bytes:
    return wire("63", {"language": "005", "transaction_date": TS, "summary": "          "},
                [("AO", "bench"), ("AA", desk.card), ("AC", ""), ("AD", PIN)])  # fmt: skip


def checkout(desk: Desk, barcode: str) -> bytes:
    fixed = {"sc_renewal_policy": "N", "no_block": "N", "transaction_date": TS, "nb_due_date": TS}
    fields = [("AO", "bench"), ("AA", desk.card), ("AB", barcode), ("AC", ""), ("AD", PIN)]
    return wire("11", fixed, fields)


def checkin(barcode: str) -> bytes:
    return wire("09", {"no_block": "N", "transaction_date": TS, "return_date": TS},
                [("AP", "bench"), ("AO", "bench"), ("AB", barcode), ("AC", "")])  # fmt: skip


Timing = tuple[str, float]  # (message code, seconds)


@dataclass(frozen=True)
class ClientResult:
    timings: list[Timing]
    started: float
    ended: float
    failures: list[str]


def kiosk_client(args: tuple[Desk, int, int, int, float, Any]) -> ClientResult:
    """One kiosk: log in and prove the PIN (untimed), then ``cycles`` of 63, 11, 09; with
    a ``pause`` (seconds, mean), a random wait before each message, as a patron takes."""
    desk, port, cycles, offset, pause, barrier = args
    wait = pauses(desk, pause)
    kiosk = Connection(port)
    failures: list[str] = []
    assert kiosk.ask(login(desk)) == b"941", "kiosk login refused"
    assert kiosk.ask(STATUS).startswith(b"98")
    first = kiosk.ask(patron_information(desk))
    assert b"|CQY|" in first, f"PIN not accepted: {first[:60]!r}"
    info = patron_information(desk)
    plan = [
        (checkout(desk, barcode), checkin(barcode))
        for barcode in (desk.barcodes[(offset + i) % len(desk.barcodes)] for i in range(cycles))
    ]
    timings: list[Timing] = []
    barrier.wait()
    started = time.perf_counter()
    for out, back in plan:
        wait()
        t0 = time.perf_counter()
        reply = kiosk.ask(info)
        t1 = time.perf_counter()
        wait()
        t2 = time.perf_counter()
        lent = kiosk.ask(out)
        t3 = time.perf_counter()
        wait()
        t4 = time.perf_counter()
        returned = kiosk.ask(back)
        t5 = time.perf_counter()
        timings += [("63", t1 - t0), ("11", t3 - t2), ("09", t5 - t4)]
        if not reply.startswith(b"64"):
            failures.append(f"63: {reply[:40]!r}")
        if not lent.startswith(b"121"):
            failures.append(f"11: {lent[:120]!r}")
        if not returned.startswith(b"101"):
            failures.append(f"09: {returned[:120]!r}")
    ended = time.perf_counter()
    kiosk.close()
    return ClientResult(timings, started, ended, failures)


# --- the baseline: the same calls, directly ------------------------------------------


def direct_client(args: tuple[Desk, int, int, int, float, Any]) -> ClientResult:
    """One desk calling what the SIP2 handlers call, on its own database connection."""
    desk, _port, cycles, offset, pause, barrier = args
    wait = pauses(desk, pause)
    connections.close_all()  # a forked child must not share the parent's connection
    branch = Branch.objects.select_related("organisation").get(pk=desk.branch)
    barcodes = [desk.barcodes[(offset + i) % len(desk.barcodes)] for i in range(cycles)]
    failures: list[str] = []
    timings: list[Timing] = []
    circulation_queries.patron_by_card(desk.card)  # warm, untimed
    barrier.wait()
    started = time.perf_counter()
    for barcode in barcodes:
        wait()
        t0 = time.perf_counter()
        person = circulation_queries.patron_by_card(desk.card)
        selfservice_queries.patron_account(person, branch=branch, today=timezone.localdate())
        circulation_queries.charges_block_threshold()
        t1a = time.perf_counter()
        wait()
        t1 = time.perf_counter()
        try:
            person = circulation_queries.patron_by_card(desk.card)
            services.loan_checkout(actor=None, branch=branch, person=person, barcode=barcode)
        except Refused as refused:
            failures.append(f"11: {refused.reason}")
        t2 = time.perf_counter()
        wait()
        t2b = time.perf_counter()
        try:
            services.loan_checkin(actor=None, branch=branch, barcode=barcode)
        except Refused as refused:
            failures.append(f"09: {refused.reason}")
        t3 = time.perf_counter()
        timings += [("63", t1a - t0), ("11", t2 - t1), ("09", t3 - t2b)]
    ended = time.perf_counter()
    connections.close_all()
    return ClientResult(timings, started, ended, failures)


def pauses(desk: Desk, mean: float) -> Any:
    """A function that waits a random while (exponential, ``mean`` seconds), or not at all."""
    rng = random.Random(f"{SEED}/{desk.number}")

    def wait() -> None:
        if mean:
            time.sleep(rng.expovariate(1 / mean))

    return wait


def run_round(
    side: str, desks: list[Desk], port: int, round_number: int, *, cycles: int, pause: float = 0
) -> list[ClientResult]:
    connections.close_all()
    context = multiprocessing.get_context("fork")
    with context.Manager() as manager:
        barrier = manager.Barrier(len(desks))
        offset = round_number * CYCLES
        args = [(desk, port, cycles, offset, pause, barrier) for desk in desks]
        with context.Pool(len(desks)) as pool:
            return pool.map(kiosk_client if side == "sip2" else direct_client, args)


# --- the server --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


SERVER_LOG = os.path.join(os.environ.get("SAMENBIEB_DATA_DIR", "."), "sip2-server.log")


def server_start(port: int) -> subprocess.Popen[bytes]:
    """``samenbieb sip2 --allow-plain`` on ``port``, its log in SERVER_LOG; returns once it
    accepts connections."""
    command = [
        os.path.join(os.path.dirname(sys.executable), "samenbieb"),
        "sip2",
        "--allow-plain",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--idle-timeout",
        "3600",
    ]
    with open(SERVER_LOG, "wb") as log:
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"bench/sip2: the SIP2 server exited with {server.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.2)  # waiting for a process to listen, not synchronising a test
    server.kill()
    raise SystemExit("bench/sip2: the SIP2 server did not start listening within 60 s")


def server_stop(server: subprocess.Popen[bytes]) -> int:
    """Stop the server; the number of errors it logged (each shown)."""
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()
    with open(SERVER_LOG, encoding="utf-8", errors="replace") as log:
        errors = [line.rstrip() for line in log if " ERROR " in line]
    for line in errors[:5]:
        note(f"server: {line}")
    return len(errors)


def open_files_raise(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))


def idle_connections(server: subprocess.Popen[bytes], port: int, desk: Desk) -> dict[str, Any]:
    """Open IDLE_CONNECTIONS connections, each answered once; the server's memory, and a
    kiosk's cycles while they are open."""
    open_files_raise(IDLE_CONNECTIONS + 256)
    rss_before = process_rss_mb(server.pid)
    sockets: list[socket.socket] = []
    try:
        for _ in range(IDLE_CONNECTIONS):
            sock = socket.create_connection(("127.0.0.1", port), timeout=READ_TIMEOUT_S)
            sock.sendall(b"XX\r")  # malformed: answered with 96, the connection stays open
            sockets.append(sock)
        for sock in sockets:
            reply = b""
            while not reply.endswith(b"\r"):
                chunk = sock.recv(16)
                if not chunk:
                    raise SystemExit("bench/sip2: the server closed an idle connection")
                reply += chunk
            assert reply == b"96\r", reply
        rss_idle = process_rss_mb(server.pid)
        kiosk = Connection(port)
        assert kiosk.ask(login(desk)) == b"941"
        kiosk.ask(patron_information(desk))
        latencies = []
        for barcode in desk.barcodes[:10]:
            for message in (patron_information(desk), checkout(desk, barcode), checkin(barcode)):
                t0 = time.perf_counter()
                kiosk.ask(message)
                latencies.append(time.perf_counter() - t0)
        kiosk.close()
    finally:
        for sock in sockets:
            sock.close()
    return {
        "idle_connections": IDLE_CONNECTIONS,
        "rss_before_idle_mb": round(rss_before, 1),
        "idle_rss_mb": round(rss_idle, 1),
        "idle_kb_per_connection": round((rss_idle - rss_before) * 1024 / IDLE_CONNECTIONS, 1),
        "p95_ms_with_idle_connections": round(percentile(latencies, 95) * 1000, 3),
    }


# --- figures -----------------------------------------------------------------------------


def figures(results: list[list[ClientResult]]) -> dict[str, Any]:
    """Rates over each round's wall time; latencies per message over all rounds."""
    timings = [t for round_ in results for client in round_ for t in client.timings]
    transactions = [s for code, s in timings if code in ("11", "09")]
    walls = [max(c.ended for c in r) - min(c.started for c in r) for r in results]
    counted = [sum(1 for c in r for code, _ in c.timings if code in ("11", "09")) for r in results]
    out: dict[str, Any] = {
        "p50_ms": round(percentile(transactions, 50) * 1000, 3),
        "p95_ms": round(percentile(transactions, 95) * 1000, 3),
        "transactions_per_s": round(sum(counted) / sum(walls), 1),
    }
    for code in ("63", "11", "09"):
        values = [s for c, s in timings if c == code]
        out[f"m{code}_p50_ms"] = round(percentile(values, 50) * 1000, 3)
        out[f"m{code}_p95_ms"] = round(percentile(values, 95) * 1000, 3)
    out["rounds_per_s"] = [round(n / w, 1) for n, w in zip(counted, walls, strict=True)]
    out["failures"] = [f for r in results for c in r for f in c.failures][:10]
    return out


def main() -> int:
    if connection.vendor != "postgresql":
        note("bench/sip2: measured on PostgreSQL only (the server and 16 clients write at once)")
    generated_s = data_ensure(wanted())
    analyse(*TABLES)
    desks = desks_prepare(CLIENTS, ROUNDS * CYCLES)
    cleared = loans_clear(desks)
    if cleared:
        note(f"took back {cleared} loans left by an earlier run")
    port = free_port()
    server = server_start(port)
    rounds: dict[str, list[list[ClientResult]]] = {"direct": [], "sip2": []}
    load_before = os.getloadavg()[0]
    try:
        for number in range(ROUNDS):
            for side in ("direct", "sip2") if number % 2 == 0 else ("sip2", "direct"):
                note(f"round {number + 1}/{ROUNDS}, {side}: {CLIENTS} clients x {CYCLES} cycles…")
                rounds[side].append(run_round(side, desks, port, number, cycles=CYCLES))
        paced: dict[str, list[ClientResult]] = {}
        for side in ("direct", "sip2"):
            note(f"paced, {side}: {CLIENTS} clients x {PACED_CYCLES} cycles, "
                 f"{PAUSE_S * 1000:.0f} ms mean pause before each message…")  # fmt: skip
            paced[side] = run_round(side, desks, port, ROUNDS, cycles=PACED_CYCLES, pause=PAUSE_S)
        load_after = os.getloadavg()[0]
        note(f"{IDLE_CONNECTIONS} idle connections…")
        idle = idle_connections(server, port, desks[0])
    finally:
        server_errors = server_stop(server)
    ours, baseline = figures(rounds["sip2"]), figures(rounds["direct"])
    ratio = round(ours["transactions_per_s"] / baseline["transactions_per_s"], 3)
    paced_figures = {}
    for side, prefix in (("sip2", ""), ("direct", "baseline_")):
        values = [s for c in paced[side] for code, s in c.timings if code in ("11", "09")]
        paced_figures[f"{prefix}p50_ms"] = round(percentile(values, 50) * 1000, 3)
        paced_figures[f"{prefix}p95_ms"] = round(percentile(values, 95) * 1000, 3)
        paced_figures[f"{prefix}failures"] = [f for c in paced[side] for f in c.failures][:5]
    line = {
        "name": "sip2",
        "benchmark": "sip2",
        "database": database_label(),
        "date": dt.date.today().isoformat(),  # noqa: DTZ011 (a label, not a due date)
        "n": sum(len(c.timings) for r in rounds["sip2"] for c in r) // 3 * 2,
        **ours,
        **{f"baseline_{key}": value for key, value in baseline.items()},
        "ratio": ratio,
        "ratio_basis": "SIP2 transactions/s ÷ direct service calls transactions/s",
        "baseline_name": "the SIP2 handlers' service and query calls, directly, 16 processes",
        "paced": {
            "pause_mean_ms": PAUSE_S * 1000,
            "cycles_per_client": PACED_CYCLES,
            **paced_figures,
        },
        **idle,
        "server_errors": server_errors,
        "server_workers": int(str(settings.SIP2["WORKERS"])),
        "clients": CLIENTS,
        "rounds": ROUNDS,
        "cycles_per_client_and_round": CYCLES,
        "members": synthetic_persons().count(),
        "items": Item.objects.filter(organisation__in=generated_organisations()).count(),
        "generated_s": round(generated_s, 1) if generated_s is not None else None,
        "load_before": round(load_before, 2),
        "load_after": round(load_after, 2),
        "targets_met": {
            "ratio_ge_0.7": ratio >= TARGETS["ratio"],
            "p95_le_30ms": ours["p95_ms"] <= TARGETS["p95_ms"],
            "paced_p95_le_30ms": paced_figures["p95_ms"] <= TARGETS["p95_ms"],
            "idle_rss_le_300mb": idle["idle_rss_mb"] <= TARGETS["idle_rss_mb"],
        },
    }
    print(json.dumps(line, ensure_ascii=False), flush=True)
    return 1 if ours["failures"] or baseline["failures"] or server_errors else 0


if __name__ == "__main__":
    random.seed(SEED)
    sys.exit(main())
