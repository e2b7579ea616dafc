"""A member who borrows or returns a digital resource in the portal is the actor in the
audit trail; loans closed because they ran out stay the system's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from samenbieb.catalog.models import Licence
from samenbieb.core.models import AuditEvent
from samenbieb.digital import services
from samenbieb.digital.models import DigitalLoan
from tests.factories import DigitalResourceFactory, LibraryCardFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Leeskring-Oudegracht-42"


@pytest.fixture
def logged_in(client, member):
    member.set_password(PASSWORD)
    member.save()
    card = LibraryCardFactory(person=member)
    response = client.post(
        reverse("portal:login"), {"identifier": card.barcode, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def _actors(event_type: str) -> list[tuple[str, int | None, int | None]]:
    return [
        (event.actor_label, event.actor_id, event.actor_person_id)
        for event in AuditEvent.objects.filter(event_type=event_type).order_by("pk")
    ]


def test_a_digital_loan_borrowed_and_returned_in_the_portal_is_audited_with_the_member_as_actor(
    logged_in, member
):
    resource = DigitalResourceFactory(copies=1)

    logged_in.post(reverse("portal:digital_access", args=[resource.token]))
    loan = DigitalLoan.objects.get()
    logged_in.post(reverse("portal:digital_loan_return", args=[loan.pk]))

    mine = [("member", None, member.pk)]
    assert _actors("digital.loan.started") == mine
    assert _actors("digital.access.granted") == mine
    assert _actors("digital.loan.returned") == mine


def test_opening_a_resource_in_the_portal_is_audited_with_the_member_as_actor(logged_in, member):
    resource = DigitalResourceFactory(licence=Licence.SIMULTANEOUS)

    logged_in.get(reverse("portal:digital_access", args=[resource.token]))

    assert _actors("digital.access.granted") == [("member", None, member.pk)]


def test_loans_that_ran_out_are_closed_by_the_system_even_when_a_member_borrows(
    member, member_factory
):
    resource = DigitalResourceFactory(copies=1)
    earlier = timezone.now() - dt.timedelta(days=30)
    services.digital_access_grant(
        actor=None, person=member_factory(), resource=resource, borrow=True, now=earlier
    )

    services.digital_access_grant(
        actor=None, person=member, resource=resource, borrow=True, member=member
    )

    assert _actors("digital.loan.expired") == [("system", None, None)]
    assert _actors("digital.loan.started") == [
        ("system", None, None),
        ("member", None, member.pk),
    ]
