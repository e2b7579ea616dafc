"""The audit trail: who did what, where, to what; written once and never changed."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from samenbieb.core.audit import SYSTEM_ACTOR, audit_record
from samenbieb.core.models import AppendOnlyError, AuditEvent
from tests.factories import BranchFactory, StaffUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return audit_record(
        actor=None, event_type="network.branch.created", organisation_id=7, details={"code": "a"}
    )


def test_audit_record_stores_the_actor_organisation_and_object():
    user = StaffUserFactory(username="bea")
    branch = BranchFactory()

    recorded = audit_record(
        actor=user,
        event_type="network.branch.created",
        organisation_id=branch.organisation_id,
        target=branch,
        details={"code": branch.code},
        reason="Nieuwe vestiging",
    )

    stored = AuditEvent.objects.get(pk=recorded.pk)
    assert stored.event_type == "network.branch.created"
    assert stored.actor == user
    assert stored.actor_label == "bea"
    assert stored.organisation_id == branch.organisation_id
    assert stored.object_type == "network.branch"
    assert stored.object_id == str(branch.pk)
    assert stored.details == {"code": branch.code}
    assert stored.reason == "Nieuwe vestiging"
    assert stored.occurred_at is not None


def test_the_actor_label_outlives_the_staff_account():
    user = StaffUserFactory(username="bea")
    recorded = audit_record(actor=user, event_type="network.branch.created", organisation_id=None)

    user.delete()

    recorded.refresh_from_db()
    assert recorded.actor is None
    assert recorded.actor_label == "bea"


def test_audit_record_names_the_system_when_there_is_no_actor():
    recorded = audit_record(actor=None, event_type="network.demo.loaded", organisation_id=None)

    assert recorded.actor is None
    assert recorded.actor_label == SYSTEM_ACTOR == "system"
    assert recorded.organisation_id is None
    assert (recorded.object_type, recorded.object_id) == ("", "")
    assert recorded.details == {}


def test_audit_record_keeps_at_most_300_characters_of_reason():
    recorded = audit_record(
        actor=None, event_type="network.branch.created", organisation_id=None, reason="x" * 400
    )

    recorded.refresh_from_db()
    assert recorded.reason == "x" * 300


@pytest.mark.parametrize(
    "event_type",
    [
        "created",
        "branch.created",
        "Network.Branch.Created",
        "network..created",
        "network.branch.created.",
        "network.branch created",
        "network.branch.created ",
        "1network.branch.created",
        "",
    ],
)
def test_audit_record_rejects_an_event_type_that_is_not_app_entity_verb(event_type):
    with pytest.raises(ValueError, match=r"app\.entity\.verb"):
        audit_record(actor=None, event_type=event_type, organisation_id=None)

    assert not AuditEvent.objects.exists()


def test_an_event_type_may_have_more_than_three_parts():
    recorded = audit_record(
        actor=None, event_type="circulation.loan.due_date.moved", organisation_id=None
    )

    assert recorded.event_type == "circulation.loan.due_date.moved"


def test_a_written_event_cannot_be_saved_again(event):
    event.reason = "changed"

    with pytest.raises(AppendOnlyError):
        event.save()

    event.refresh_from_db()
    assert event.reason == ""


def test_a_written_event_cannot_be_deleted(event):
    with pytest.raises(AppendOnlyError):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_events_cannot_be_updated_through_a_queryset(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(actor_label="someone else")

    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(reason="changed")

    event.refresh_from_db()
    assert (event.actor_label, event.reason) == ("system", "")


def test_events_cannot_be_bulk_updated(event):
    event.reason = "changed"

    # bulk_update runs in its own atomic block, so the refusal must roll back only that block.
    with pytest.raises(AppendOnlyError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["reason"])

    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_events_cannot_be_deleted_through_a_queryset(event):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()

    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_new_event_cannot_overwrite_an_existing_one_by_reusing_its_id(event):
    forged = AuditEvent(
        pk=event.pk,
        occurred_at=event.occurred_at,
        event_type="network.branch.deleted",
        actor_label="intruder",
    )

    with pytest.raises((AppendOnlyError, IntegrityError)), transaction.atomic():
        forged.save()

    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.event_type, stored.actor_label) == ("network.branch.created", "system")
