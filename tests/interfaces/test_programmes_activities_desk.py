"""Activities at the desk, through the test client with a real staff login (two factors):
plan from a national programme, sessions, publish, sign people up on their behalf,
the waiting list, cancel, attendance, the programme report; tenant and role boundaries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from samenbieb.programmes.models import (
    Activity,
    ActivityStatus,
    Attendance,
    Registration,
    RegistrationStatus,
)
from tests.factories import (
    BranchFactory,
    LibraryCardFactory,
    OrganisationFactory,
    StaffRoleFactory,
    staff_login,
)
from tests.programmes.factories import ActivityFactory, ProgrammeFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def library():
    return OrganisationFactory(name="Bibliotheek Utrecht")


def logged_in(client, library, role):
    user = StaffRoleFactory(organisation=library, role=role).user
    staff_login(client, user)
    return user


def local(days: int, hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def test_a_coordinator_plans_digisterker_with_local_dates_and_publishes_it(client, library):
    logged_in(client, library, "programme_coordinator")
    programme = ProgrammeFactory(name="Digisterker", sessions=4, session_minutes=120)
    branch = BranchFactory(organisation=library)
    starts = {f"session_{n}": local(7 * n, 14).strftime("%Y-%m-%dT%H:%M") for n in range(1, 5)}
    response = client.post(
        reverse("desk:activity_from_programme"),
        {
            "programme": programme.pk,
            "organisation": library.pk,
            "branch": branch.pk,
            "capacity": "8",
            "price": "0",
            **starts,
        },
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert activity.sessions.count() == 4
    client.post(reverse("desk:activity_publish", args=[activity.pk]))
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.PUBLISHED


def test_overlapping_dates_show_a_clear_message_and_nothing_is_saved(client, library):
    logged_in(client, library, "programme_coordinator")
    programme = ProgrammeFactory(session_minutes=120)
    response = client.post(
        reverse("desk:activity_from_programme"),
        {
            "programme": programme.pk,
            "organisation": library.pk,
            "branch": BranchFactory(organisation=library).pk,
            "price": "0",
            "session_1": local(7, 14).strftime("%Y-%m-%dT%H:%M"),
            "session_2": local(7, 15).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200
    assert "Dit overlapt met de bijeenkomst" in response.content.decode()
    assert not Activity.objects.exists()


def test_adding_an_overlapping_session_is_refused_with_its_reason(client, library):
    logged_in(client, library, "programme_coordinator")
    activity = ActivityFactory(organisation=library, sessions=[(local(7, 14), local(7, 16))])
    response = client.post(
        reverse("desk:activity_session_add", args=[activity.pk]),
        {"day": local(7, 0).date().isoformat(), "starts": "15:00", "ends": "17:00"},
    )
    assert response.status_code == 400
    assert "Dit overlapt met de bijeenkomst" in response.content.decode()
    assert activity.sessions.count() == 1


def test_desk_staff_sign_up_a_member_by_card_and_a_visitor_by_name_and_phone(client, library):
    logged_in(client, library, "desk")
    activity = ActivityFactory(organisation=library, capacity=1)
    card = LibraryCardFactory()
    client.post(reverse("desk:activity_register", args=[activity.pk]), {"card": card.barcode})
    client.post(
        reverse("desk:activity_register", args=[activity.pk]),
        {"name": "Henk", "phone": "06 12345678"},
    )
    rows = list(Registration.objects.order_by("id").values_list("person_id", "status", "via"))
    assert rows == [(card.person_id, "confirmed", "desk"), (None, "waiting", "desk")]
    page = client.get(reverse("desk:activity", args=[activity.pk])).content.decode()
    assert 'id="registrations-waiting"' in page
    assert "Henk" in page


def test_a_bad_phone_number_at_the_desk_saves_nothing(client, library):
    logged_in(client, library, "desk")
    activity = ActivityFactory(organisation=library)
    response = client.post(
        reverse("desk:activity_register", args=[activity.pk]), {"name": "Henk", "phone": "1234"}
    )
    assert response.status_code == 400
    assert "Dit is geen Nederlands telefoonnummer" in response.content.decode()
    assert not Registration.objects.exists()


def test_staff_cancel_a_registration_and_the_waiting_list_moves_up(client, library):
    logged_in(client, library, "desk")
    activity = ActivityFactory(organisation=library, capacity=1)
    seated = RegistrationFactory(activity=activity)
    waiting = RegistrationFactory(activity=activity, status=RegistrationStatus.WAITING)
    client.post(reverse("desk:activity_registration_cancel", args=[activity.pk, seated.pk]))
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_attendance_is_a_checkbox_list_per_session(client, library):
    logged_in(client, library, "programme_coordinator")
    activity = ActivityFactory(
        organisation=library,
        sessions=[
            (timezone.now() + dt.timedelta(minutes=5), timezone.now() + dt.timedelta(hours=2))
        ],
    )
    came, absent = RegistrationFactory(activity=activity), RegistrationFactory(activity=activity)
    session = activity.sessions.get()
    url = reverse("desk:activity_attendance", args=[activity.pk, session.pk])
    assert f'value="{came.pk}"' in client.get(url).content.decode()
    client.post(url, {"aanwezig": [str(came.pk)]})
    assert dict(Attendance.objects.values_list("registration_id", "present")) == {
        came.pk: True,
        absent.pk: False,
    }


def test_desk_staff_may_register_but_not_plan(client, library):
    logged_in(client, library, "desk")
    assert client.get(reverse("desk:activities")).status_code == 200
    assert client.get(reverse("desk:activity_from_programme")).status_code == 403
    assert client.get(reverse("desk:programmes")).status_code == 403


def test_an_activity_of_another_library_is_not_found(client, library):
    logged_in(client, library, "programme_coordinator")
    elsewhere = ActivityFactory()
    assert client.get(reverse("desk:activity", args=[elsewhere.pk])).status_code == 404
    registration = RegistrationFactory(activity=elsewhere)
    response = client.post(
        reverse("desk:activity_registration_cancel", args=[elsewhere.pk, registration.pk])
    )
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_the_programme_report_counts_per_library_without_names(client, library):
    logged_in(client, library, "programme_coordinator")
    programme = ProgrammeFactory(name="DigiVeiliger")
    ours = ActivityFactory(organisation=library, programme=programme)
    theirs = ActivityFactory(programme=programme)
    RegistrationFactory(activity=ours, name="Fatima")
    RegistrationFactory(activity=theirs)
    RegistrationFactory(activity=theirs)
    page = client.get(reverse("desk:programme_report", args=[programme.pk])).content.decode()
    assert library.name in page
    assert theirs.organisation.name in page
    assert "Fatima" not in page
    assert "<td>3</td>" in page  # the total signed up across the network


def test_the_activity_list_uses_a_fixed_number_of_queries(
    client, library, django_assert_max_num_queries
):
    logged_in(client, library, "programme_coordinator")
    for _ in range(10):
        ActivityFactory(organisation=library)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("desk:activities")).status_code == 200
