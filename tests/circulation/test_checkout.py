"""Checkout: lending an item to a member at a branch, and every reason to refuse."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samenbieb.circulation import queries, services
from samenbieb.circulation.errors import Reason, Refused
from samenbieb.circulation.models import ChargeKind, Loan
from samenbieb.holdings.models import ItemStatus
from samenbieb.members.models import CardStatus
from tests.circulation.conftest import NOW, TODAY
from tests.factories import (
    ChargeFactory,
    CirculationRuleFactory,
    ClosureFactory,
    ItemTypeFactory,
    LibraryCardFactory,
    MembershipFactory,
    PersonFactory,
    StaffRoleFactory,
)

pytestmark = pytest.mark.django_db


def checkout(network, person, item, branch=None, **kwargs):
    return services.loan_checkout(
        actor=None,
        branch=branch or network.a1,
        person=person,
        barcode=item.barcode,
        now=kwargs.pop("now", NOW),
        **kwargs,
    )


def assert_refused(reason, call):
    loans_before = Loan.objects.count()
    with pytest.raises(Refused) as refused:
        call()
    assert refused.value.reason == reason
    assert str(refused.value.message)
    assert Loan.objects.count() == loans_before
    return refused.value


def test_a_member_borrows_an_item_for_the_loan_period_of_the_lending_library(network):
    member = network.member(network.a)
    item = network.copy(network.a1)
    loan = checkout(network, member, item)
    item.refresh_from_db()
    assert item.status == ItemStatus.ON_LOAN
    assert loan.person == member
    assert loan.branch == network.a1
    assert loan.organisation == network.a
    assert loan.owner_organisation == network.a
    # 21 days after Wednesday 18 November is Wednesday 9 December, an open day.
    assert loan.due_on == dt.date(2026, 12, 9)
    assert loan.age_band == "adult"
    assert loan.renewals_allowed == 2


def test_the_due_date_moves_to_the_next_open_day_of_the_lending_branch(network):
    CirculationRuleFactory(
        organisation=network.b, item_type=ItemTypeFactory(code="dvd"), loan_days=18
    )  # 18 days from Wednesday is a Sunday
    ClosureFactory(
        organisation=network.b,
        start_date=dt.date(2026, 12, 7),
        end_date=dt.date(2026, 12, 7),
        reason="Studiedag",
    )
    member = network.member(network.a)
    dvd = network.copy(network.b1, item_type=ItemTypeFactory(code="dvd"))
    loan = checkout(network, member, dvd, branch=network.b1)
    # Sunday 6 December closed (no hours), Monday 7 December closed for a study day.
    assert loan.due_on == dt.date(2026, 12, 8)


def test_a_guest_from_another_library_borrows_on_the_lending_librarys_terms(network):
    CirculationRuleFactory(organisation=network.c, item_type=ItemTypeFactory(), loan_days=14)
    guest = network.member(network.a)
    item = network.copy(network.b1)
    loan = services.loan_checkout(
        actor=None, branch=network.c1, person=guest, barcode=item.barcode, now=NOW
    )
    assert loan.organisation == network.c
    assert loan.owner_organisation == network.b
    assert loan.home_organisation == network.a
    assert loan.due_on == TODAY + dt.timedelta(days=14)


def test_checkout_refused_when_the_membership_has_lapsed(network):
    person = PersonFactory(home_organisation=network.a)
    MembershipFactory(person=person, starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31))
    item = network.copy(network.a1)
    assert_refused(Reason.MEMBERSHIP_LAPSED, lambda: checkout(network, person, item))
    item.refresh_from_db()
    assert item.status == ItemStatus.AVAILABLE


def test_checkout_refused_when_open_charges_are_above_the_threshold(network, settings):
    settings.SAMENBIEB = {**settings.SAMENBIEB, "CHARGES_BLOCK_THRESHOLD": "10.00"}
    member = network.member(network.a)
    ChargeFactory(person=member, organisation=network.a, amount=Decimal("10.00"))
    item = network.copy(network.a1)
    checkout(network, member, item)  # exactly at the threshold: still allowed
    ChargeFactory(person=member, organisation=network.b, amount=Decimal("0.01"))
    refused = assert_refused(
        Reason.CHARGES_ABOVE_THRESHOLD, lambda: checkout(network, member, network.copy(network.a1))
    )
    assert "10,01" in str(refused.message) or "10.01" in str(refused.message)


def test_checkout_refused_when_the_maximum_number_of_loans_is_reached(network):
    CirculationRuleFactory(organisation=network.a, item_type=ItemTypeFactory(), max_loans=2)
    member = network.member(network.a)
    for _ in range(2):
        checkout(network, member, network.copy(network.a1))
    assert_refused(
        Reason.MAXIMUM_LOANS, lambda: checkout(network, member, network.copy(network.a1))
    )
    # Loans at another library do not count towards A's maximum.
    checkout(network, member, network.copy(network.b1), branch=network.b1)


def test_checkout_refused_for_an_item_type_the_library_does_not_lend(network):
    reference = ItemTypeFactory(code="reference", name="Naslag")
    CirculationRuleFactory(organisation=network.a, item_type=reference, max_loans=0)
    member = network.member(network.a)
    item = network.copy(network.a1, item_type=reference)
    assert_refused(Reason.NOT_FOR_LOAN, lambda: checkout(network, member, item))


@pytest.mark.parametrize("status", ["withdrawn", "missing", "damaged", "lost"])
def test_checkout_refused_for_an_item_that_is_not_on_the_shelf(network, status):
    member = network.member(network.a)
    item = network.copy(network.a1, status=status)
    assert_refused(Reason.ITEM_NOT_AVAILABLE, lambda: checkout(network, member, item))
    item.refresh_from_db()
    assert item.status == status


def test_scanning_the_same_item_twice_for_the_same_member_changes_nothing(network):
    member = network.member(network.a)
    item = network.copy(network.a1)
    loan = checkout(network, member, item)
    refused = assert_refused(
        Reason.ALREADY_ON_LOAN_TO_MEMBER, lambda: checkout(network, member, item)
    )
    assert "9 december 2026" in str(refused.message).lower() or "December" in str(refused.message)
    assert Loan.objects.get() == loan


def test_checkout_refused_for_an_item_on_loan_to_someone_else(network):
    item = network.copy(network.a1)
    checkout(network, network.member(network.a), item)
    assert_refused(
        Reason.ON_LOAN_TO_SOMEONE_ELSE, lambda: checkout(network, network.member(network.a), item)
    )


def test_checkout_refused_for_an_unknown_barcode(network):
    member = network.member(network.a)
    with pytest.raises(Refused) as refused:
        services.loan_checkout(
            actor=None, branch=network.a1, person=member, barcode="NOSUCHITEM", now=NOW
        )
    assert refused.value.reason == Reason.UNKNOWN_ITEM
    with pytest.raises(Refused) as refused:
        services.loan_checkout(actor=None, branch=network.a1, person=member, barcode="!!", now=NOW)
    assert refused.value.reason == Reason.UNKNOWN_ITEM


def test_checkout_refused_when_the_item_is_reserved_for_another_member(network):
    record_item = network.copy(network.a1)
    waiting = network.member(network.a)
    services.hold_place(
        actor=None, person=waiting, record=record_item.record, pickup_branch=network.a1, now=NOW
    )
    other = network.member(network.a)
    assert_refused(Reason.ON_HOLD_FOR_SOMEONE_ELSE, lambda: checkout(network, other, record_item))
    # The member it is reserved for may take it.
    checkout(network, waiting, record_item)


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (CardStatus.LOST, Reason.CARD_LOST),
        (CardStatus.BLOCKED, Reason.CARD_BLOCKED),
        (CardStatus.REPLACED, Reason.CARD_REPLACED),
    ],
)
def test_a_card_that_is_not_in_use_opens_nothing(network, status, reason):
    card = LibraryCardFactory(person=PersonFactory(home_organisation=network.a), status=status)
    with pytest.raises(Refused) as refused:
        queries.patron_by_card(card.barcode)
    assert refused.value.reason == reason


def test_any_librarys_active_card_finds_its_member(network):
    member = network.member(network.c)
    card = member.cards.get()
    assert queries.patron_by_card(f" {card.barcode}\r") == member
    with pytest.raises(Refused) as refused:
        queries.patron_by_card("29999999999999")
    assert refused.value.reason == Reason.UNKNOWN_CARD


def test_staff_lend_only_at_branches_of_their_own_library(network):
    from samenbieb.core.errors import NotPermitted

    desk_b = StaffRoleFactory(organisation=network.b, role="desk").user
    member = network.member(network.a)
    item = network.copy(network.a1)
    with pytest.raises(NotPermitted):
        services.loan_checkout(
            actor=desk_b, branch=network.a1, person=member, barcode=item.barcode, now=NOW
        )
    loan = services.loan_checkout(
        actor=desk_b, branch=network.b1, person=member, barcode=item.barcode, now=NOW
    )
    assert loan.organisation == network.b


def test_a_checkout_runs_the_same_number_of_queries_however_many_loans_the_member_has(network):
    CirculationRuleFactory(organisation=network.a, item_type=ItemTypeFactory(), max_loans=None)
    few, many = network.member(network.a), network.member(network.a)
    checkout(network, few, network.copy(network.a1))
    for _ in range(30):
        checkout(network, many, network.copy(network.a1))
    counts = []
    for member in (few, many):
        item = network.copy(network.a1)
        with CaptureQueriesContext(connection) as captured:
            checkout(network, member, item)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


def test_hold_fees_and_fines_are_charges_of_the_right_kind(network):
    member = network.member(network.a)
    item = network.copy(network.b1)
    services.hold_place(
        actor=None, person=member, record=item.record, pickup_branch=network.a1, now=NOW
    )
    assert [(c.kind, c.amount, c.organisation) for c in queries.charges_open(member)] == [
        (ChargeKind.HOLD_FEE, Decimal("0.50"), network.a)
    ]
