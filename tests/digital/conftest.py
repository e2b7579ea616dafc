from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import MembershipFactory, OrganisationFactory, PersonFactory


@pytest.fixture
def library():
    return OrganisationFactory(name="Bibliotheek Utrecht")


@pytest.fixture
def member_factory(library):
    """A member of ``library`` whose membership covers today, unless told otherwise."""

    def make(**membership):
        person = PersonFactory(home_organisation=library)
        today = timezone.localdate()
        MembershipFactory(
            person=person,
            **{
                "starts_on": today - dt.timedelta(days=30),
                "ends_on": today + dt.timedelta(days=300),
                **membership,
            },
        )
        return person

    return make


@pytest.fixture
def member(member_factory):
    return member_factory()
