"""Charges: what a member owes a library; open until paid or cancelled."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from samenbieb.circulation import queries, services
from samenbieb.circulation.errors import ChargeNotOpen, InvalidCharge
from samenbieb.core.errors import NotPermitted
from tests.factories import ChargeFactory, OrganisationFactory, PersonFactory, StaffRoleFactory

pytestmark = pytest.mark.django_db


def test_a_charge_is_added_and_open():
    person = PersonFactory()
    charge = services.charge_add(
        actor=None,
        person=person,
        organisation=person.home_organisation,
        kind="membership_fee",
        amount=Decimal("52.00"),
        description="Contributie",
    )
    assert list(queries.charges_open(person)) == [charge]
    assert queries.charges_open_total(person) == Decimal("52.00")


def test_paid_and_cancelled_charges_are_not_open():
    person = PersonFactory()
    ChargeFactory(person=person, paid_at=timezone.now())
    ChargeFactory(person=person, cancelled_at=timezone.now(), waive_reason="Coulance")
    assert not queries.charges_open(person).exists()


@pytest.mark.parametrize("amount", [Decimal(0), Decimal("-1")])
def test_a_charge_must_be_more_than_nothing(amount):
    person = PersonFactory()
    with pytest.raises(InvalidCharge):
        services.charge_add(
            actor=None,
            person=person,
            organisation=person.home_organisation,
            kind="fine",
            amount=amount,
            description="x",
        )


def test_staff_cannot_charge_on_behalf_of_another_library():
    person = PersonFactory()
    other = StaffRoleFactory(organisation=OrganisationFactory(), role="desk").user
    with pytest.raises(NotPermitted):
        services.charge_add(
            actor=other,
            person=person,
            organisation=person.home_organisation,
            kind="fine",
            amount=Decimal("1.00"),
            description="x",
        )


def test_a_charge_is_paid_at_the_desk_once():
    person = PersonFactory()
    desk = StaffRoleFactory(organisation=person.home_organisation, role="desk").user
    charge = ChargeFactory(person=person, organisation=person.home_organisation)
    paid = services.charge_pay(actor=desk, charge=charge, method="card")
    assert paid.paid_at is not None
    assert paid.payment_method == "card"
    assert paid.settled_by == desk
    assert queries.charges_open_total(person) == Decimal("0.00")
    with pytest.raises(ChargeNotOpen):
        services.charge_pay(actor=desk, charge=charge, method="cash")


def test_waiving_a_charge_needs_a_reason_and_is_kept():
    person = PersonFactory()
    desk = StaffRoleFactory(organisation=person.home_organisation, role="desk").user
    charge = ChargeFactory(person=person, organisation=person.home_organisation)
    with pytest.raises(InvalidCharge):
        services.charge_waive(actor=desk, charge=charge, reason="   ")
    waived = services.charge_waive(actor=desk, charge=charge, reason="Boek was al terug")
    assert waived.waive_reason == "Boek was al terug"
    assert waived.cancelled_at is not None
    assert not queries.charges_open(person).exists()


def test_only_staff_with_the_right_may_waive():
    person = PersonFactory()
    cataloguer = StaffRoleFactory(organisation=person.home_organisation, role="cataloguer").user
    charge = ChargeFactory(person=person, organisation=person.home_organisation)
    with pytest.raises(NotPermitted):
        services.charge_waive(actor=cataloguer, charge=charge, reason="Waarom niet")
    charge.refresh_from_db()
    assert charge.is_open
