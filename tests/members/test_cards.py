"""Cards: a lost card is replaced without losing anything, and its number is never reused."""

from __future__ import annotations

import datetime as dt

import pytest

from samenbieb.members import cards, queries, services
from samenbieb.members.errors import CardNotActive, CardNumberTaken, InvalidCardNumber
from samenbieb.members.models import CardStatus
from tests.factories import (
    ChargeFactory,
    ConsentFactory,
    LibraryCardFactory,
    MembershipFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(library):
    return PersonFactory(home_organisation=library, email="lid@example.org")


def test_a_card_number_is_normalised_like_a_barcode(desk, member, library):
    card = cards.card_issue(actor=desk, person=member, barcode=" 2000abc1\t", organisation=library)
    assert card.barcode == "2000ABC1"
    assert card.status == CardStatus.ACTIVE


@pytest.mark.parametrize("raw", ["", "123", "2000-0001", "A" * 33])
def test_an_invalid_card_number_is_refused(desk, member, library, raw):
    with pytest.raises(InvalidCardNumber):
        cards.card_issue(actor=desk, person=member, barcode=raw, organisation=library)


def test_a_new_card_replaces_the_active_one(desk, member, library):
    old = cards.card_issue(actor=desk, person=member, barcode="20000001", organisation=library)
    new = cards.card_issue(actor=desk, person=member, barcode="20000002", organisation=library)
    old.refresh_from_db()
    assert old.status == CardStatus.REPLACED
    assert new.status == CardStatus.ACTIVE


def test_replacing_a_lost_card_keeps_memberships_charges_and_consents(desk, member, library):
    old = LibraryCardFactory(person=member, barcode="20000010")
    membership = MembershipFactory(person=member)
    charge = ChargeFactory(person=member)
    consent = ConsentFactory(person=member)

    new = cards.card_replace(
        actor=desk, person=member, new_barcode="20000011", organisation=library
    )

    old.refresh_from_db()
    assert old.status == CardStatus.LOST
    assert new.person == member
    assert list(member.memberships.all()) == [membership]
    assert list(member.charges.all()) == [charge]
    assert list(member.consents.all()) == [consent]


def test_a_lost_card_number_no_longer_logs_in_but_the_new_one_does(desk, member, library):
    LibraryCardFactory(person=member, barcode="20000020")
    cards.card_replace(actor=desk, person=member, new_barcode="20000021", organisation=library)
    assert queries.person_for_login("20000020") is None
    assert queries.person_for_login("20000021") == member
    assert queries.person_for_login("LID@example.org") == member


def test_a_lost_or_replaced_card_number_is_never_issued_again(desk, member, library):
    LibraryCardFactory(person=member, barcode="20000030")
    cards.card_replace(actor=desk, person=member, new_barcode="20000031", organisation=library)
    other = PersonFactory(home_organisation=library)
    with pytest.raises(CardNumberTaken):
        cards.card_issue(actor=desk, person=other, barcode="20000030", organisation=library)
    with pytest.raises(CardNumberTaken):
        cards.card_replace(actor=desk, person=member, new_barcode="20000030", organisation=library)
    assert member.cards.get(status=CardStatus.ACTIVE).barcode == "20000031"


def test_reporting_a_card_lost_stops_it_and_a_second_report_is_refused(desk, member):
    card = LibraryCardFactory(person=member, barcode="20000040")
    cards.card_report_lost(actor=desk, card=card)
    assert card.status == CardStatus.LOST
    assert queries.person_for_login("20000040") is None
    with pytest.raises(CardNotActive):
        cards.card_report_lost(actor=desk, card=card)


def test_a_blocked_card_or_an_inactive_person_cannot_log_in(member):
    LibraryCardFactory(person=member, barcode="20000050", status=CardStatus.BLOCKED)
    assert queries.person_for_login("20000050") is None
    gone = PersonFactory(is_active=False, email="weg@example.org")
    LibraryCardFactory(person=gone, barcode="20000051")
    assert queries.person_for_login("20000051") is None
    assert queries.person_for_login("weg@example.org") is None


def test_another_librarys_desk_sees_only_name_home_library_and_validity(member, library):
    LibraryCardFactory(person=member, barcode="20000060")
    MembershipFactory(person=member, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31))
    guest = queries.member_for_guest_desk("20000060", on=dt.date(2026, 6, 1))
    assert guest is not None
    assert (guest.name, guest.home_library, guest.membership_valid) == (
        member.full_name,
        library.name,
        True,
    )
    assert not hasattr(guest, "birth_date")
    assert not hasattr(guest, "postcode")
    lapsed = queries.member_for_guest_desk("20000060", on=dt.date(2027, 1, 1))
    assert lapsed is not None
    assert not lapsed.membership_valid
    services.membership_cancel(actor=None, membership=member.memberships.get())
    cancelled = queries.member_for_guest_desk("20000060", on=dt.date(2026, 6, 1))
    assert cancelled is not None
    assert not cancelled.membership_valid
