"""Each SIP2 message, request to reply, against the 2.00 specification's fields.

The kiosk in these tests speaks English (Kiosk.language) so screen messages can be read
as English source strings; the default for a kiosk is Dutch.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from samenbieb.circulation import queries as circulation_queries
from samenbieb.circulation import services
from samenbieb.circulation.models import Charge, Loan, PaymentMethod
from samenbieb.holdings.models import ItemStatus
from samenbieb.interfaces.sip2 import handlers
from samenbieb.interfaces.sip2.codec import format_date
from samenbieb.members.models import CardStatus
from samenbieb.selfservice.queries import location_code
from tests.factories import ChargeFactory, RecordFactory
from tests.interfaces.sip2.conftest import BLANK_DATE, KIOSK_PASSWORD, PIN, exchange, stamp


@pytest.fixture(autouse=True)
def _quick_password_hashes(settings):
    """Argon2 costs a tenth of a second a hash; these tests are about messages, not hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- 93 login, 99 status, 97 resend ----------------------------------------------------


def test_login_with_the_kiosks_name_and_password_is_accepted(world):
    state = handlers.SessionState(peer_ip="10.1.2.3")

    reply = exchange(state, f"9300CNkiosk-a1|CO{KIOSK_PASSWORD}|CPwhatever|")

    assert reply.code == "94"
    assert reply.fixed == {"ok": "1"}
    assert state.kiosk == world.kiosk
    assert not state.close_after_reply


@pytest.mark.parametrize(
    ("name", "password"),
    [("kiosk-a1", "wrong-password-1"), ("kiosk-nope", KIOSK_PASSWORD), ("kiosk-a1", "")],
)
def test_login_with_a_wrong_name_or_password_is_refused_and_the_connection_closed(
    world, name, password
):
    state = handlers.SessionState(peer_ip="10.1.2.3")

    reply = exchange(state, f"9300CN{name}|CO{password}|")

    assert reply.fixed == {"ok": "0"}
    assert state.kiosk is None
    assert state.close_after_reply


def test_login_from_an_address_outside_the_allow_list_is_refused(world):
    world.kiosk.allowed_networks = "192.0.2.0/24\n2001:db8::/32"
    world.kiosk.save()

    outside = handlers.SessionState(peer_ip="198.51.100.7")
    inside = handlers.SessionState(peer_ip="192.0.2.44")

    assert exchange(outside, f"9300CNkiosk-a1|CO{KIOSK_PASSWORD}|").fixed["ok"] == "0"
    assert exchange(inside, f"9300CNkiosk-a1|CO{KIOSK_PASSWORD}|").fixed["ok"] == "1"


def test_a_switched_off_kiosk_cannot_log_in(world):
    world.kiosk.is_active = False
    world.kiosk.save()

    reply = exchange(
        handlers.SessionState(peer_ip="127.0.0.1"), f"9300CNkiosk-a1|CO{KIOSK_PASSWORD}|"
    )

    assert reply.fixed["ok"] == "0"


def test_messages_before_login_are_not_answered(world):
    with pytest.raises(handlers.NotLoggedIn):
        exchange(handlers.SessionState(peer_ip="127.0.0.1"), "9900302.00")


def test_sc_status_reports_online_the_library_and_the_supported_messages(world, session):
    reply = exchange(session, "9900402.00")

    assert reply.code == "98"
    assert reply.fixed["online_status"] == "Y"
    assert reply.fixed["checkin_ok"] == "Y"
    assert reply.fixed["checkout_ok"] == "Y"
    assert reply.fixed["acs_renewal_policy"] == "Y"
    assert reply.fixed["protocol_version"] == "2.00"
    assert reply.get("AO") == world.a.isil
    assert reply.get("AM") == world.a.name
    assert reply.get("AN") == f"{world.a.isil}/centrum"
    supported = reply.get("BX")
    assert len(supported) == 16
    # checkout, checkin, login, patron information, fee paid, renew, renew all
    for position in (1, 2, 6, 7, 9, 14, 15):
        assert supported[position] == "Y"
    # block patron and hold are for the desk and the portal
    assert supported[3] == "N"
    assert supported[13] == "N"
    assert session.print_width == 40


def test_the_reply_carries_the_requests_sequence_number_and_a_checksum(session):
    reply = exchange(session, "9900302.00AY7AZ")

    assert reply.sequence == 7


def test_timestamps_are_local_time(world, session):
    moment = dt.datetime(2026, 7, 1, 12, 30, 5, tzinfo=dt.UTC)

    reply = exchange(session, "9900302.00", now=moment)

    assert reply.fixed["date_time_sync"] == "20260701    143005"


# --- 23 patron status, 63 patron information -------------------------------------------


def test_patron_status_with_the_right_pin_is_valid_and_named(world, session):
    member = world.member(given_name="Sanne", family_name="Boer")

    reply = exchange(session, f"23005{stamp()}AO{world.a.isil}|AA{member.card}|AC|AD{PIN}|")

    assert reply.code == "24"
    assert reply.fixed["patron_status"] == " " * 14
    assert reply.fixed["language"] == "005"  # the member's language: Dutch
    assert reply.get("AA") == member.card
    assert reply.get("AE") == "Sanne Boer"
    assert reply.get("BL") == "Y"
    assert reply.get("CQ") == "Y"
    assert reply.get("BV") == "0.00"
    assert reply.get("BH") == "EUR"


def test_patron_status_without_a_pin_tells_only_that_the_card_is_valid(world, session):
    member = world.member()

    reply = exchange(session, f"23000{stamp()}AO|AA{member.card}|AC|AD|")

    assert reply.get("BL") == "Y"
    assert reply.get("CQ") == "N"
    assert reply.get("AE") == ""
    assert reply.get("BV") is None
    assert reply.get("AF") == "Enter your PIN."


def test_an_unknown_card_is_not_a_valid_patron(world, session):
    reply = exchange(session, f"23000{stamp()}AO|AA29999999999999|AC|AD{PIN}|")

    assert reply.get("BL") == "N"
    assert reply.get("CQ") == "N"
    assert reply.fixed["patron_status"][:4] == "YYYY"
    assert reply.get("AF", "").startswith("There is no library card with this number.")


def test_a_card_reported_lost_is_flagged_as_such(world, session):
    member = world.member()
    member.cards.update(status=CardStatus.LOST)

    reply = exchange(session, f"23000{stamp()}AO|AA{member.card}|AC|AD{PIN}|")

    assert reply.fixed["patron_status"][4] == "Y"
    assert reply.get("BL") == "N"
    assert "reported lost" in reply.get("AF")


def test_charges_above_the_threshold_deny_privileges_with_the_circulation_message(world, session):
    member = world.member()
    ChargeFactory(person=member, organisation=world.a, amount="12.00")

    reply = exchange(session, f"23000{stamp()}AO|AA{member.card}|AC|AD{PIN}|")

    status = reply.fixed["patron_status"]
    assert status[0] == status[1] == status[3] == "Y"  # charge, renewal, hold denied
    assert status[10] == "Y"  # excessive outstanding fines
    assert reply.get("BV") == "12.00"
    assert "to pay" in reply.get("AF")


def test_patron_information_summarises_holds_overdue_loans_and_fines(world, session):
    member = world.member()
    now = timezone.now()
    late = world.copy(world.a1)
    on_time = world.copy(world.a1)
    services.loan_checkout(
        actor=None,
        branch=world.a1,
        person=member,
        barcode=late.barcode,
        now=now - dt.timedelta(days=30),
    )
    services.loan_checkout(actor=None, branch=world.a1, person=member, barcode=on_time.barcode)
    waiting = RecordFactory(title="Wachten op Godot")
    world.copy(world.b1, record=waiting, status=ItemStatus.ON_LOAN)
    services.hold_place(actor=None, person=member, record=waiting, pickup_branch=world.a1)
    fine = ChargeFactory(person=member, organisation=world.a, amount="1.50", description="Te laat")

    def info(summary: str, extra: str = "") -> object:
        return exchange(
            session, f"63001{stamp()}{summary:<10}AO|AA{member.card}|AC|AD{PIN}|{extra}"
        )

    reply = info("")
    assert reply.code == "64"
    assert reply.fixed["hold_items_count"] == "0000"
    assert reply.fixed["overdue_items_count"] == "0001"
    assert reply.fixed["charged_items_count"] == "0002"
    assert reply.fixed["unavailable_holds_count"] == "0001"
    assert reply.fixed["recall_items_count"] == "0000"
    # the hold fee and the fine
    assert reply.fixed["fine_items_count"] == "0002"
    assert reply.get("BV") == "2.00"
    assert reply.get("CC") == "10.00"
    assert reply.get_all("AU") == []  # no list unless the summary asks for one
    assert reply.fixed["language"] == "005"

    assert info(" Y").get_all("AT") == [late.barcode]
    assert sorted(info("  Y").get_all("AU")) == sorted([late.barcode, on_time.barcode])
    assert info("     Y").get_all("CD") == ["Wachten op Godot"]
    fines = info("   Y").get_all("AV")
    assert f"{fine.pk} 1.50 Te laat" in fines
    assert info("  Y", "BP2|BQ2|").get_all("AU") == [on_time.barcode]


def test_patron_information_lists_holds_ready_for_pickup(world, session):
    member = world.member()
    record = RecordFactory()
    copy = world.copy(world.a1, record=record)
    hold = services.hold_place(actor=None, person=member, record=record, pickup_branch=world.a1)
    services.loan_checkin(actor=None, branch=world.a1, barcode=copy.barcode)  # picked: hold shelf
    hold.refresh_from_db()

    reply = exchange(session, f"63001{stamp()}Y         AO|AA{member.card}|AC|AD{PIN}|")

    assert hold.status == "ready"
    assert reply.fixed["hold_items_count"] == "0001"
    assert reply.get_all("AS") == [copy.barcode]


def test_patron_information_answers_in_the_language_asked_for(world, session):
    session.kiosk.language = "nl"
    member = world.member()

    english = exchange(session, f"63001{stamp()}          AO|AA{member.card}|AC|AD|")

    assert english.get("AF") == "Enter your PIN."


# --- PIN: once per patron session, throttled, never stored ---------------------------------


def test_a_wrong_pin_is_refused_and_counted_against_the_card(world, session, settings):
    settings.MEMBER_LOGIN_MAX_FAILURES = 3
    member = world.member()

    for _ in range(3):
        reply = exchange(session, f"23000{stamp()}AO|AA{member.card}|AC|ADwrong-pin|")
        assert reply.get("CQ") == "N"
        assert reply.get("AF") == "The PIN is not correct."

    throttled = exchange(session, f"23000{stamp()}AO|AA{member.card}|AC|AD{PIN}|")
    assert throttled.get("CQ") == "N"
    assert "too often" in throttled.get("AF")


def test_the_pin_is_verified_once_per_patron_session(world, session, monkeypatch):
    member = world.member()
    calls = []
    real = handlers.member_authenticate

    def counting(**kwargs):
        calls.append(1)
        return real(**kwargs)

    monkeypatch.setattr(handlers, "member_authenticate", counting)
    for _ in range(3):
        assert exchange(session, f"23000{stamp()}AO|AA{member.card}|AC|AD{PIN}|").get("CQ") == "Y"
    # a message without AD in the same patron session is the same patron
    assert exchange(session, f"23000{stamp()}AO|AA{member.card}|AC|AD|").get("CQ") == "Y"
    assert len(calls) == 1
    # a different PIN is checked again, and a wrong one ends the patron session
    assert exchange(session, f"23000{stamp()}AO|AA{member.card}|AC|ADother|").get("CQ") == "N"
    assert exchange(session, f"23000{stamp()}AO|AA{member.card}|AC|AD|").get("CQ") == "N"
    assert len(calls) == 2


def test_the_patron_session_keeps_a_digest_never_the_pin(world, session):
    member = world.member()

    exchange(session, f"23000{stamp()}AO|AA{member.card}|AC|AD{PIN}|")

    assert session.patron is not None
    assert PIN.encode() not in session.patron.pin_digest
    assert PIN not in repr(session.__dict__)


def test_end_patron_session_forgets_the_verified_pin(world, session):
    member = world.member()
    exchange(session, f"23000{stamp()}AO|AA{member.card}|AC|AD{PIN}|")

    reply = exchange(session, f"35{stamp()}AO|AA{member.card}|AC|AD|")

    assert reply.code == "36"
    assert reply.fixed["end_session"] == "Y"
    assert reply.get("AA") == member.card
    assert session.patron is None
    assert exchange(session, f"23000{stamp()}AO|AA{member.card}|AC|AD|").get("CQ") == "N"


def test_another_card_on_the_connection_needs_its_own_pin(world, session):
    first, second = world.member(), world.member()
    exchange(session, f"23000{stamp()}AO|AA{first.card}|AC|AD{PIN}|")

    reply = exchange(session, f"23000{stamp()}AO|AA{second.card}|AC|AD|")

    assert reply.get("CQ") == "N"


# --- 11 checkout ------------------------------------------------------------------------


def test_checkout_lends_the_item_at_the_kiosks_branch(world, session):
    member = world.member()
    item = world.copy(world.a2, record=RecordFactory(title="Het Achterhuis"))

    reply = exchange(
        session, f"11NN{stamp()}{BLANK_DATE}AO|AA{member.card}|AB{item.barcode}|AC|AD{PIN}|"
    )

    loan = Loan.objects.get(item=item, returned_at__isnull=True)
    assert reply.code == "12"
    assert reply.fixed["ok"] == "1"
    assert reply.fixed["renewal_ok"] == "N"
    assert reply.fixed["desensitize"] == "Y"
    assert reply.get("AB") == item.barcode
    assert reply.get("AJ") == "Het Achterhuis"
    assert reply.get("AH") == format_date(loan.due_on)
    assert "Borrowed: Het Achterhuis" in reply.get("AF")
    assert reply.get("AG").startswith("Het Achterhuis")
    assert loan.person == member
    assert loan.branch == world.a1


def test_checkout_without_a_pin_is_refused(world, session):
    member = world.member()
    item = world.copy(world.a1)

    reply = exchange(session, f"11NN{stamp()}{BLANK_DATE}AO|AA{member.card}|AB{item.barcode}|AC|")

    assert reply.fixed["ok"] == "0"
    assert reply.fixed["desensitize"] == "N"
    assert reply.get("AF") == "Enter your PIN."
    assert not Loan.objects.filter(item=item).exists()


def test_checkout_refusal_shows_the_circulation_message(world, session):
    member = world.member()
    item = world.copy(world.a1, status=ItemStatus.ON_LOAN)

    reply = exchange(
        session, f"11NN{stamp()}{BLANK_DATE}AO|AA{member.card}|AB{item.barcode}|AC|AD{PIN}|"
    )

    assert reply.fixed["ok"] == "0"
    assert "on loan to someone else" in reply.get("AF")


def test_checkout_of_an_item_the_member_has_renews_it_under_the_kiosks_renewal_policy(
    world, session
):
    member = world.member()
    item = world.copy(world.a1)
    services.loan_checkout(actor=None, branch=world.a1, person=member, barcode=item.barcode)

    refused = exchange(
        session, f"11NN{stamp()}{BLANK_DATE}AO|AA{member.card}|AB{item.barcode}|AC|AD{PIN}|"
    )
    renewed = exchange(session, f"11YN{stamp()}{BLANK_DATE}AO|AA{member.card}|AB{item.barcode}|AC|")

    assert refused.fixed["ok"] == "0"
    assert refused.fixed["renewal_ok"] == "Y"
    assert renewed.fixed["ok"] == "1"
    assert renewed.fixed["renewal_ok"] == "Y"
    assert Loan.objects.get(item=item).renewals == 1


def test_an_offline_checkout_is_dated_when_it_happened_at_the_kiosk(world, session):
    member = world.member()
    item = world.copy(world.a1)
    earlier = timezone.now() - dt.timedelta(days=2)

    reply = exchange(
        session, f"11NY{stamp(earlier)}{BLANK_DATE}AO|AA{member.card}|AB{item.barcode}|AC|AD{PIN}|"
    )

    assert reply.fixed["ok"] == "1"
    loan = Loan.objects.get(item=item)
    assert abs(loan.checked_out_at - earlier) < dt.timedelta(seconds=1)


# --- 09 checkin -----------------------------------------------------------------------------


def _lent(world, member, branch, **fields):
    item = world.copy(branch, **fields)
    services.loan_checkout(actor=None, branch=branch, person=member, barcode=item.barcode)
    return item


def test_checkin_of_an_item_at_home_goes_to_the_shelf(world, session):
    member = world.member()
    item = _lent(world, member, world.a1)

    reply = exchange(session, f"09N{stamp()}{stamp()}APsorter|AO|AB{item.barcode}|AC|")

    assert reply.code == "10"
    assert reply.fixed["ok"] == "1"
    assert reply.fixed["resensitize"] == "Y"
    assert reply.fixed["alert"] == "N"
    assert reply.get("AQ") == location_code(world.a1)
    assert reply.get("CT") is None
    assert reply.get("CV") is None
    assert reply.get("AJ") == item.record.title
    assert not Loan.objects.filter(item=item, returned_at__isnull=True).exists()


def test_checkin_of_another_branchs_item_is_routed_home(world, session):
    member = world.member()
    item = _lent(world, member, world.b1)

    reply = exchange(session, f"09N{stamp()}{stamp()}AP|AO|AB{item.barcode}|AC|")

    assert reply.fixed["ok"] == "1"
    assert reply.fixed["alert"] == "Y"
    assert reply.get("CV") == "04"
    assert reply.get("CT") == location_code(world.b1)
    assert reply.get("AQ") == location_code(world.b1)
    # same branch code, another library: the location names them apart
    assert location_code(world.b1) != location_code(world.a1)


def test_checkin_of_an_item_reserved_for_pickup_here_goes_to_the_hold_shelf(world, session):
    borrower, waiting = world.member(), world.member()
    record = RecordFactory()
    item = _lent(world, borrower, world.a2, record=record)
    services.hold_place(actor=None, person=waiting, record=record, pickup_branch=world.a1)

    reply = exchange(session, f"09N{stamp()}{stamp()}AP|AO|AB{item.barcode}|AC|")

    assert reply.fixed["alert"] == "Y"
    assert reply.get("CV") == "01"
    assert reply.get("CT") == location_code(world.a1)
    assert reply.get("AQ") == location_code(world.a2)


def test_checkin_of_an_item_reserved_for_pickup_elsewhere_is_sent_there(world, session):
    borrower, waiting = world.member(), world.member()
    record = RecordFactory()
    item = _lent(world, borrower, world.a1, record=record)
    services.hold_place(actor=None, person=waiting, record=record, pickup_branch=world.b1)

    reply = exchange(session, f"09N{stamp()}{stamp()}AP|AO|AB{item.barcode}|AC|")

    assert reply.get("CV") == "02"
    assert reply.get("CT") == location_code(world.b1)


def test_checkin_of_a_late_item_reports_the_fine(world, session):
    member = world.member()
    item = world.copy(world.a1)
    services.loan_checkout(
        actor=None,
        branch=world.a1,
        person=member,
        barcode=item.barcode,
        now=timezone.now() - dt.timedelta(days=30),
    )

    reply = exchange(session, f"09N{stamp()}{stamp()}AP|AO|AB{item.barcode}|AC|")

    assert reply.fixed["ok"] == "1"
    assert any("was charged" in text for text in reply.get_all("AF"))


def test_checkin_of_an_unknown_item_alerts(world, session):
    reply = exchange(session, f"09N{stamp()}{stamp()}AP|AO|AB39999999999|AC|")

    assert reply.fixed["ok"] == "0"
    assert reply.fixed["alert"] == "Y"
    assert reply.get("CV") == "99"
    assert "No item has the barcode" in reply.get("AF")


def test_checkin_of_an_item_on_the_shelf_needs_nothing(world, session):
    item = world.copy(world.a1)

    reply = exchange(session, f"09N{stamp()}{stamp()}AP|AO|AB{item.barcode}|AC|")

    assert reply.fixed["ok"] == "0"
    assert reply.fixed["alert"] == "N"
    assert reply.get("AQ") == location_code(world.a1)
    assert "was not on loan" in reply.get("AF")


# --- 17 item information ----------------------------------------------------------------


def test_item_information_of_a_lent_item(world, session):
    member = world.member()
    item = _lent(world, member, world.a1)
    loan = Loan.objects.get(item=item)

    reply = exchange(session, f"17{stamp()}AO|AB{item.barcode}|AC|")

    assert reply.code == "18"
    assert reply.fixed["circulation_status"] == "04"
    assert reply.fixed["security_marker"] == "00"
    assert reply.fixed["fee_type"] == "01"
    assert reply.get("AB") == item.barcode
    assert reply.get("AJ") == item.record.title
    assert reply.get("AH") == format_date(loan.due_on)
    assert reply.get("CF") == "0"
    assert reply.get("BG") == world.a.isil
    assert reply.get("AQ") == reply.get("AP") == location_code(world.a1)


def test_item_information_of_an_available_and_an_unknown_item(world, session):
    item = world.copy(world.a2)

    available = exchange(session, f"17{stamp()}AO|AB{item.barcode}|AC|")
    unknown = exchange(session, f"17{stamp()}AO|AB38888888888|AC|")

    assert available.fixed["circulation_status"] == "03"
    assert available.get("AH") is None
    assert unknown.fixed["circulation_status"] == "01"
    assert unknown.get("AF") == "No item has this barcode."


# --- 29 renew, 65 renew all -------------------------------------------------------------


def test_renew_extends_the_members_loan(world, session):
    member = world.member()
    item = _lent(world, member, world.a1)

    reply = exchange(
        session, f"29NN{stamp()}{BLANK_DATE}AO|AA{member.card}|AD{PIN}|AB{item.barcode}|AC|"
    )

    loan = Loan.objects.get(item=item)
    assert reply.code == "30"
    assert reply.fixed["ok"] == "1"
    assert reply.fixed["renewal_ok"] == "Y"
    assert reply.get("AH") == format_date(loan.due_on)
    assert loan.renewals == 1


def test_renew_refused_by_the_renewal_limit_says_why(world, session):
    member = world.member()
    item = _lent(world, member, world.a1)
    Loan.objects.filter(item=item).update(renewals=2)

    reply = exchange(
        session, f"29NN{stamp()}{BLANK_DATE}AO|AA{member.card}|AD{PIN}|AB{item.barcode}|AC|"
    )

    assert reply.fixed["ok"] == "0"
    assert "cannot be renewed again" in reply.get("AF")


def test_renew_of_someone_elses_loan_is_refused(world, session):
    member, other = world.member(), world.member()
    item = _lent(world, other, world.a1)

    reply = exchange(
        session, f"29NN{stamp()}{BLANK_DATE}AO|AA{member.card}|AD{PIN}|AB{item.barcode}|AC|"
    )

    assert reply.fixed["ok"] == "0"
    assert Loan.objects.get(item=item).renewals == 0


def test_renew_all_renews_what_it_can_and_lists_both(world, session):
    member = world.member()
    renewable = _lent(world, member, world.a1)
    at_limit = _lent(world, member, world.a1)
    Loan.objects.filter(item=at_limit).update(renewals=2)

    reply = exchange(session, f"65{stamp()}AO|AA{member.card}|AD{PIN}|AC|")

    assert reply.code == "66"
    assert reply.fixed["ok"] == "1"
    assert reply.fixed["renewed_count"] == "0001"
    assert reply.fixed["unrenewed_count"] == "0001"
    assert reply.get_all("BM") == [renewable.barcode]
    assert reply.get_all("BN") == [at_limit.barcode]


def test_renew_all_without_a_valid_pin_renews_nothing(world, session):
    member = world.member()
    item = _lent(world, member, world.a1)

    reply = exchange(session, f"65{stamp()}AO|AA{member.card}|ADnope|AC|")

    assert reply.fixed["ok"] == "0"
    assert Loan.objects.get(item=item).renewals == 0


# --- 37 fee paid --------------------------------------------------------------------------


def _open(member) -> list[Charge]:
    return sorted(circulation_queries.charges_open(member), key=lambda c: c.pk)


def test_fee_paid_for_a_named_charge_pays_it_as_a_kiosk_payment(world, session):
    member = world.member()
    charge = ChargeFactory(person=member, organisation=world.a, amount="2.50")
    other = ChargeFactory(person=member, organisation=world.a, amount="1.00")

    reply = exchange(
        session,
        f"37{stamp()}0100EUR|BV2.50|AO|AA{member.card}|AC|AD{PIN}|CG{charge.pk}|BKkassa-17|",
    )

    charge.refresh_from_db()
    assert reply.code == "38"
    assert reply.fixed["payment_accepted"] == "Y"
    assert reply.get("BK") == "kassa-17"
    assert charge.paid_at is not None
    assert charge.payment_method == PaymentMethod.KIOSK
    assert _open(member) == [other]


def test_fee_paid_without_a_charge_pays_the_oldest_charges_that_add_up_exactly(world, session):
    member = world.member()
    first = ChargeFactory(person=member, organisation=world.a, amount="1.00")
    second = ChargeFactory(person=member, organisation=world.b, amount="2.00")
    third = ChargeFactory(person=member, organisation=world.a, amount="4.00")

    reply = exchange(session, f"37{stamp()}0100EUR|BV3.00|AO|AA{member.card}|AC|AD{PIN}|")

    assert reply.fixed["payment_accepted"] == "Y"
    assert _open(member) == [third]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.paid_at
    assert second.paid_at


@pytest.mark.parametrize("amount", ["2.00", "0", "abc", "100.00"])
def test_fee_paid_that_matches_no_whole_charges_is_refused_and_nothing_is_paid(
    world, session, amount
):
    member = world.member()
    ChargeFactory(person=member, organisation=world.a, amount="1.50")
    ChargeFactory(person=member, organisation=world.a, amount="1.50")

    reply = exchange(session, f"37{stamp()}0100EUR|BV{amount}|AO|AA{member.card}|AC|AD{PIN}|")

    assert reply.fixed["payment_accepted"] == "N"
    assert reply.get("AF")
    assert circulation_queries.charges_open_total(member) == Decimal("3.00")


def test_fee_paid_needs_the_patrons_pin(world, session):
    member = world.member()
    charge = ChargeFactory(person=member, organisation=world.a, amount="1.50")

    reply = exchange(session, f"37{stamp()}0100EUR|BV1.50|AO|AA{member.card}|AC|CG{charge.pk}|")

    assert reply.fixed["payment_accepted"] == "N"
    charge.refresh_from_db()
    assert charge.paid_at is None


# --- what kiosks may not do ----------------------------------------------------------------


def test_block_patron_is_answered_with_a_patron_status_and_blocks_nothing(world, session):
    member = world.member()

    reply = exchange(session, f"01N{stamp()}AO|ALtampering|AA{member.card}|AC|")

    assert reply.code == "24"
    assert member.cards.get().status == CardStatus.ACTIVE
    assert "ask at the desk" in reply.get("AF")


def test_hold_requests_are_sent_to_the_portal_or_desk(world, session):
    reply = exchange(session, f"15+{stamp()}AO|AA2000|AC|")

    assert reply.code == "16"
    assert reply.fixed["ok"] == "0"


# --- encodings and screen language ------------------------------------------------------


def test_a_latin_1_kiosk_gets_latin_1_replies(world, session):
    world.kiosk.encoding = "latin-1"
    world.kiosk.save()
    state = handlers.SessionState(peer_ip="127.0.0.1")
    exchange(state, f"9300CNkiosk-a1|CO{KIOSK_PASSWORD}|")
    member = world.member(given_name="Zoë")

    reply = exchange(state, f"23000{stamp()}AO|AA{member.card}|AC|AD{PIN}|")

    assert state.encoding == "latin-1"
    assert reply.get("AE").startswith("Zoë")


def test_screen_messages_are_in_the_kiosks_language(world, session):
    session.kiosk.language = "nl"
    member = world.member()
    item = world.copy(world.a1, status=ItemStatus.ON_LOAN)
    with translation.override("nl"):
        expected = gettext(
            "This item is still on loan to someone else. Check it in first, then lend it."
        )
    reply = exchange(
        session, f"11NN{stamp()}{BLANK_DATE}AO|AA{member.card}|AB{item.barcode}|AC|AD{PIN}|"
    )

    assert reply.get("AF") == expected
