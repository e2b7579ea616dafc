"""Booking a consultation slot with a topic: a member, or a name and a phone number."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from samenbieb.core.errors import NotPermitted
from samenbieb.core.models import AuditEvent
from samenbieb.programmes import queries_consultations as queries
from samenbieb.programmes import services
from samenbieb.programmes.errors_consult import (
    AppointmentNotActive,
    BookerMissing,
    PhoneInvalid,
    SlotInPast,
    SlotNotBookable,
    SlotOutsideOpeningHours,
    SlotTaken,
    TopicNotOffered,
)
from samenbieb.programmes.models import ActivityStatus, Appointment, AppointmentStatus, Slot
from tests.factories import ClosureFactory, PersonFactory
from tests.programmes.factories_consult import (
    NEXT_TUESDAY,
    NOW,
    TODAY,
    at,
    consult_world,
    topic,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
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
    return world


@pytest.fixture
def slot(world):
    return Slot.objects.get(starts_at=at(NEXT_TUESDAY, 10))


def book(slot, **fields):
    values = {"actor": None, "slot": slot, "topic": topic("digid"), "now": NOW}
    values.update(fields)
    return services.appointment_book(**values)


def test_someone_without_an_account_books_with_name_and_phone(slot):
    appointment = book(slot, name="  Ans  de Vries ", phone="+31 6 1234 5678")
    assert appointment.status == AppointmentStatus.BOOKED
    assert (appointment.name, appointment.phone) == ("Ans de Vries", "+31612345678")
    assert appointment.person is None
    assert appointment.topic.code == "digid"
    assert len(appointment.token) == 43
    assert not queries.slot_is_free(slot)


def test_a_member_books_without_giving_a_name(slot):
    person = PersonFactory()
    appointment = book(slot, person=person)
    assert appointment.person == person
    assert (appointment.name, appointment.phone) == ("", "")


def test_the_booking_is_audited_without_personal_data(slot):
    book(slot, name="Ans de Vries", phone="0612345678")
    event = AuditEvent.objects.get(event_type="programmes.appointment.booked")
    assert "Ans" not in str(event.details)
    assert "612345678" not in str(event.details)


def test_a_slot_is_booked_once(slot):
    book(slot, name="Ans", phone="0612345678")
    with pytest.raises(SlotTaken) as refused:
        book(slot, name="Bert", phone="0687654321", topic=topic("allowances"))
    assert refused.value.code == "slot_taken"
    assert Appointment.objects.count() == 1


def test_a_cancelled_booking_frees_the_slot(slot):
    first = book(slot, name="Ans", phone="0612345678")
    services.appointment_cancel(actor=None, appointment=first, token=first.token, now=NOW)
    second = book(slot, name="Bert", phone="0687654321")
    assert second.status == AppointmentStatus.BOOKED
    assert Appointment.objects.filter(status=AppointmentStatus.CANCELLED).get() == first


def test_a_past_slot_is_refused(slot):
    with pytest.raises(SlotInPast):
        book(slot, name="Ans", phone="0612345678", now=at(NEXT_TUESDAY, 10, 5))
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("phone", ["0612", "+32 470 12 34 56", "geen"])
def test_an_invalid_phone_number_is_refused_and_nothing_is_saved(slot, phone):
    with translation.override("en"), pytest.raises(PhoneInvalid) as refused:
        book(slot, name="Ans", phone=phone)
    assert refused.value.code == "invalid_phone"
    assert "06 12345678" in str(refused.value.message)
    assert not Appointment.objects.exists()
    assert not AuditEvent.objects.filter(event_type="programmes.appointment.booked").exists()


@pytest.mark.parametrize(("name", "phone"), [("", "0612345678"), ("Ans", ""), ("  ", "")])
def test_without_an_account_both_name_and_phone_are_needed(slot, name, phone):
    with pytest.raises(BookerMissing):
        book(slot, name=name, phone=phone)
    assert not Appointment.objects.exists()


def test_slots_of_an_unpublished_consultation_hour_are_refused(world, slot):
    world.ido.status = ActivityStatus.DRAFT
    world.ido.save()
    with pytest.raises(SlotNotBookable):
        book(slot, name="Ans", phone="0612345678")


def test_a_slot_on_a_day_closed_since_it_was_made_is_refused(world, slot):
    ClosureFactory(
        organisation=world.utrecht, start_date=NEXT_TUESDAY, end_date=NEXT_TUESDAY, reason="Storm"
    )
    with pytest.raises(SlotOutsideOpeningHours):
        book(slot, name="Ans", phone="0612345678")


def test_a_topic_outside_the_themes_of_the_consultation_hour_is_refused(slot):
    with pytest.raises(TopicNotOffered):
        book(slot, name="Ans", phone="0612345678", topic=topic("health_insurance"))
    assert book(slot, name="Ans", phone="0612345678", topic=topic("other"))


def test_cancelling_needs_the_token_the_member_or_staff(world, slot, staff_with_role):
    appointment = book(slot, name="Ans", phone="0612345678")
    with pytest.raises(AppointmentNotActive):
        services.appointment_cancel(actor=None, appointment=appointment, token="x" * 43, now=NOW)
    with pytest.raises(AppointmentNotActive):
        services.appointment_cancel(actor=None, appointment=appointment, person=PersonFactory())
    with pytest.raises(NotPermitted):
        services.appointment_cancel(
            actor=staff_with_role(world.arnhem, "desk"), appointment=appointment, now=NOW
        )
    services.appointment_cancel(
        actor=staff_with_role(world.utrecht, "desk"), appointment=appointment, now=NOW
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_a_member_cancels_their_own_appointment(slot):
    person = PersonFactory()
    appointment = book(slot, person=person)
    services.appointment_cancel(actor=None, appointment=appointment, person=person, now=NOW)
    with pytest.raises(AppointmentNotActive):
        services.appointment_cancel(actor=None, appointment=appointment, person=person, now=NOW)


def test_a_started_appointment_can_no_longer_be_cancelled(slot):
    appointment = book(slot, name="Ans", phone="0612345678")
    with pytest.raises(AppointmentNotActive):
        services.appointment_cancel(
            actor=None,
            appointment=appointment,
            token=appointment.token,
            now=at(NEXT_TUESDAY, 10, 1),
        )


def test_desk_staff_book_for_someone_only_at_their_own_library(world, slot, staff_with_role):
    with pytest.raises(NotPermitted):
        book(slot, name="Ans", phone="0612345678", actor=staff_with_role(world.arnhem, "desk"))
    desk = staff_with_role(world.utrecht, "desk")
    assert book(slot, name="Ans", phone="0612345678", actor=desk).booked_by == desk


def test_the_desk_records_whether_the_person_came(world, slot, staff_with_role):
    appointment = book(slot, name="Ans", phone="0612345678")
    desk = staff_with_role(world.utrecht, "desk")
    with pytest.raises(AppointmentNotActive):
        services.appointment_mark(actor=desk, appointment=appointment, attended=True, now=NOW)
    services.appointment_mark(
        actor=desk, appointment=appointment, attended=False, now=at(NEXT_TUESDAY, 10, 20)
    )
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.NO_SHOW


def test_names_and_numbers_are_erased_the_night_after_the_appointment(world, slot):
    person = PersonFactory()
    anonymous = book(slot, name="Ans", phone="0612345678")
    member = book(Slot.objects.get(starts_at=at(NEXT_TUESDAY, 10, 30)), person=person)
    later = book(
        Slot.objects.get(starts_at=at(NEXT_TUESDAY + dt.timedelta(days=7), 10)),
        name="Bert",
        phone="0687654321",
    )
    assert services.appointments_anonymise_past(now=at(NEXT_TUESDAY, 23)) == 0
    assert services.appointments_anonymise_past(now=at(NEXT_TUESDAY + dt.timedelta(days=1), 2)) == 2
    anonymous.refresh_from_db()
    member.refresh_from_db()
    later.refresh_from_db()
    assert (anonymous.name, anonymous.phone, anonymous.anonymised_at is not None) == ("", "", True)
    assert member.person is None
    assert anonymous.topic.code == "digid"  # the anonymous count stays
    assert later.name == "Bert"
    assert services.appointments_anonymise_past(now=at(NEXT_TUESDAY + dt.timedelta(days=2), 2)) == 0


def test_free_slots_of_a_consultation_hour_in_a_period(world, slot):
    book(slot, name="Ans", phone="0612345678")
    free = queries.slots_free(
        activity=world.ido, start=at(NEXT_TUESDAY, 0), end=at(NEXT_TUESDAY, 23)
    )
    assert [s.starts_at for s in free] == [
        at(NEXT_TUESDAY, 10, 30),
        at(NEXT_TUESDAY, 11),
        at(NEXT_TUESDAY, 11, 30),
    ]
    assert not queries.slots_free(
        branch=world.oost, start=at(NEXT_TUESDAY, 0), end=at(NEXT_TUESDAY, 23)
    ).exists()
