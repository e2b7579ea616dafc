"""Registering for activities: places, the waiting list, the window, one per person."""

from __future__ import annotations

import datetime as dt

import pytest

from samenbieb.core.errors import NotPermitted
from samenbieb.core.models import AuditEvent
from samenbieb.programmes import services
from samenbieb.programmes.errors import InvalidActivity, InvalidPhone, Reason, RegistrationRefused
from samenbieb.programmes.models import (
    ActivityStatus,
    Attendance,
    Registration,
    RegistrationStatus,
    RegistrationVia,
)
from tests.factories import PersonFactory, StaffRoleFactory
from tests.programmes.factories import NOW, ActivityFactory, RegistrationFactory, at

pytestmark = pytest.mark.django_db


def register_visitor(activity, name="Fatima", phone="06 12345678", **kwargs):
    return services.registration_create(
        actor=None, activity=activity, name=name, phone=phone, now=NOW, **kwargs
    )


def test_a_member_gets_a_place_while_there_is_one():
    activity = ActivityFactory(capacity=2)
    registration = services.registration_create(
        actor=None, activity=activity, person=PersonFactory(), now=NOW
    )
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.via == RegistrationVia.PORTAL
    assert len(registration.token) == 43


def test_when_the_places_are_taken_the_next_person_goes_on_the_waiting_list():
    activity = ActivityFactory(capacity=1)
    register_visitor(activity, phone="0612345678")
    second = register_visitor(activity, phone="0687654321")
    assert second.status == RegistrationStatus.WAITING


def test_without_a_limit_everyone_gets_a_place():
    activity = ActivityFactory(capacity=None)
    for number in range(5):
        assert register_visitor(activity, phone=f"061234567{number}").status == "confirmed"


def test_a_member_registers_once_per_activity():
    activity = ActivityFactory()
    person = PersonFactory()
    services.registration_create(actor=None, activity=activity, person=person, now=NOW)
    with pytest.raises(RegistrationRefused) as refused:
        services.registration_create(actor=None, activity=activity, person=person, now=NOW)
    assert refused.value.reason == Reason.ALREADY_REGISTERED
    assert Registration.objects.filter(activity=activity).count() == 1


def test_the_same_phone_number_cannot_register_twice_for_one_activity():
    activity = ActivityFactory()
    register_visitor(activity, phone="06-12345678")
    with pytest.raises(RegistrationRefused) as refused:
        register_visitor(activity, name="Fatima B.", phone="+31 6 1234 5678")
    assert refused.value.reason == Reason.ALREADY_REGISTERED
    assert refused.value.field == "phone"


def test_a_member_who_cancelled_may_register_again():
    activity = ActivityFactory()
    person = PersonFactory()
    first = services.registration_create(actor=None, activity=activity, person=person, now=NOW)
    services.registration_cancel(actor=None, registration=first, person=person, now=NOW)
    again = services.registration_create(actor=None, activity=activity, person=person, now=NOW)
    assert again.status == RegistrationStatus.CONFIRMED


def test_someone_without_an_account_leaves_only_a_name_and_a_normalised_phone_number():
    registration = register_visitor(
        ActivityFactory(), name="  Fatima   El  Amrani ", phone="06-1234 5678"
    )
    assert registration.person is None
    assert registration.name == "Fatima El Amrani"
    assert registration.phone == "+31612345678"


@pytest.mark.parametrize(
    "phone",
    [
        "",
        "12345",
        "06 1234567",
        "06 123456789",
        "+32 470 12 34 56",
        "0800 1234567",
        "0900-8844",
        "telefoon",
    ],
)
def test_an_invalid_phone_number_is_refused_and_nothing_is_saved(phone):
    activity = ActivityFactory()
    with pytest.raises(InvalidPhone) as refused:
        register_visitor(activity, phone=phone)
    assert refused.value.field == "phone"
    assert not Registration.objects.exists()
    assert not AuditEvent.objects.filter(event_type__startswith="programmes.registration").exists()


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("0612345678", "+31612345678"),
        ("+31 (0)6 12 34 56 78", "+31612345678"),
        ("0031 30 123 4567", "+31301234567"),
        ("030-1234567", "+31301234567"),
    ],
)
def test_dutch_phone_numbers_are_stored_in_international_form(phone, stored):
    assert register_visitor(ActivityFactory(), phone=phone).phone == stored


def test_a_name_is_required_without_an_account():
    with pytest.raises(RegistrationRefused) as refused:
        register_visitor(ActivityFactory(), name="   ")
    assert refused.value.reason == Reason.NAME_REQUIRED


def test_registration_before_the_window_opens_is_refused():
    activity = ActivityFactory(registration_opens_at=at(2))
    with pytest.raises(RegistrationRefused) as refused:
        register_visitor(activity)
    assert refused.value.reason == Reason.NOT_OPEN_YET


def test_registration_after_closing_is_refused():
    activity = ActivityFactory(registration_closes_at=NOW - dt.timedelta(minutes=1))
    with pytest.raises(RegistrationRefused) as refused:
        register_visitor(activity)
    assert refused.value.reason == Reason.CLOSED
    assert not Registration.objects.exists()


def test_without_a_closing_time_registration_closes_when_the_first_session_starts():
    activity = ActivityFactory(
        sessions=[(NOW - dt.timedelta(hours=1), NOW + dt.timedelta(hours=1)), (at(7), at(7, 12))]
    )
    with pytest.raises(RegistrationRefused) as refused:
        register_visitor(activity)
    assert refused.value.reason == Reason.CLOSED


def test_drafts_cancelled_and_past_activities_take_no_registrations():
    draft = ActivityFactory(status=ActivityStatus.DRAFT)
    cancelled = ActivityFactory(status=ActivityStatus.CANCELLED)
    past = ActivityFactory(sessions=[(at(-2), at(-2, 12))])
    reasons = []
    for activity in (draft, cancelled, past):
        with pytest.raises(RegistrationRefused) as refused:
            register_visitor(activity)
        reasons.append(refused.value.reason)
    assert reasons == [Reason.ACTIVITY_NOT_OPEN, Reason.ACTIVITY_CANCELLED, Reason.ACTIVITY_OVER]


def test_staff_register_someone_on_their_behalf_only_at_their_own_library():
    activity = ActivityFactory()
    desk = StaffRoleFactory(organisation=activity.organisation, role="desk").user
    registration = services.registration_create(
        actor=desk, activity=activity, name="Henk", phone="0612345678", via="desk", now=NOW
    )
    assert registration.registered_by == desk
    elsewhere = StaffRoleFactory(role="desk").user
    with pytest.raises(NotPermitted):
        services.registration_create(
            actor=elsewhere, activity=activity, name="Henk", phone="0687654321", now=NOW
        )


def test_a_cancelled_place_goes_to_the_first_on_the_waiting_list():
    activity = ActivityFactory(capacity=1)
    taken = register_visitor(activity, phone="0611111111")
    first = services.registration_create(
        actor=None, activity=activity, person=PersonFactory(), now=NOW + dt.timedelta(minutes=1)
    )
    second = services.registration_create(
        actor=None,
        activity=activity,
        name="Henk",
        phone="0622222222",
        now=NOW + dt.timedelta(minutes=2),
    )
    services.registration_cancel(
        actor=None, registration=taken, token=taken.token, now=NOW + dt.timedelta(hours=1)
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == RegistrationStatus.CONFIRMED
    assert first.promoted_at == NOW + dt.timedelta(hours=1)
    assert second.status == RegistrationStatus.WAITING
    assert AuditEvent.objects.filter(event_type="programmes.registration.promoted").count() == 1


def test_cancelling_a_place_on_the_waiting_list_promotes_nobody():
    activity = ActivityFactory(capacity=1)
    register_visitor(activity, phone="0611111111")
    waiting = register_visitor(activity, phone="0622222222")
    third = register_visitor(activity, phone="0633333333")
    services.registration_cancel(actor=None, registration=waiting, token=waiting.token, now=NOW)
    third.refresh_from_db()
    assert third.status == RegistrationStatus.WAITING


def test_more_places_move_people_up_from_the_waiting_list():
    activity = ActivityFactory(capacity=1)
    register_visitor(activity, phone="0611111111")
    waiting = register_visitor(activity, phone="0622222222")
    data = services.ActivityData(
        kind=activity.kind,
        title=activity.title,
        themes=list(activity.themes.all()),
        branch=activity.branch,
        capacity=2,
    )
    services.activity_update(actor=None, activity=activity, data=data, now=NOW)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_fewer_places_than_people_registered_is_refused():
    activity = ActivityFactory(capacity=2)
    register_visitor(activity, phone="0611111111")
    register_visitor(activity, phone="0622222222")
    data = services.ActivityData(
        kind=activity.kind,
        title=activity.title,
        themes=list(activity.themes.all()),
        branch=activity.branch,
        capacity=1,
    )
    with pytest.raises(InvalidActivity) as refused:
        services.activity_update(actor=None, activity=activity, data=data, now=NOW)
    assert refused.value.code == "invalid_activity"
    activity.refresh_from_db()
    assert activity.capacity == 2


def test_only_the_member_or_the_link_can_cancel_a_registration():
    activity = ActivityFactory()
    registration = services.registration_create(
        actor=None, activity=activity, person=PersonFactory(), now=NOW
    )
    with pytest.raises(RegistrationRefused):
        services.registration_cancel(
            actor=None, registration=registration, person=PersonFactory(), now=NOW
        )
    with pytest.raises(RegistrationRefused):
        services.registration_cancel(
            actor=None, registration=registration, token="not-the-token", now=NOW
        )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_a_cancelled_activity_cancels_its_registrations():
    activity = ActivityFactory()
    registration = register_visitor(activity)
    services.activity_cancel(actor=None, activity=activity, reason="Docent ziek", now=NOW)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


def test_attendance_is_recorded_per_session_and_can_be_corrected():
    activity = ActivityFactory(sessions=[(at(0, 14), at(0, 16)), (at(7, 9), at(7, 11))])
    came = register_visitor(activity, phone="0611111111")
    stayed_home = register_visitor(activity, phone="0622222222")
    coordinator = StaffRoleFactory(
        organisation=activity.organisation, role="programme_coordinator"
    ).user
    session = activity.sessions.first()
    assert (
        services.attendance_record(actor=coordinator, session=session, present=[came.pk], now=NOW)
        == 1
    )
    assert dict(Attendance.objects.values_list("registration_id", "present")) == {
        came.pk: True,
        stayed_home.pk: False,
    }
    services.attendance_record(
        actor=coordinator, session=session, present=[came.pk, stayed_home.pk], now=NOW
    )
    assert Attendance.objects.filter(present=True).count() == 2


def test_attendance_for_a_session_on_a_later_day_is_refused():
    activity = ActivityFactory()
    register_visitor(activity)
    with pytest.raises(RegistrationRefused) as refused:
        services.attendance_record(actor=None, session=activity.sessions.get(), present=[], now=NOW)
    assert refused.value.reason == Reason.SESSION_NOT_STARTED


def test_attendance_only_for_people_with_a_place():
    activity = ActivityFactory(capacity=1, sessions=[(at(0, 14), at(0, 16))])
    register_visitor(activity, phone="0611111111")
    waiting = RegistrationFactory(activity=activity, status=RegistrationStatus.WAITING)
    with pytest.raises(RegistrationRefused) as refused:
        services.attendance_record(
            actor=None, session=activity.sessions.get(), present=[waiting.pk], now=NOW
        )
    assert refused.value.reason == Reason.NOT_CONFIRMED
    assert not Attendance.objects.exists()


def test_the_audit_trail_never_holds_the_name_or_phone_of_a_visitor():
    register_visitor(ActivityFactory(), name="Fatima El Amrani", phone="0612345678")
    event = AuditEvent.objects.get(event_type="programmes.registration.created")
    assert "Fatima" not in str(event.details)
    assert "612345678" not in str(event.details)
