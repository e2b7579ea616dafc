"""What a person does to their own account in the portal — registering, confirming their
address, choosing a new password, their choices — is audited with them as the actor; the
same change at the desk names the staff member, and the system's own stays the system's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from samenbieb.core.models import AuditEvent
from samenbieb.members import auth, services
from samenbieb.members.models import Person
from samenbieb.members.tokens import email_verification_token, password_reset_token
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Leeskring-Oudegracht-42"
NEW_PASSWORD = "Fietsbel-Domtoren-1977"


def _actors(event_type: str) -> list[tuple[str, int | None, int | None]]:
    return [
        (event.actor_label, event.actor_id, event.actor_person_id)
        for event in AuditEvent.objects.filter(event_type=event_type).order_by("pk")
    ]


def test_registering_and_confirming_the_address_in_the_portal_are_audited_as_the_member(
    client,
):
    library = OrganisationFactory()
    response = client.post(
        reverse("portal:register"),
        {
            "organisation": library.pk,
            "given_name": "Bram",
            "family_name": "Dijk",
            "birth_date": "1988-04-12",
            "street": "Oudegracht",
            "house_number": "12a",
            "postcode": "3511ab",
            "city": "Utrecht",
            "email": "bram@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "consent_loan_history": "on",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(email="bram@example.org")

    link = reverse("portal:register_verify", args=[email_verification_token.make(person)])
    assert client.post(link).status_code == 302

    mine = ("member", None, person.pk)
    assert _actors("members.person.registered") == [mine]
    assert set(_actors("members.consent.recorded")) == {mine}
    assert _actors("members.person.email_verified") == [mine]


def test_registering_at_the_desk_is_audited_as_the_staff_member(desk, library):
    services.person_register(
        actor=desk,
        organisation=library,
        given_name="Bram",
        family_name="Dijk",
        birth_date=dt.date(1988, 4, 12),
        consents={"news": True},
    )

    assert _actors("members.person.registered") == [(desk.username, desk.pk, None)]
    assert _actors("members.consent.recorded") == [(desk.username, desk.pk, None)]


def test_a_new_password_through_the_mailed_link_is_audited_as_the_member(client):
    person = PersonFactory(email="anna@example.org", email_verified_at=timezone.now())
    link = reverse("portal:password_reset", args=[password_reset_token.make(person)])

    response = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert _actors("members.person.password_set") == [("member", None, person.pk)]


def test_a_password_or_address_set_by_the_system_is_not_the_members():
    person = PersonFactory(email="anna@example.org", email_verified_at=None)

    auth.member_password_set(person=person, password=NEW_PASSWORD)
    auth.member_email_verify(person=person)

    assert _actors("members.person.password_set") == [("system", None, None)]
    assert _actors("members.person.email_verified") == [("system", None, None)]
