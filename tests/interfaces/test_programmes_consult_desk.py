"""The desk's consultation hours through the test client: weekly hours, today's
appointments, walk-in contacts in two clicks, and the counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from samenbieb.programmes import services
from samenbieb.programmes.models import (
    Appointment,
    AppointmentStatus,
    ConsultationSchedule,
    Slot,
    WalkInContact,
)
from tests.factories import staff_login
from tests.programmes.factories_consult import PartnerFactory, consult_world, topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return consult_world()


@pytest.fixture
def desk(client, world, staff_with_role):
    staff_login(client, staff_with_role(world.utrecht, "desk"))
    return client


@pytest.fixture
def coordinator(client, world, staff_with_role):
    staff_login(client, staff_with_role(world.utrecht, "programme_coordinator"))
    return client


def home(world):
    return f"{reverse('desk:consult_home')}?vestiging={world.centrum.pk}"


def test_a_walk_in_contact_is_counted_with_a_topic_and_an_outcome_button(desk, world):
    page = desk.get(home(world))
    assert page.status_code == 200
    assert 'id="walk-in-helped"' in page.content.decode()
    response = desk.post(
        reverse("desk:consult_walk_in"),
        {
            "branch": world.centrum.pk,
            "activity": world.ido.pk,
            "topic": topic("allowances").pk,
            "outcome": "helped",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == home(world)
    contact = WalkInContact.objects.get()
    assert (contact.topic.code, contact.outcome, contact.branch) == (
        "allowances",
        "helped",
        world.centrum,
    )
    after = desk.get(home(world))
    assert after.context["totals"]["all"] == 1


def test_a_referral_without_a_partner_is_refused_with_a_message(desk, world):
    response = desk.post(
        reverse("desk:consult_walk_in"),
        {
            "branch": world.centrum.pk,
            "activity": world.ido.pk,
            "topic": topic("digid").pk,
            "outcome": "referred",
        },
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Choose the partner you referred the person to." in response.content.decode()
    assert not WalkInContact.objects.exists()
    partner = PartnerFactory(organisation=world.utrecht)
    desk.post(
        reverse("desk:consult_walk_in"),
        {
            "branch": world.centrum.pk,
            "activity": world.ido.pk,
            "topic": topic("digid").pk,
            "outcome": "referred",
            "partner": partner.pk,
        },
    )
    assert WalkInContact.objects.get().partner == partner


def test_desk_staff_of_another_library_cannot_count_here(client, world, staff_with_role):
    staff_login(client, staff_with_role(world.arnhem, "desk"))
    client.post(
        reverse("desk:consult_walk_in"),
        {
            "branch": world.centrum.pk,
            "activity": world.ido.pk,
            "topic": topic("digid").pk,
            "outcome": "helped",
        },
    )
    assert not WalkInContact.objects.exists()


def test_staff_without_a_programmes_role_are_refused(client, world, staff_with_role):
    staff_login(client, staff_with_role(world.utrecht, "cataloguer"))
    assert client.get(reverse("desk:consult_home")).status_code == 403
    assert client.get(reverse("desk:consult_counts")).status_code == 403


def test_the_coordinator_adds_weekly_hours_within_opening_hours(coordinator, world):
    url = reverse("desk:consult_schedules", args=[world.ido.pk])
    assert coordinator.get(url).status_code == 200
    today = timezone.localdate()
    fields = {
        "branch": world.oost.pk,
        "weekday": 1,
        "starts": "10:00",
        "ends": "12:00",
        "slot_minutes": 30,
        "valid_from": today.isoformat(),
    }
    refused = coordinator.post(url, fields, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "13:00–17:00" in refused.content.decode()
    assert not ConsultationSchedule.objects.exists()
    fields.update(starts="13:00", ends="15:00")
    assert coordinator.post(url, fields).status_code == 302
    assert Slot.objects.filter(branch=world.oost).count() >= 4 * 7


def test_desk_staff_may_not_change_the_weekly_hours(desk, world):
    assert desk.get(reverse("desk:consult_schedules", args=[world.ido.pk])).status_code == 404


def test_stopping_weekly_hours_removes_later_free_times(coordinator, world):
    schedule = services.schedule_set(
        actor=None,
        activity=world.ido,
        branch=world.centrum,
        weekday=1,
        starts=dt.time(10),
        ends=dt.time(12),
        valid_from=timezone.localdate(),
    )
    response = coordinator.post(
        reverse("desk:consult_schedule_end", args=[schedule.pk]),
        {"last_day": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    assert not Slot.objects.filter(starts_at__date__gt=timezone.localdate()).exists()


def test_todays_appointments_show_with_the_phone_number_to_call(desk, world):
    now = timezone.now()
    later = (now + dt.timedelta(minutes=20)).replace(second=0, microsecond=0)
    if timezone.localtime(later).date() != timezone.localdate(now):
        pytest.skip("close to midnight: no later time today")
    slot = Slot.objects.create(
        activity=world.ido,
        branch=world.centrum,
        starts_at=later,
        ends_at=later + dt.timedelta(minutes=30),
    )
    appointment = Appointment.objects.create(
        slot=slot,
        topic=topic("digid"),
        name="Ans de Vries",
        phone="+31612345678",
        created_at=now,
        token="t" * 43,
    )
    page = desk.get(home(world)).content.decode()
    assert f'data-appointment="{appointment.pk}"' in page
    assert "Ans de Vries" in page
    assert "06 1234 5678" in page
    desk.post(reverse("desk:consult_appointment_cancel", args=[appointment.pk]))
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED


def test_the_counts_page_shows_contacts_per_topic_and_outcome(desk, world):
    services.walk_in_contact_record(
        actor=None, activity=world.ido, branch=world.centrum, topic=topic("digid"), outcome="helped"
    )
    page = desk.get(reverse("desk:consult_counts"))
    assert page.status_code == 200
    assert [(r["topic"], r["outcome"], r["count"]) for r in page.context["rows"]] == [
        ("digid", "helped", 1)
    ]
