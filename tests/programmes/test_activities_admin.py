"""National programmes in the network administration: their publisher keeps them;
activities and registrations are read-only there (they change through the services)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, StaffRoleFactory, staff_login
from tests.programmes.factories import ActivityFactory, ProgrammeFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def test_a_coordinator_of_the_publisher_edits_its_programme_but_not_anothers(client):
    kb = OrganisationFactory(kind="national")
    ours, theirs = ProgrammeFactory(publisher=kb), ProgrammeFactory()
    staff_login(client, StaffRoleFactory(organisation=kb, role="programme_coordinator").user)
    assert (
        client.get(reverse("admin:programmes_programme_change", args=[ours.pk])).status_code == 200
    )
    response = client.get(reverse("admin:programmes_programme_change", args=[theirs.pk]))
    assert response.status_code in (302, 403, 404)


def test_registrations_are_read_only_and_show_no_phone_numbers(client):
    registration = RegistrationFactory(activity=ActivityFactory(), phone="+31612345678")
    user = StaffRoleFactory(
        organisation=registration.activity.organisation, role="programme_coordinator"
    ).user
    staff_login(client, user)
    url = reverse("admin:programmes_registration_change", args=[registration.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert "612345678" not in response.content.decode()
    client.post(url, {"status": "cancelled"})
    registration.refresh_from_db()
    assert registration.status == "confirmed"
