"""Many people click "register" for the last place at once: it is taken once.

Needs PostgreSQL (SQLite lets one writer in at a time anyway); every thread has its own
database connection and they all start together at a barrier.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from samenbieb.programmes import services
from samenbieb.programmes.errors import RegistrationRefused
from samenbieb.programmes.models import Registration, RegistrationStatus
from tests.factories import PersonFactory
from tests.programmes.factories import NOW, ActivityFactory, RegistrationFactory

pytestmark = [pytest.mark.postgres]


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrency needs PostgreSQL")


def register_at_once(activity, people) -> Counter[str]:
    start = threading.Barrier(len(people))
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()

    def run(person) -> None:
        try:
            start.wait(timeout=30)
            try:
                registration = services.registration_create(
                    actor=None, activity=activity, person=person, now=NOW
                )
                outcome = registration.status
            except RegistrationRefused as refused:
                outcome = str(refused.reason)
            with lock:
                outcomes[outcome] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(outcomes.values()) == len(people), outcomes
    return outcomes


def test_twenty_people_at_once_for_the_last_place_give_exactly_one_place(postgres):
    activity = ActivityFactory(capacity=8)
    for _ in range(7):
        RegistrationFactory(activity=activity)
    people = [PersonFactory() for _ in range(20)]
    outcomes = register_at_once(activity, people)
    assert outcomes == Counter({"confirmed": 1, "waiting": 19})
    assert activity.registrations.filter(status=RegistrationStatus.CONFIRMED).count() == 8


def test_one_member_clicking_twice_at_once_is_registered_once(postgres):
    activity = ActivityFactory(capacity=8)
    person = PersonFactory()
    outcomes = register_at_once(activity, [person] * 6)
    assert outcomes == Counter({"confirmed": 1, "already_registered": 5})
    assert Registration.objects.filter(person=person).count() == 1


def test_two_cancellations_at_once_each_promote_a_different_person(postgres):
    activity = ActivityFactory(capacity=2)
    seated = [RegistrationFactory(activity=activity) for _ in range(2)]
    waiting = [
        services.registration_create(actor=None, activity=activity, person=PersonFactory(), now=NOW)
        for _ in range(3)
    ]
    start = threading.Barrier(2)

    def cancel(registration) -> None:
        try:
            start.wait(timeout=30)
            services.registration_cancel(
                actor=None, registration=registration, token=registration.token, now=NOW
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=cancel, args=(row,)) for row in seated]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    statuses = [Registration.objects.get(pk=row.pk).status for row in waiting]
    assert statuses == ["confirmed", "confirmed", "waiting"]
