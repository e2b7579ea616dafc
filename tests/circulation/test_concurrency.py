"""Many desks at once: row locks keep circulation consistent.

Needs PostgreSQL (SQLite lets one writer in at a time anyway); every thread has its own
database connection and they all start together at a barrier.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection, connections

from samenbieb.circulation import services
from samenbieb.circulation.errors import Refused
from samenbieb.circulation.models import Hold, HoldStatus, Loan
from tests.circulation.conftest import NOW, days_later
from tests.factories import RecordFactory

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL")


def run_at_once(calls: list[Callable[[], object]]) -> Counter[str]:
    """Run ``calls`` in threads released together; count outcomes ("ok" or the refusal)."""
    start = threading.Barrier(len(calls))
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def run(call: Callable[[], object]) -> None:
        try:
            start.wait(timeout=30)
            try:
                call()
                outcome = "ok"
            except Refused as refused:
                outcome = str(refused.reason)
            with lock:
                outcomes[outcome] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(outcomes.values()) == len(calls), outcomes
    return outcomes


def test_fifty_simultaneous_checkouts_of_one_item_give_exactly_one_loan(postgres, network):
    item = network.copy(network.a1)
    members = [network.member(network.a) for _ in range(50)]
    outcomes = run_at_once(
        [
            lambda member=member: services.loan_checkout(
                actor=None, branch=network.a1, person=member, barcode=item.barcode, now=NOW
            )
            for member in members
        ]
    )
    assert outcomes["ok"] == 1
    assert outcomes["on_loan_to_someone_else"] == 49
    assert Loan.objects.filter(item=item).count() == 1


def test_one_returned_copy_fills_exactly_one_hold_when_scanned_twice_at_once(postgres, network):
    item = network.copy(network.a1)
    services.loan_checkout(
        actor=None,
        branch=network.a1,
        person=network.member(network.a),
        barcode=item.barcode,
        now=NOW,
    )
    for day in range(1, 6):
        services.hold_place(
            actor=None,
            person=network.member(network.b),
            record=item.record,
            pickup_branch=network.b1,
            now=days_later(day),
        )
    # A scanner and a return machine at the same branch read the same item at once.
    desks = [network.a1] * 12
    outcomes = run_at_once(
        [
            lambda desk=desk: services.loan_checkin(
                actor=None, branch=desk, barcode=item.barcode, now=days_later(7)
            )
            for desk in desks
        ]
    )
    assert outcomes["ok"] == 1
    assert outcomes["in_transit"] == 11
    assert Hold.objects.filter(item=item, status=HoldStatus.IN_TRANSIT).count() == 1
    assert Hold.objects.filter(status=HoldStatus.WAITING).count() == 4
    assert Loan.objects.get(item=item).returned_at is not None


def test_copies_returned_at_the_same_moment_each_fill_a_different_hold(postgres, network):
    record = RecordFactory()
    copies = [network.copy(network.a1, record) for _ in range(6)]
    for copy in copies:
        services.loan_checkout(
            actor=None,
            branch=network.a1,
            person=network.member(network.a),
            barcode=copy.barcode,
            now=NOW,
        )
    holds = [
        services.hold_place(
            actor=None,
            person=network.member(network.c),
            record=record,
            pickup_branch=network.c1,
            now=days_later(1 + n),
        )
        for n in range(4)
    ]
    outcomes = run_at_once(
        [
            lambda copy=copy: services.loan_checkin(
                actor=None, branch=network.a1, barcode=copy.barcode, now=days_later(7)
            )
            for copy in copies
        ]
    )
    assert outcomes["ok"] == 6
    filled = Hold.objects.filter(pk__in=[h.pk for h in holds], status=HoldStatus.IN_TRANSIT)
    assert filled.count() == 4
    assert len({hold.item_id for hold in filled}) == 4


def test_concurrent_renewals_respect_the_renewal_limit(postgres, network):
    member = network.member(network.a)
    loan = services.loan_checkout(
        actor=None,
        branch=network.a1,
        person=member,
        barcode=network.copy(network.a1).barcode,
        now=NOW,
    )
    outcomes = run_at_once(
        [
            lambda: services.loan_renew(actor=None, loan=loan, person=member, now=days_later(3))
            for _ in range(10)
        ]
    )
    assert outcomes["ok"] == 2
    assert outcomes["renewal_limit"] == 8
    loan.refresh_from_db()
    assert loan.renewals == 2
