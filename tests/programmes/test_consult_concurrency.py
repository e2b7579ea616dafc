"""Many people book the same consultation slot at the same moment: one gets it.

Needs PostgreSQL; every thread has its own connection and they start together at a
barrier (the pattern of tests/circulation/test_concurrency.py).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection, connections

from samenbieb.programmes import services
from samenbieb.programmes.errors_consult import ConsultationError
from samenbieb.programmes.models import Appointment, AppointmentStatus, Slot
from tests.programmes.factories_consult import NEXT_TUESDAY, NOW, TODAY, at, consult_world, topic

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL")


def run_at_once(calls: list[Callable[[], object]]) -> Counter[str]:
    start = threading.Barrier(len(calls))
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def run(call: Callable[[], object]) -> None:
        try:
            start.wait(timeout=30)
            try:
                call()
                outcome = "ok"
            except ConsultationError as refused:
                outcome = refused.code
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


@pytest.fixture
def slot(postgres):
    world = consult_world()
    services.schedule_set(
        actor=None,
        activity=world.ido,
        branch=world.centrum,
        weekday=1,
        starts=dt.time(10),
        ends=dt.time(12),
        valid_from=TODAY,
        now=NOW,
    )
    return Slot.objects.get(starts_at=at(NEXT_TUESDAY, 10))


def test_twenty_people_booking_one_slot_at_once_give_exactly_one_appointment(slot):
    digid = topic("digid")
    outcomes = run_at_once(
        [
            lambda n=n: services.appointment_book(
                actor=None, slot=slot, topic=digid, name=f"Persoon {n}", phone="0612345678", now=NOW
            )
            for n in range(20)
        ]
    )
    assert outcomes == Counter({"ok": 1, "slot_taken": 19})
    assert Appointment.objects.filter(slot=slot, status=AppointmentStatus.BOOKED).count() == 1


def test_the_partial_unique_index_refuses_a_second_booking_that_skips_the_lock(slot):
    from django.db import IntegrityError, transaction

    digid = topic("digid")
    Appointment.objects.create(
        slot=slot, topic=digid, name="A", phone="0612345678", created_at=NOW, token="a" * 43
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            slot=slot, topic=digid, name="B", phone="0612345678", created_at=NOW, token="b" * 43
        )
    Appointment.objects.filter(token="a" * 43).update(status=AppointmentStatus.CANCELLED)
    Appointment.objects.create(
        slot=slot, topic=digid, name="C", phone="0612345678", created_at=NOW, token="c" * 43
    )


def test_generators_running_at_once_make_each_slot_once(slot):
    activity = slot.activity
    Slot.objects.exclude(pk=slot.pk).delete()
    until = TODAY + dt.timedelta(days=28)
    outcomes = run_at_once(
        [
            lambda: services.slots_generate(actor=None, activity=activity, until=until, now=NOW)
            for _ in range(6)
        ]
    )
    assert outcomes == Counter({"ok": 6})
    assert Slot.objects.filter(activity=activity).count() == 4 * 4
