"""Two members take the last copy at the same moment: the row lock lends it to one.

Needs PostgreSQL: SQLite has no row locks (its IMMEDIATE transactions let one writer in at
a time instead). Each thread has its own database connection.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from samenbieb.digital import services
from samenbieb.digital.errors import AllCopiesInUse
from samenbieb.digital.models import DigitalLoan
from tests.factories import DigitalResourceFactory

pytestmark = [pytest.mark.postgres]

WAIT = 30


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers instead")


def _take(person, resource) -> str:
    try:
        services.digital_access_grant(actor=None, person=person, resource=resource, borrow=True)
    except AllCopiesInUse:
        return "refused"
    return "lent"


def test_two_members_racing_for_the_last_copy_get_it_once(postgres, member_factory):
    resource = DigitalResourceFactory(copies=1)
    members = [member_factory(), member_factory()]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def member_opens(person) -> None:
        try:
            start.wait()
            outcomes.append(_take(person, resource))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=member_opens, args=(person,)) for person in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT)

    assert sorted(outcomes) == ["lent", "refused"]
    assert DigitalLoan.objects.count() == 1


def test_a_member_waits_for_the_lock_and_then_sees_the_copy_taken(postgres, member_factory):
    """Deterministic: the first member's transaction holds the lock, still uncommitted,
    until PostgreSQL reports that the second member's transaction waits for it."""
    resource = DigitalResourceFactory(copies=1)
    first, second = member_factory(), member_factory()
    first_has_copy = threading.Event()
    second_pid: list[int] = []
    outcomes: dict[str, str] = {}

    def first_member() -> None:
        try:
            with transaction.atomic():
                outcomes["first"] = _take(first, resource)
                first_has_copy.set()
                # Commit only once the second member is seen blocked on our row lock
                # (or has finished, which would mean no lock was taken).
                with connection.cursor() as cursor:
                    for _attempt in range(WAIT * 100):
                        if "second" in outcomes:
                            break
                        if second_pid:
                            cursor.execute(
                                "SELECT %s = ANY(pg_blocking_pids(%s))",
                                [connection.connection.info.backend_pid, second_pid[0]],
                            )
                            if cursor.fetchone()[0]:
                                break
                        threading.Event().wait(0.01)
        finally:
            connections.close_all()

    def second_member() -> None:
        try:
            first_has_copy.wait(WAIT)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                second_pid.append(cursor.fetchone()[0])
            outcomes["second"] = _take(second, resource)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first_member), threading.Thread(target=second_member)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=WAIT)

    assert outcomes == {"first": "lent", "second": "refused"}
    assert list(DigitalLoan.objects.values_list("person", flat=True)) == [first.pk]
