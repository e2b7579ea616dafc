"""Two desks scan the same item at the same moment: the row lock lets only one lend it.

Needs PostgreSQL (SQLite has no row locks); each thread has its own connection.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from samenbieb.core.models import AuditEvent
from samenbieb.holdings import services
from samenbieb.holdings.errors import InvalidTransition
from samenbieb.holdings.models import Item, ItemStatus
from samenbieb.holdings.states import Trigger
from tests.factories import ItemFactory

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")


def test_two_simultaneous_checkouts_of_one_item_lend_it_once(postgres):
    item = ItemFactory()
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def desk() -> None:
        copy = Item.objects.get(pk=item.pk)  # each desk read "available" before the race
        start.wait()
        try:
            services.item_transition(actor=None, item=copy, trigger=Trigger.CHECKOUT)
            outcomes.append("lent")
        except InvalidTransition:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=desk) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["lent", "refused"]
    item.refresh_from_db()
    assert item.status == ItemStatus.ON_LOAN
    assert AuditEvent.objects.filter(event_type="holdings.item.checkout").count() == 1
