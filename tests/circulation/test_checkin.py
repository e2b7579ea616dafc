"""Check-in at any branch of any library, and what the desk is told to do with the item."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from samenbieb.circulation import queries, services
from samenbieb.circulation.errors import Reason, Refused
from samenbieb.circulation.models import ChargeKind, HoldStatus, Loan, Transit
from samenbieb.circulation.services import CheckinAction
from samenbieb.holdings.models import ItemStatus
from tests.circulation.conftest import NOW, days_later
from tests.factories import ConsentFactory

pytestmark = pytest.mark.django_db


def lend(network, member, item, branch=None, now=NOW):
    return services.loan_checkout(
        actor=None, branch=branch or item.home_branch, person=member, barcode=item.barcode, now=now
    )


def checkin(branch, item, now=None):
    return services.loan_checkin(
        actor=None, branch=branch, barcode=item.barcode, now=now or days_later(7)
    )


def test_an_item_returned_at_its_home_branch_goes_back_on_the_shelf(network):
    member = network.member(network.a)
    item = network.copy(network.a1)
    loan = lend(network, member, item)
    outcome = checkin(network.a1, item)
    assert outcome.action == CheckinAction.SHELVE
    assert outcome.loan == loan
    assert outcome.fine is None
    assert "shelf" in outcome.instruction or "kast" in outcome.instruction
    item.refresh_from_db()
    loan.refresh_from_db()
    assert item.status == ItemStatus.AVAILABLE
    assert item.current_branch == network.a1
    assert loan.returned_at == days_later(7)
    assert loan.return_branch == network.a1


def test_a_returned_loan_loses_its_link_to_the_member(network):
    member = network.member(network.a)
    item = network.copy(network.a1)
    loan = lend(network, member, item)
    checkin(network.a1, item)
    loan.refresh_from_db()
    assert loan.person is None
    # What statistics need stays.
    assert (loan.age_band, loan.branch, loan.item_type_id) == (
        "adult",
        network.a1,
        item.item_type_id,
    )
    assert not queries.loan_history(member).exists()


def test_a_member_who_keeps_their_history_keeps_the_link(network):
    member = network.member(network.a)
    ConsentFactory(person=member, kind="loan_history", given=True)
    item = network.copy(network.a1)
    loan = lend(network, member, item)
    checkin(network.a1, item)
    assert list(queries.loan_history(member)) == [loan]


def test_a_late_return_is_fined_per_day_up_to_the_cap(network):
    member = network.member(network.a)
    first, second = network.copy(network.a1), network.copy(network.a1)
    lend(network, member, first)
    lend(network, member, second)
    # Due 9 December; back on 14 December: five days late at € 0.25.
    outcome = checkin(network.a1, first, now=dt.datetime(2026, 12, 14, 12, tzinfo=NOW.tzinfo))
    assert outcome.fine is not None
    assert outcome.fine.amount == Decimal("1.25")
    assert outcome.fine.kind == ChargeKind.FINE
    assert outcome.fine.organisation == network.a
    # Thirty days late: capped at € 3.00.
    outcome = checkin(network.a1, second, now=dt.datetime(2027, 1, 8, 12, tzinfo=NOW.tzinfo))
    assert outcome.fine.amount == Decimal("3.00")
    assert queries.charges_open_total(member) == Decimal("4.25")


def test_an_item_returned_at_another_library_travels_home(network):
    member = network.member(network.a)
    item = network.copy(network.b1)
    lend(network, member, item, branch=network.b1)
    outcome = checkin(network.c1, item)
    assert outcome.action == CheckinAction.TRANSIT_HOME
    assert outcome.destination == network.b1
    assert "B-Centrum" in outcome.instruction
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_TRANSIT
    assert list(queries.transits_outgoing(network.c1)) == list(
        queries.transits_incoming(network.b1)
    )
    # The receive scan at home.
    received = checkin(network.b1, item, now=days_later(9))
    assert received.action == CheckinAction.SHELVE
    item.refresh_from_db()
    assert item.status == ItemStatus.AVAILABLE
    assert item.current_branch == network.b1
    assert not queries.transits_incoming(network.b1).exists()


def test_an_item_received_at_the_wrong_branch_is_sent_on(network):
    member = network.member(network.a)
    item = network.copy(network.b1)
    lend(network, member, item, branch=network.b1)
    checkin(network.c1, item)  # on its way to B1
    outcome = checkin(network.a2, item, now=days_later(8))
    assert outcome.action == CheckinAction.TRANSIT_HOME
    assert outcome.destination == network.b1
    assert Transit.objects.filter(received_at__isnull=True).get().from_branch == network.a2


def test_a_returned_item_that_fills_a_hold_here_goes_on_the_hold_shelf(network):
    borrower, waiting = network.member(network.a), network.member(network.a)
    item = network.copy(network.a1)
    lend(network, borrower, item)
    hold = services.hold_place(
        actor=None, person=waiting, record=item.record, pickup_branch=network.a1, now=NOW
    )
    assert hold.status == HoldStatus.WAITING
    outcome = checkin(network.a1, item)  # Wednesday 25 November
    assert outcome.action == CheckinAction.HOLD_SHELF
    assert outcome.hold == hold
    hold.refresh_from_db()
    item.refresh_from_db()
    assert hold.status == HoldStatus.READY
    assert hold.item == item
    assert hold.expires_on == dt.date(2026, 12, 2)
    assert item.status == ItemStatus.ON_HOLD_SHELF
    assert list(queries.hold_shelf(network.a1)) == [hold]


def test_a_returned_item_that_fills_a_hold_elsewhere_travels_to_the_pickup_branch(network):
    borrower, waiting = network.member(network.a), network.member(network.c)
    item = network.copy(network.a1)
    lend(network, borrower, item)
    hold = services.hold_place(
        actor=None, person=waiting, record=item.record, pickup_branch=network.c1, now=NOW
    )
    outcome = checkin(network.a2, item)
    assert outcome.action == CheckinAction.TRANSIT_HOLD
    assert outcome.destination == network.c1
    hold.refresh_from_db()
    assert hold.status == HoldStatus.IN_TRANSIT
    assert hold.item == item
    arrived = checkin(network.c1, item, now=days_later(9))
    assert arrived.action == CheckinAction.HOLD_SHELF
    assert arrived.hold == hold
    hold.refresh_from_db()
    assert hold.status == HoldStatus.READY


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        ("available", Reason.NOT_ON_LOAN),
        ("withdrawn", Reason.ITEM_NOT_AVAILABLE),
        ("damaged", Reason.ITEM_NOT_AVAILABLE),
    ],
)
def test_checkin_of_an_item_not_on_loan_explains_and_changes_nothing(network, status, reason):
    item = network.copy(network.a1, status=status)
    with pytest.raises(Refused) as refused:
        checkin(network.a1, item)
    assert refused.value.reason == reason
    item.refresh_from_db()
    assert item.status == status
    assert not Transit.objects.exists()


def test_a_second_scan_of_a_returned_item_changes_nothing(network):
    item = network.copy(network.a1)
    lend(network, network.member(network.a), item)
    checkin(network.a1, item)
    with pytest.raises(Refused) as refused:
        checkin(network.a1, item)
    assert refused.value.reason == Reason.NOT_ON_LOAN
    assert Loan.objects.get().returned_at == days_later(7)


def test_checkin_of_an_unknown_barcode_is_refused(network):
    with pytest.raises(Refused) as refused:
        services.loan_checkin(actor=None, branch=network.a1, barcode="UNKNOWN123", now=NOW)
    assert refused.value.reason == Reason.UNKNOWN_ITEM


def test_a_lost_item_that_turns_up_is_checked_in(network):
    member = network.member(network.a)
    item = network.copy(network.a1)
    loan = lend(network, member, item)
    services.loan_mark_lost(actor=None, loan=loan, now=days_later(30))
    item.refresh_from_db()
    assert item.status == ItemStatus.LOST
    charge = queries.charges_open(member).get()
    assert (charge.kind, charge.amount, charge.organisation) == (
        ChargeKind.REPLACEMENT,
        Decimal("24.95"),
        network.a,
    )
    outcome = checkin(network.a1, item, now=days_later(40))
    assert outcome.action == CheckinAction.SHELVE
    assert outcome.loan is None
    item.refresh_from_db()
    assert item.status == ItemStatus.AVAILABLE


def test_scanning_an_item_again_after_sending_it_changes_nothing(network):
    item = network.copy(network.b1)
    lend(network, network.member(network.a), item, branch=network.b1)
    checkin(network.a1, item)
    with pytest.raises(Refused) as refused:
        checkin(network.a1, item)
    assert refused.value.reason == Reason.IN_TRANSIT
    assert "B-Centrum" in str(refused.value.message)
    assert Transit.objects.get().received_at is None
