"""Activities in the portal, through the test client: find, sign up (one click for a
member, name and phone for everyone else), the registration's page, calendar files,
cancel, my activities."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from samenbieb.programmes.models import ActivityStatus, Registration, RegistrationStatus
from tests.factories import LibraryCardFactory, PersonFactory
from tests.programmes.factories import ActivityFactory, RegistrationFactory, at, theme

pytestmark = pytest.mark.django_db

PASSWORD = "Leeskring-Oudegracht-42"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def log_in(client, person):
    person.set_password(PASSWORD)
    person.save()
    card = LibraryCardFactory(person=person)
    response = client.post(
        reverse("portal:login"), {"identifier": card.barcode, "password": PASSWORD}
    )
    assert response.status_code == 302


def test_the_list_shows_published_activities_with_a_session_to_come_and_filters(client):
    safety = ActivityFactory(title="Veilig online bankieren", themes=[theme("digital_safety")])
    reading = ActivityFactory(title="Voorleesuur", themes=[theme("reading")])
    ActivityFactory(title="Nog een concept", status=ActivityStatus.DRAFT)
    ActivityFactory(title="Al geweest", sessions=[(at(-40, 14), at(-40, 16))])
    page = client.get(reverse("portal:activities")).content.decode()
    assert safety.title in page
    assert reading.title in page
    assert "Nog een concept" not in page
    assert "Al geweest" not in page
    filtered = client.get(reverse("portal:activities"), {"theme": "reading"}).content.decode()
    assert reading.title in filtered
    assert safety.title not in filtered


def test_the_list_uses_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for _ in range(10):
        ActivityFactory()
    with django_assert_max_num_queries(8):
        client.get(reverse("portal:activities"))


def test_a_draft_is_not_found(client):
    draft = ActivityFactory(status=ActivityStatus.DRAFT)
    assert client.get(reverse("portal:activity", args=[draft.pk])).status_code == 404


def test_someone_without_an_account_signs_up_with_name_and_phone(client):
    activity = ActivityFactory(capacity=8)
    response = client.post(
        reverse("portal:activity_register", args=[activity.pk]),
        {"name": "Henk de Vries", "phone": "06 12345678"},
    )
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "portal:activity_registration", args=[registration.token]
    )
    assert (registration.name, registration.phone) == ("Henk de Vries", "+31612345678")
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="confirmed"' in page
    assert reverse("portal:activity_registration_ics", args=[registration.token]) in page


def test_an_invalid_phone_number_shows_a_clear_message_and_saves_nothing(client):
    activity = ActivityFactory()
    response = client.post(
        reverse("portal:activity_register", args=[activity.pk]),
        {"name": "Henk", "phone": "12345"},
    )
    assert response.status_code == 400
    assert "Dit is geen Nederlands telefoonnummer" in response.content.decode()
    assert not Registration.objects.exists()


def test_a_member_signs_up_with_one_click_and_sees_it_in_my_activities(client):
    person = PersonFactory()
    log_in(client, person)
    activity = ActivityFactory(title="Digisterker")
    response = client.post(reverse("portal:activity_register", args=[activity.pk]))
    assert response.status_code == 302
    registration = Registration.objects.get(person=person)
    assert registration.status == RegistrationStatus.CONFIRMED
    detail = client.get(reverse("portal:activity", args=[activity.pk])).content.decode()
    assert 'id="already-registered"' in detail
    mine = client.get(reverse("portal:my_activities")).content.decode()
    assert "Digisterker" in mine
    again = client.post(reverse("portal:activity_register", args=[activity.pk]))
    assert again.status_code == 409
    assert Registration.objects.filter(person=person).count() == 1


def test_a_member_cancels_from_my_activities_and_the_next_in_line_gets_the_place(client):
    person = PersonFactory()
    log_in(client, person)
    activity = ActivityFactory(capacity=1)
    mine = Registration.objects.create(
        activity=activity,
        person=person,
        status="confirmed",
        via="portal",
        created_at=at(-1),
        token="t" * 43,
    )
    waiting = RegistrationFactory(activity=activity, status=RegistrationStatus.WAITING)
    response = client.post(reverse("portal:my_activity_cancel", args=[mine.pk]))
    assert response.status_code == 302
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert (mine.status, waiting.status) == ("cancelled", "confirmed")


def test_a_member_cannot_cancel_someone_elses_registration(client):
    log_in(client, PersonFactory())
    other = RegistrationFactory(person=PersonFactory(), name="", phone="")
    response = client.post(reverse("portal:my_activity_cancel", args=[other.pk]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == RegistrationStatus.CONFIRMED


def test_the_registration_link_cancels_without_an_account(client):
    registration = RegistrationFactory()
    client.post(reverse("portal:activity_registration_cancel", args=[registration.token]))
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
    assert client.get(reverse("portal:activity_registration", args=["nope"])).status_code == 404


def test_the_calendar_file_has_an_event_per_session(client):
    activity = ActivityFactory(
        title="Digisterker", sessions=[(at(7, 14), at(7, 16)), (at(14, 14), at(14, 16))]
    )
    registration = RegistrationFactory(activity=activity)
    response = client.get(reverse("portal:activity_registration_ics", args=[registration.token]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [event.decoded("dtstart") for event in events] == [at(7, 14), at(14, 14)]
    assert {str(event["summary"]) for event in events} == {"Digisterker"}


def test_a_library_has_a_calendar_feed_of_its_published_activities(client):
    published = ActivityFactory(title="Klik & Tik")
    ActivityFactory(organisation=published.organisation, title="Concept", status="draft")
    response = client.get(reverse("portal:activities_feed", args=[published.organisation.isil]))
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(event["summary"]) for event in events] == ["Klik & Tik"]
