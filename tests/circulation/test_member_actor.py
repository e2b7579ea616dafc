"""Who the audit trail names as the actor of a circulation change: the member when they did
it themselves (``member``: portal, API, kiosk), the staff member at the desk, and the
system for everything else, never the member for what staff or a job did."""

from __future__ import annotations

import pytest

from samenbieb.circulation import services
from samenbieb.circulation.models import PaymentMethod
from samenbieb.core.models import AuditEvent
from samenbieb.network.roles import Role
from tests.circulation.conftest import NOW, days_later
from tests.factories import ChargeFactory, RecordFactory, StaffRoleFactory

pytestmark = pytest.mark.django_db


def _actors(event_type: str) -> list[tuple[str, int | None, int | None]]:
    """(label, staff id, member id) of each event of ``event_type``, oldest first."""
    return [
        (event.actor_label, event.actor_id, event.actor_person_id)
        for event in AuditEvent.objects.filter(event_type=event_type).order_by("pk")
    ]


@pytest.fixture
def desk(network):
    return StaffRoleFactory(organisation=network.a, role=Role.DESK).user


def test_a_hold_placed_by_the_member_is_audited_with_the_member_as_actor(network, desk):
    member = network.member(network.a)
    mine, for_me, by_job = (RecordFactory() for _ in range(3))
    for record in (mine, for_me, by_job):
        network.copy(network.b1, record)

    services.hold_place(
        actor=None, person=member, record=mine, pickup_branch=network.a1, member=member, now=NOW
    )
    services.hold_place(actor=desk, person=member, record=for_me, pickup_branch=network.a1, now=NOW)
    services.hold_place(actor=None, person=member, record=by_job, pickup_branch=network.a1, now=NOW)

    assert _actors("circulation.hold.placed") == [
        ("member", None, member.pk),
        (desk.username, desk.pk, None),
        ("system", None, None),
    ]
    assert set(
        AuditEvent.objects.filter(event_type="circulation.hold.placed").values_list(
            "subject_person_id", flat=True
        )
    ) == {member.pk}


def test_a_checkout_by_the_member_names_the_member_and_one_at_the_desk_the_staff(network, desk):
    member = network.member(network.a)
    at_kiosk, at_desk = network.copy(network.a1), network.copy(network.a1)

    services.loan_checkout(
        actor=None, branch=network.a1, person=member, barcode=at_kiosk.barcode, member=member
    )
    services.loan_checkout(actor=desk, branch=network.a1, person=member, barcode=at_desk.barcode)

    assert _actors("circulation.loan.checked_out") == [
        ("member", None, member.pk),
        (desk.username, desk.pk, None),
    ]


def test_a_return_names_the_member_only_when_they_handed_it_in_themselves(network, desk):
    member = network.member(network.a)
    copies = [network.copy(network.a1) for _ in range(3)]
    for copy in copies:
        services.loan_checkout(actor=None, branch=network.a1, person=member, barcode=copy.barcode)
    by_member, at_desk, return_machine = copies

    services.loan_checkin(
        actor=None, branch=network.a1, barcode=by_member.barcode, member=member, now=days_later(1)
    )
    services.loan_checkin(actor=desk, branch=network.a1, barcode=at_desk.barcode, now=days_later(1))
    services.loan_checkin(
        actor=None, branch=network.a1, barcode=return_machine.barcode, now=days_later(1)
    )

    assert _actors("circulation.loan.checked_in") == [
        ("member", None, member.pk),
        (desk.username, desk.pk, None),
        ("system", None, None),
    ]


def test_a_charge_paid_by_the_member_names_them_and_one_paid_at_the_desk_the_staff(network, desk):
    member = network.member(network.a)
    at_kiosk, at_desk = (
        ChargeFactory(person=member, organisation=network.a, amount="1.00") for _ in range(2)
    )

    services.charge_pay(actor=None, charge=at_kiosk, method=PaymentMethod.KIOSK, member=member)
    services.charge_pay(actor=desk, charge=at_desk, method=PaymentMethod.CASH)

    assert _actors("circulation.charge.paid") == [
        ("member", None, member.pk),
        (desk.username, desk.pk, None),
    ]


def test_staff_acting_is_never_recorded_as_the_member_even_when_a_member_is_passed(network, desk):
    member = network.member(network.a)
    record = RecordFactory()
    network.copy(network.b1, record)

    services.hold_place(
        actor=desk, person=member, record=record, pickup_branch=network.a1, member=member
    )

    assert _actors("circulation.hold.placed") == [(desk.username, desk.pk, None)]
