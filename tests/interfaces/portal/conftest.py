from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samenbieb.members.models import Person
from tests.factories import (
    LibraryCardFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)

PASSWORD = "Leeskring-Oudegracht-42"


@dataclass
class PortalMember:
    person: Person
    card: str

    def log_in(self, client: Client, **extra: str):
        """A real login through the portal's form; returns the response."""
        return client.post(
            reverse("portal:login"), {"identifier": self.card, "password": PASSWORD, **extra}
        )


@pytest.fixture
def library():
    return OrganisationFactory(name="Bibliotheek Utrecht")


@pytest.fixture
def portal_member_factory(library):
    """A member with a card and a password; the membership covers today unless told."""

    def make(**membership) -> PortalMember:
        person = PersonFactory(home_organisation=library)
        person.set_password(PASSWORD)
        person.save()
        card = LibraryCardFactory(person=person)
        today = timezone.localdate()
        MembershipFactory(
            person=person,
            **{
                "starts_on": today - dt.timedelta(days=30),
                "ends_on": today + dt.timedelta(days=300),
                **membership,
            },
        )
        return PortalMember(person, card.barcode)

    return make


@pytest.fixture
def portal_member(portal_member_factory) -> PortalMember:
    return portal_member_factory()


@pytest.fixture
def logged_in(client, portal_member) -> Client:
    response = portal_member.log_in(client)
    assert response.status_code == 302
    return client
