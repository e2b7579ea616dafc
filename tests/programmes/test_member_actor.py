"""Who the audit trail names when someone signs up for an activity or books a consultation:
a logged-in member in the portal is the actor; staff at the desk are; someone without an
account (and whoever holds a registration's link) is not known, so it stays the system's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from samenbieb.core.models import AuditEvent
from samenbieb.programmes import services
from samenbieb.programmes.models import Registration, Slot
from tests.factories import LibraryCardFactory, PersonFactory, StaffRoleFactory
from tests.programmes.factories import ActivityFactory, RegistrationFactory
from tests.programmes.factories_consult import consult_world

pytestmark = pytest.mark.django_db

PASSWORD = "Leeskring-Oudegracht-42"


def _log_in(client, person) -> None:
    person.set_password(PASSWORD)
    person.save()
    card = LibraryCardFactory(person=person)
    response = client.post(
        reverse("portal:login"), {"identifier": card.barcode, "password": PASSWORD}
    )
    assert response.status_code == 302


def _actor(event_type: str) -> tuple[str, int | None, int | None]:
    event = AuditEvent.objects.filter(event_type=event_type).latest("pk")
    return event.actor_label, event.actor_id, event.actor_person_id


# --- activities ------------------------------------------------------------------------


def test_a_member_signing_up_in_the_portal_is_audited_with_the_member_as_actor(client):
    person = PersonFactory()
    _log_in(client, person)
    activity = ActivityFactory()

    response = client.post(reverse("portal:activity_register", args=[activity.pk]))

    assert response.status_code == 302
    assert _actor("programmes.registration.created") == ("member", None, person.pk)


def test_a_member_cancelling_in_the_portal_is_audited_with_the_member_as_actor(client):
    person = PersonFactory()
    _log_in(client, person)
    mine = RegistrationFactory(person=person, name="", phone="")

    response = client.post(reverse("portal:my_activity_cancel", args=[mine.pk]))

    assert response.status_code == 302
    assert _actor("programmes.registration.cancelled") == ("member", None, person.pk)


def test_someone_without_an_account_and_the_registration_link_stay_the_systems(client):
    activity = ActivityFactory()
    client.post(
        reverse("portal:activity_register", args=[activity.pk]),
        {"name": "Henk de Vries", "phone": "06 12345678"},
    )
    assert _actor("programmes.registration.created") == ("system", None, None)

    registration = Registration.objects.get()
    client.post(reverse("portal:activity_registration_cancel", args=[registration.token]))
    assert _actor("programmes.registration.cancelled") == ("system", None, None)


def test_staff_signing_a_member_up_at_the_desk_is_audited_as_staff():
    activity = ActivityFactory()
    desk = StaffRoleFactory(organisation=activity.organisation, role="desk").user
    person = PersonFactory()

    services.registration_create(actor=desk, activity=activity, person=person, member=person)

    assert _actor("programmes.registration.created") == (desk.username, desk.pk, None)


def test_a_registration_made_for_a_member_by_the_system_is_not_theirs():
    """A partner's referral or the demo loader registers a member without them acting."""
    person = PersonFactory()

    services.registration_create(actor=None, activity=ActivityFactory(), person=person)

    assert _actor("programmes.registration.created") == ("system", None, None)


# --- consultations ---------------------------------------------------------------------


@pytest.fixture
def slot():
    world = consult_world()
    now = timezone.now()
    for weekday in range(6):
        services.schedule_set(
            actor=None,
            activity=world.ido,
            branch=world.centrum,
            weekday=weekday,
            starts=dt.time(10),
            ends=dt.time(12),
            valid_from=timezone.localdate(now),
            now=now,
        )
    return Slot.objects.filter(starts_at__gt=now).order_by("starts_at").first()


def _book(client, slot, **fields):
    url = reverse("portal:consult_slot_book", args=[slot.pk])
    topic = client.get(url).context["form"].fields["topic"].queryset.get(code="digid")
    return client.post(url, {"topic": topic.pk, **fields})


def test_a_member_booking_a_consultation_in_the_portal_is_audited_with_the_member_as_actor(
    client, slot
):
    person = PersonFactory(home_organisation=slot.activity.organisation)
    _log_in(client, person)

    assert _book(client, slot).status_code == 302

    assert _actor("programmes.appointment.booked") == ("member", None, person.pk)
    event = AuditEvent.objects.get(event_type="programmes.appointment.booked")
    assert event.subject_person_id == person.pk


def test_someone_without_an_account_booking_stays_the_systems(client, slot):
    assert _book(client, slot, name="Ans de Vries", phone="06-1234 5678").status_code == 302

    assert _actor("programmes.appointment.booked") == ("system", None, None)
    event = AuditEvent.objects.get(event_type="programmes.appointment.booked")
    assert event.subject_person_id is None
