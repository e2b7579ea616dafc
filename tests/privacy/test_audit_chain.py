"""The audit trail is a hash chain: tampering by hand is found, redaction is not tampering."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, connections, transaction
from django.utils import timezone

from samenbieb.core import audit_chain
from samenbieb.core.audit import MEMBER_ACTOR, audit_record
from samenbieb.core.models import AuditEvent
from tests.factories import PersonFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


def _raw_update(sql: str, params: list[object]) -> None:
    """What a database superuser does by hand: past the trigger too (replica mode)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")


def _events(count: int, organisation_id: int | None = 7) -> list[AuditEvent]:
    return [
        audit_record(
            actor=None,
            event_type="network.branch.changed",
            organisation_id=organisation_id,
            details={"n": n},
        )
        for n in range(count)
    ]


def test_events_of_one_organisation_form_a_chain_that_verifies():
    first, second, third = _events(3)
    other = audit_record(actor=None, event_type="network.branch.created", organisation_id=8)

    assert (first.chain, first.chain_seq, first.prev_hash) == (7, 1, audit_chain.GENESIS)
    assert (second.chain_seq, second.prev_hash) == (2, first.row_hash)
    assert third.prev_hash == second.row_hash
    assert (other.chain, other.chain_seq) == (8, 1)
    assert audit_chain.verify().ok


def test_audit_verify_finds_a_detail_changed_by_hand_and_names_the_first_broken_row(capsys):
    events = _events(4)
    _raw_update("UPDATE core_auditevent SET reason = %s WHERE id = %s", ["ingevuld", events[1].pk])

    with pytest.raises(CommandError, match="broken"):
        call_command("audit", "verify")

    err = capsys.readouterr().err
    assert f"chain 7, position 2 (event id {events[1].pk})" in err
    assert "changed after writing" in err


def test_audit_verify_finds_a_changed_type_and_a_removed_row():
    events = _events(4)
    _raw_update(
        "UPDATE core_auditevent SET event_type = %s WHERE id = %s",
        ["network.branch.viewed", events[0].pk],
    )
    assert [b.event_id for b in audit_chain.verify().breaks] == [events[0].pk]

    _raw_update(
        "UPDATE core_auditevent SET event_type = %s WHERE id = %s",
        ["network.branch.changed", events[0].pk],
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [events[2].pk])
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = origin")

    (found,) = audit_chain.verify().breaks
    assert (found.event_id, found.chain_seq) == (events[3].pk, 4)
    assert "missing" in found.problem


def test_audit_verify_passes_on_an_intact_trail(capsys):
    _events(2)
    call_command("audit", "verify")
    assert "audit trail intact" in capsys.readouterr().out


def test_a_member_who_acts_is_recorded_by_id_with_no_personal_data_in_the_label():
    person = PersonFactory(given_name="Sanne", family_name="de Vries")
    event = audit_record(
        actor=None, member=person, event_type="privacy.person.exported", organisation_id=None
    )

    assert event.actor_label == MEMBER_ACTOR
    assert (event.actor_person_id, event.subject_person_id) == (person.pk, person.pk)
    assert "Sanne" not in event.actor_label + str(event.details)


def test_redaction_blanks_personal_fields_and_the_chain_still_verifies():
    person = PersonFactory()
    staff = StaffUserFactory()
    about = audit_record(
        actor=staff,
        event_type="members.person.viewed",
        organisation_id=7,
        target=person,
        reason="lid aan de balie",
        details={"view": "details"},
    )
    _events(1)

    assert audit_chain.redact(person_id=person.pk, now=timezone.now()) == 1

    about.refresh_from_db()
    assert (about.details, about.reason, about.object_id, about.subject_person_id) == (
        {},
        "",
        "",
        None,
    )
    assert about.redacted_at is not None
    assert about.actor_label == staff.username
    assert audit_chain.verify().ok


def test_a_redaction_forged_by_hand_is_detected():
    events = _events(2)
    _raw_update(
        "UPDATE core_auditevent SET details = '{}', salt = '', redacted_at = %s WHERE id = %s",
        [timezone.now(), events[0].pk],
    )

    (found,) = audit_chain.verify().breaks
    assert found.event_id == events[0].pk
    assert "without a redaction record" in found.problem


def test_pruning_keeps_the_rest_of_the_chain_verifiable():
    old = _events(3)
    later = timezone.now()
    newer = _events(2)

    removed = audit_chain.prune(before=later, now=timezone.now())

    assert removed == 3
    assert not AuditEvent.objects.filter(pk__in=[e.pk for e in old]).exists()
    assert AuditEvent.objects.filter(pk__in=[e.pk for e in newer]).count() == 2
    assert audit_chain.verify().ok


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the database trigger and real concurrency need PostgreSQL")


def test_the_database_refuses_to_update_or_delete_an_audit_row(postgres):
    (event,) = _events(1)
    for sql in (
        "UPDATE core_auditevent SET reason = 'x' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_the_database_allows_removing_a_staff_account_that_acted(postgres):
    staff = StaffUserFactory(username="bea")
    event = audit_record(actor=staff, event_type="network.branch.created", organisation_id=7)

    staff.delete()

    event.refresh_from_db()
    assert (event.actor_id, event.actor_label) == (None, "bea")
    assert audit_chain.verify().ok


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_connections_writing_one_chain_at_once_never_fork_it(postgres):
    """Each thread has its own PostgreSQL connection; the first holds its transaction
    open after writing, so the second must wait for the chain lock and link after it."""
    first_wrote = threading.Event()
    release_first = threading.Event()
    errors: list[BaseException] = []

    def first() -> None:
        try:
            with transaction.atomic():
                audit_record(actor=None, event_type="network.branch.changed", organisation_id=9)
                first_wrote.set()
                release_first.wait(timeout=30)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def second() -> None:
        try:
            first_wrote.wait(timeout=30)
            audit_record(actor=None, event_type="network.branch.changed", organisation_id=9)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_wrote.wait(timeout=30)
    # The second writer is blocked on the chain's advisory lock, not done.
    threads[1].join(timeout=1)
    assert threads[1].is_alive()
    release_first.set()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors
    rows = list(AuditEvent.objects.filter(chain=9).order_by("chain_seq"))
    assert [row.chain_seq for row in rows] == [1, 2]
    assert rows[1].prev_hash == rows[0].row_hash
    assert audit_chain.verify().ok
