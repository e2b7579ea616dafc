"""Every acknowledged checkout survives a crash, and nothing is half-written.

The real server (`samenbieb serve`: gunicorn and the SIP2 server) runs as a child process
group on the test database. Kiosk connections lend items over real TCP; once enough
checkouts were acknowledged (a 12 reply with ok=1) the whole group gets SIGKILL in the
middle of the load. After a restart every acknowledged loan is there, and every item and
loan agree: no item on loan without an open loan, no open loan on an item that is not on
loan, no item lent twice.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.db.models import Count, Q

from samenbieb.circulation.models import Loan
from samenbieb.holdings.models import Item, ItemStatus
from tests.interfaces.sip2.conftest import KIOSK_PASSWORD, PIN, stamp, world_build
from tests.security.server import Server, Sip2Connection

pytestmark = [pytest.mark.postgres]

KIOSKS = 4
ITEMS_PER_KIOSK = 10  # the circulation rule allows 10 loans per member
KILL_AFTER = 18  # acknowledged checkouts before the crash


@pytest.fixture
def world(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the crash test runs the real server on PostgreSQL")
    return world_build()


@pytest.fixture
def server(world, tmp_path):
    running = Server(log=tmp_path / "server.log")
    yield running
    running.stop()


def _lend(port: int, card: str, barcodes: list[str], acked: list, lock, enough) -> None:
    """One kiosk: log in, lend each barcode in turn until the connection dies."""
    try:
        kiosk = Sip2Connection(port)
    except OSError:
        return
    try:
        assert kiosk.send(f"9300CNkiosk-a1|CO{KIOSK_PASSWORD}|").fixed["ok"] == "1"
        for barcode in barcodes:
            reply = kiosk.send(f"11YN{stamp()}{stamp()}AO|AA{card}|AB{barcode}|AC|AD{PIN}|")
            if reply.fixed.get("ok") == "1":
                with lock:
                    acked.append((card, barcode))
                    if len(acked) >= KILL_AFTER:
                        enough.set()
    except (OSError, ConnectionError, ValueError):
        return  # the server died under us: whatever was not acknowledged may be lost
    finally:
        kiosk.close()


def _assert_consistent() -> None:
    open_loans = Loan.objects.filter(returned_at__isnull=True)
    twice = open_loans.values("item").annotate(n=Count("id")).filter(n__gt=1)
    assert not twice.exists(), "an item is lent twice"
    on_loan = set(Item.objects.filter(status=ItemStatus.ON_LOAN).values_list("pk", flat=True))
    lent = set(open_loans.values_list("item_id", flat=True))
    assert on_loan == lent, "items on loan and open loans disagree"


def test_acknowledged_checkouts_survive_sigkill_under_load(world, server):
    members = [world.member() for _ in range(KIOSKS)]
    items = [[world.copy(world.a1).barcode for _ in range(ITEMS_PER_KIOSK)] for _ in members]
    server.start()

    acked: list[tuple[str, str]] = []
    lock = threading.Lock()
    enough = threading.Event()
    kiosks = [
        threading.Thread(
            target=_lend, args=(server.sip2_port, member.card, barcodes, acked, lock, enough)
        )
        for member, barcodes in zip(members, items, strict=True)
    ]
    for kiosk in kiosks:
        kiosk.start()
    assert enough.wait(timeout=120), f"only {len(acked)} checkouts were acknowledged"
    server.kill()  # SIGKILL to gunicorn, its workers and the SIP2 server, mid-load
    for kiosk in kiosks:
        kiosk.join(timeout=60)
    with lock:
        acknowledged = list(acked)
    total = KIOSKS * ITEMS_PER_KIOSK
    assert len(acknowledged) < total, "the load ended before the crash: kill earlier"

    server.start()  # the restart recovers on its own: no repair step

    for card, barcode in acknowledged:
        assert Loan.objects.filter(
            item__barcode=barcode, person__cards__barcode=card, returned_at__isnull=True
        ).exists(), f"acknowledged checkout of {barcode} was lost"
    _assert_consistent()
    # Nothing half-written anywhere: every item of the test is either lent or still free.
    statuses = set(Item.objects.values_list("status", flat=True))
    assert statuses <= {ItemStatus.AVAILABLE, ItemStatus.ON_LOAN}

    # The restarted server lends on: a free item goes out and the books still agree.
    free = Item.objects.filter(status=ItemStatus.AVAILABLE).exclude(
        Q(barcode__in=[barcode for _card, barcode in acknowledged])
    )
    kiosk = Sip2Connection(server.sip2_port)
    try:
        assert kiosk.send(f"9300CNkiosk-a1|CO{KIOSK_PASSWORD}|").fixed["ok"] == "1"
        fresh = world.member()
        barcode = free.first().barcode
        reply = kiosk.send(f"11YN{stamp()}{stamp()}AO|AA{fresh.card}|AB{barcode}|AC|AD{PIN}|")
        assert reply.fixed["ok"] == "1"
    finally:
        kiosk.close()
    _assert_consistent()
    # The server logged at DEBUG throughout: no PIN and no card number in any line.
    log = server.log.read_text()
    assert "SIP2" in log
    assert PIN not in log
    assert not [member.card for member in [*members, fresh] if member.card in log]
