"""Holds: the filling order across the network, the pick list, the hold shelf, cancelling
and expiring, and the queue per title."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from samenbieb.circulation import queries, services
from samenbieb.circulation.errors import Reason, Refused
from samenbieb.circulation.models import ChargeKind, Hold, HoldStatus
from samenbieb.circulation.services import CheckinAction
from samenbieb.holdings.models import ItemStatus
from tests.circulation.conftest import NOW, days_later
from tests.factories import (
    BranchFactory,
    CirculationRuleFactory,
    ItemTypeFactory,
    OrganisationFactory,
    RecordFactory,
)

pytestmark = pytest.mark.django_db


def place(member, record, pickup, item=None, now=NOW):
    return services.hold_place(
        actor=None, person=member, record=record, pickup_branch=pickup, item=item, now=now
    )


def scan(branch, item, now=None):
    return services.loan_checkin(
        actor=None, branch=branch, barcode=item.barcode, now=now or days_later(1)
    )


def test_a_copy_at_the_pickup_branch_is_taken_first(network):
    record = RecordFactory()
    network.copy(network.c1, record)
    network.copy(network.a2, record)
    here = network.copy(network.a1, record)
    hold = place(network.member(network.a), record, network.a1)
    assert hold.status == HoldStatus.TO_PICK
    assert hold.item == here


def test_then_a_copy_of_the_members_own_library(network):
    record = RecordFactory()
    same_province_as_pickup = BranchFactory(organisation=OrganisationFactory(province="NH"))
    network.copy(same_province_as_pickup, record)
    own = network.copy(network.a2, record)
    hold = place(network.member(network.a), record, network.c1)
    assert hold.item == own


def test_then_a_copy_in_the_same_province_then_anywhere(network):
    record = RecordFactory()
    far = network.copy(network.c1, record)
    near = network.copy(network.b1, record)
    member_of_c = network.member(network.c)
    first = place(network.member(network.a), record, network.a1)
    assert first.item == near  # B is in Utrecht like A1; C is not
    second = place(member_of_c, record, network.a1)
    assert second.item == far  # the member's own library


def test_copies_that_may_not_travel_are_skipped_for_other_libraries(network):
    dvd = ItemTypeFactory(code="dvd", name="DVD")
    CirculationRuleFactory(organisation=network.b, item_type=dvd, may_travel=False)
    record = RecordFactory()
    stay_home = network.copy(network.b1, record, item_type=dvd)
    hold = place(network.member(network.a), record, network.a1)
    assert hold.status == HoldStatus.WAITING
    assert hold.item is None
    # B's own member picking up at B gets it.
    own = place(network.member(network.b), record, network.b1)
    assert own.item == stay_home


def test_the_pick_list_shows_what_to_take_from_the_shelf_and_a_scan_routes_it(network):
    record = RecordFactory()
    item = network.copy(network.b1, record, shelf_mark="ROM JANS")
    member = network.member(network.a)
    hold = place(member, record, network.a1)
    assert list(queries.pick_list(network.b1)) == [hold]
    assert not queries.pick_list(network.a1).exists()
    outcome = scan(network.b1, item)
    assert outcome.action == CheckinAction.TRANSIT_HOLD
    assert outcome.destination == network.a1
    assert not queries.pick_list(network.b1).exists()
    [transit] = queries.transits_incoming(network.a1)
    assert transit.item == item
    assert transit.hold == hold
    arrived = scan(network.a1, item, now=days_later(2))
    assert arrived.action == CheckinAction.HOLD_SHELF
    hold.refresh_from_db()
    assert hold.status == HoldStatus.READY
    loan = services.loan_checkout(
        actor=None, branch=network.a1, person=member, barcode=item.barcode, now=days_later(3)
    )
    hold.refresh_from_db()
    assert hold.status == HoldStatus.FULFILLED
    assert hold.person is None  # a closed hold keeps no link to the member
    assert loan.owner_organisation == network.b


def test_a_hold_on_a_specific_copy_waits_for_that_copy(network):
    record = RecordFactory()
    other = network.copy(network.a1, record)
    wanted = network.copy(network.a2, record)
    hold = place(network.member(network.a), record, network.a1, item=wanted)
    assert hold.item == wanted
    assert hold.item_specific
    other.refresh_from_db()
    assert not other.holds.exists()


def test_the_queue_per_title_is_served_in_order(network):
    record = RecordFactory()
    item = network.copy(network.a1, record)
    services.loan_checkout(
        actor=None,
        branch=network.a1,
        person=network.member(network.a),
        barcode=item.barcode,
        now=NOW,
    )
    first = place(network.member(network.a), record, network.a1, now=days_later(1))
    second = place(network.member(network.b), record, network.b1, now=days_later(2))
    assert queries.hold_position(first) == 1
    assert queries.hold_position(second) == 2
    scan(network.a1, item, now=days_later(5))
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == HoldStatus.READY
    assert second.status == HoldStatus.WAITING
    assert queries.hold_position(second) == 1


def test_a_hold_fee_is_charged_by_the_pickup_library(network):
    record = RecordFactory()
    network.copy(network.b1, record)
    member = network.member(network.a)
    place(member, record, network.c1)
    charge = queries.charges_open(member).get()
    assert (charge.kind, charge.amount, charge.organisation) == (
        ChargeKind.HOLD_FEE,
        Decimal("0.50"),
        network.c,
    )


@pytest.mark.parametrize("case", ["twice", "not_allowed", "nothing", "on_loan", "office"])
def test_holds_that_are_refused(network, case):
    record = RecordFactory()
    item = network.copy(network.a1, record)
    member = network.member(network.a)
    pickup = network.a1
    expected = {
        "twice": Reason.HOLD_EXISTS,
        "not_allowed": Reason.HOLDS_NOT_ALLOWED,
        "nothing": Reason.NOTHING_TO_HOLD,
        "on_loan": Reason.ALREADY_ON_LOAN_FOR_HOLD,
        "office": Reason.BRANCH_CLOSED_FOR_PICKUP,
    }[case]
    if case == "twice":
        place(member, record, pickup)
    elif case == "not_allowed":
        CirculationRuleFactory(
            organisation=network.a, item_type=item.item_type, holds_allowed=False
        )
    elif case == "nothing":
        record = RecordFactory()
    elif case == "on_loan":
        services.loan_checkout(
            actor=None, branch=network.a1, person=member, barcode=item.barcode, now=NOW
        )
    elif case == "office":
        pickup.kind = "office"
        pickup.save()
    holds_before = Hold.objects.count()
    with pytest.raises(Refused) as refused:
        place(member, record, pickup)
    assert refused.value.reason == expected
    assert Hold.objects.count() == holds_before


def test_cancelling_a_hold_gives_its_copy_to_the_next_member(network):
    record = RecordFactory()
    item = network.copy(network.a1, record)
    first_member = network.member(network.a)
    first = place(first_member, record, network.a1)
    second = place(network.member(network.b), record, network.b1, now=days_later(1))
    assert first.item == item
    assert second.status == HoldStatus.WAITING
    services.hold_cancel(actor=None, hold=first, person=first_member, reason="Al gelezen")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == HoldStatus.CANCELLED
    assert second.status == HoldStatus.TO_PICK
    assert second.item == item


def test_a_member_cannot_cancel_someone_elses_hold(network):
    record = RecordFactory()
    network.copy(network.a1, record)
    hold = place(network.member(network.a), record, network.a1)
    with pytest.raises(Refused):
        services.hold_cancel(actor=None, hold=hold, person=network.member(network.a))
    hold.refresh_from_db()
    assert hold.is_active


def test_an_expired_hold_moves_the_copy_to_the_next_member_at_the_same_branch(network):
    record = RecordFactory()
    item = network.copy(network.a1, record)
    first = place(network.member(network.a), record, network.a1)
    second = place(network.member(network.a), record, network.a1, now=days_later(1))
    scan(network.a1, item, now=days_later(1))  # picked: on the hold shelf
    first.refresh_from_db()
    assert first.expires_on == dt.date(2026, 11, 26)
    assert services.holds_expire(now=days_later(8)) == 0  # the last day still counts
    assert services.holds_expire(now=days_later(9)) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == HoldStatus.EXPIRED
    assert second.status == HoldStatus.READY
    assert second.item == item
    assert services.holds_expire(now=days_later(9)) == 0  # re-running changes nothing


def test_an_expired_hold_without_a_successor_leaves_the_copy_to_clear(network):
    record = RecordFactory()
    item = network.copy(network.b1, record)
    hold = place(network.member(network.a), record, network.a1)
    scan(network.b1, item)
    scan(network.a1, item, now=days_later(2))
    services.holds_expire(now=days_later(30))
    hold.refresh_from_db()
    assert hold.status == HoldStatus.EXPIRED
    assert list(queries.hold_shelf_to_clear(network.a1)) == [item]
    outcome = scan(network.a1, item, now=days_later(31))
    assert outcome.action == CheckinAction.TRANSIT_HOME
    assert outcome.destination == network.b1
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_TRANSIT


def test_a_member_who_takes_another_copy_from_the_shelf_fulfils_their_hold(network):
    record = RecordFactory()
    set_aside = network.copy(network.a2, record)
    member = network.member(network.a)
    hold = place(member, record, network.a1)
    assert hold.item == set_aside
    on_shelf = network.copy(network.a1, record)
    next_member = network.member(network.a)
    later = place(next_member, record, network.a1, now=days_later(1))
    assert later.item == on_shelf
    services.loan_checkout(
        actor=None, branch=network.a2, person=member, barcode=set_aside.barcode, now=days_later(2)
    )
    hold.refresh_from_db()
    assert hold.status == HoldStatus.FULFILLED
