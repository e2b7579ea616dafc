"""The portal's consultation pages and "help near me", through the test client."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from samenbieb.programmes import services
from samenbieb.programmes.models import ActivityStatus, Appointment, AppointmentStatus, Slot
from tests.programmes.factories_consult import consult_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """The IDO hour of Utrecht at Centrum on every weekday it is open, 10–12, from today."""
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
    return world


@pytest.fixture
def slot(world):
    return Slot.objects.filter(starts_at__gt=timezone.now()).order_by("starts_at").first()


def book_url(slot):
    return reverse("portal:consult_slot_book", args=[slot.pk])


def test_help_near_me_lists_the_nearest_location_with_free_times(client, world, slot):
    response = client.get(reverse("portal:help_near_me"), {"waar": "3511", "thema": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-branch="{world.centrum.pk}"' in html
    assert f'data-slot="{slot.pk}"' in html
    assert "Informatiepunt Digitale Overheid" in html


def test_help_near_me_without_a_search_shows_the_form(client, world):
    response = client.get(reverse("portal:help_near_me"))
    assert response.status_code == 200
    assert 'id="help-near-me-form"' in response.content.decode()
    assert 'id="help-results"' not in response.content.decode()


def test_an_unknown_postcode_gets_a_clear_message(client, world):
    response = client.get(
        reverse("portal:help_near_me"), {"waar": "1000"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "We do not know the postcode 1000" in response.content.decode()


def test_the_api_answers_the_same_search_as_json(client, world, slot):
    response = client.get(
        reverse("portal:help_near_me_api"), {"postcode": "3511", "thema": "digital_government"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["location"]["pc4"] == "3511"
    assert data["theme"]["code"] == "digital_government"
    first = data["results"][0]
    assert first["branch"]["id"] == world.centrum.pk
    assert first["distance_km"] < 2
    assert first["activities"][0]["themes"] == ["digital_government"]
    assert first["free_slots"][0]["id"] == slot.pk
    assert first["free_slots"][0]["book_url"].endswith(book_url(slot))
    assert first["walk_in"] is True


def test_the_api_finds_by_place_too(client, world):
    response = client.get(reverse("portal:help_near_me_api"), {"plaats": "Utrecht"})
    assert response.json()["results"][0]["branch"]["id"] == world.centrum.pk


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"postcode": "1000"}, "location_unknown"),
        ({}, "location_missing"),
        ({"postcode": "3511", "thema": "astrology"}, "theme_unknown"),
    ],
)
def test_the_api_explains_what_it_cannot_answer(client, world, params, code):
    response = client.get(reverse("portal:help_near_me_api"), params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["message"]


def test_someone_without_an_account_books_and_gets_a_cancel_link(client, world, slot):
    page = client.get(book_url(slot))
    assert page.status_code == 200
    digid = page.context["form"].fields["topic"].queryset.get(code="digid")
    response = client.post(
        book_url(slot), {"topic": digid.pk, "name": "Ans de Vries", "phone": "06-1234 5678"}
    )
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:consult_appointment", args=[appointment.token])
    assert appointment.phone == "+31612345678"
    confirmation = client.get(response["Location"])
    assert 'id="appointment-cancel-link"' in confirmation.content.decode()
    cancel = reverse("portal:consult_appointment_cancel", args=[appointment.token])
    assert client.get(cancel).status_code == 200
    client.post(cancel)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_an_invalid_phone_number_shows_a_message_and_saves_nothing(client, world, slot):
    digid = client.get(book_url(slot)).context["form"].fields["topic"].queryset.get(code="digid")
    response = client.post(
        book_url(slot),
        {"topic": digid.pk, "name": "Ans", "phone": "12345"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "06 12345678" in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_booked_time_cannot_be_booked_again(client, world, slot):
    digid = client.get(book_url(slot)).context["form"].fields["topic"].queryset.get(code="digid")
    client.post(book_url(slot), {"topic": digid.pk, "name": "Ans", "phone": "0612345678"})
    again = client.post(book_url(slot), {"topic": digid.pk, "name": "Bert", "phone": "0687654321"})
    assert again.status_code == 409
    assert 'id="slot-unavailable"' in again.content.decode()
    assert Appointment.objects.count() == 1


def test_slots_of_an_unpublished_consultation_hour_are_not_found(client, world, slot):
    world.ido.status = ActivityStatus.DRAFT
    world.ido.save()
    assert client.get(book_url(slot)).status_code == 404
    assert client.get(reverse("portal:consult", args=[world.ido.pk])).status_code == 404


def test_an_unknown_token_is_not_found(client, world):
    assert client.get(reverse("portal:consult_appointment", args=["x" * 43])).status_code == 404


def test_the_consultation_page_lists_free_times(client, world, slot):
    response = client.get(reverse("portal:consult", args=[world.ido.pk]))
    assert response.status_code == 200
    assert f'data-slot="{slot.pk}"' in response.content.decode()


def test_a_logged_in_member_books_with_a_topic_only(client, world, slot):
    from tests.factories import LibraryCardFactory, PersonFactory

    person = PersonFactory(home_organisation=world.utrecht)
    person.set_password("Leeskring-Oudegracht-42")
    person.save()
    card = LibraryCardFactory(person=person)
    client.post(
        reverse("portal:login"), {"identifier": card.barcode, "password": "Leeskring-Oudegracht-42"}
    )
    form = client.get(book_url(slot)).context["form"]
    assert set(form.fields) == {"topic"}
    digid = form.fields["topic"].queryset.get(code="digid")
    assert client.post(book_url(slot), {"topic": digid.pk}).status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.person, appointment.name, appointment.phone) == (person, "", "")
