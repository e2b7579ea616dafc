"""The circulation desk through the Django test client: one scan field lends to the member
whose card was scanned and takes items back when no member is being served; every refusal
is a red message with its stable code, changes nothing and is never an error page."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from samenbieb.circulation import services
from samenbieb.circulation.errors import Reason, Refused
from samenbieb.circulation.models import Charge, Hold, HoldStatus, Loan
from samenbieb.holdings.models import ItemStatus
from samenbieb.members.models import CardStatus, LibraryCard
from samenbieb.network.roles import Role
from tests.factories import ChargeFactory, CirculationRuleFactory, RecordFactory
from tests.interfaces.desk_circulation_support import (
    answer,
    desk_client,
    item_at,
    library_with_branches,
    member_of,
    post,
    scan,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def utrecht():
    return library_with_branches("Utrecht")


@pytest.fixture
def library(utrecht):
    return utrecht[0]


@pytest.fixture
def branch(utrecht):
    return utrecht[1]


@pytest.fixture
def desk(library):
    client, _user = desk_client(library)
    return client


@pytest.fixture
def member(library):
    return member_of(library, given_name="Anna", family_name="Vries")


def _open_loans(person) -> list[str]:
    return sorted(
        Loan.objects.filter(person=person, returned_at__isnull=True).values_list(
            "item__barcode", flat=True
        )
    )


# --- The screen ------------------------------------------------------------------------


def test_the_screen_opens_in_return_mode_with_the_focus_in_the_scan_field(desk, branch):
    response = desk.get(reverse("desk:circulation"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="scan-barcode"' in html
    assert "autofocus" in html
    assert 'data-mode="return"' in html
    # The desk works for the first branch of the staff member's library.
    assert branch.name in html


def test_staff_without_a_circulation_role_cannot_open_the_desk(library):
    client, _user = desk_client(library, role=Role.CATALOGUER)
    assert client.get(reverse("desk:circulation")).status_code == 403
    assert client.post(reverse("desk:circulation_scan"), {"barcode": "X"}).status_code == 403


def test_the_desk_home_links_to_the_circulation_pages(desk):
    html = desk.get(reverse("desk:home")).content.decode()
    for name in ("circulation", "pick_list", "hold_shelf", "transits"):
        assert f'href="{reverse(f"desk:{name}")}"' in html


# --- Patron and checkout ---------------------------------------------------------------


def test_scanning_a_card_makes_the_member_the_patron_with_their_summary(desk, member, library):
    person, card = member
    ChargeFactory(person=person, amount="2.50", description="Te laat")
    result = scan(desk, card)
    assert result.status == 200
    assert (result.level, result.code) == ("success", "patron")
    assert 'data-mode="lend"' in result.html
    assert 'id="patron-name">Anna Vries<' in result.html
    assert library.name in result.html
    valid_until = person.memberships.get().ends_on
    assert f"{valid_until:%d-%m-%Y}" in result.html
    assert "2.50" in result.html or "2,50" in result.html
    assert reverse("desk:member", args=[person.pk]) in result.html


def test_item_scans_lend_to_the_patron_until_done_then_take_items_back(desk, member, branch):
    person, card = member
    first, second = item_at(branch), item_at(branch)
    scan(desk, card)

    lent = scan(desk, first.barcode)
    assert (lent.level, lent.code) == ("success", "checked_out")
    scan(desk, f" {second.barcode.lower()}\r\n")  # as a scanner sends it
    assert _open_loans(person) == sorted([first.barcode, second.barcode])
    loan = Loan.objects.get(item=first, returned_at__isnull=True)
    assert f"{loan.due_on:%d-%m-%Y}" in lent.html
    assert 'id="patron-loans"' in lent.html

    done = post(desk, "circulation_done")
    assert done.code == "patron_done"
    assert 'data-mode="return"' in done.html

    back = scan(desk, first.barcode)
    assert back.code == "shelve"
    assert back.level == "success"
    assert _open_loans(person) == [second.barcode]


def test_renewing_one_loan_and_all_loans(desk, member, branch):
    person, card = member
    first, second = item_at(branch), item_at(branch)
    scan(desk, card)
    scan(desk, first.barcode)
    scan(desk, second.barcode)
    loan = Loan.objects.get(item=first, returned_at__isnull=True)

    renewed = post(desk, "loan_renew", loan.pk)
    assert (renewed.level, renewed.code) == ("success", "renewed")
    loan.refresh_from_db()
    assert loan.renewals == 1

    all_renewed = post(desk, "loans_renew_all")
    assert all_renewed.code == "renewed_all"
    assert sorted(Loan.objects.filter(person=person).values_list("renewals", flat=True)) == [1, 2]


# --- Refusals: a message, no change, never an error page -------------------------------


def test_an_unknown_barcode_is_refused_without_a_patron_and_with_one(desk, member):
    _person, card = member
    assert scan(desk, "30009999999999").code == Reason.UNKNOWN_ITEM
    scan(desk, card)
    refused = scan(desk, "30009999999999")
    assert (refused.status, refused.level, refused.code) == (200, "refusal", Reason.UNKNOWN_ITEM)
    assert Loan.objects.count() == 0


@pytest.mark.parametrize("value", ["!!!", "é", "x" * 64, "   "])
def test_garbage_in_the_scan_field_is_a_message_not_an_error_page(desk, member, value):
    _person, card = member
    for _round in range(2):  # without a patron, then with one
        result = scan(desk, value)
        assert result.status == 200
        assert result.level == "refusal"
        scan(desk, card)
    assert Loan.objects.count() == 0


def test_a_double_scan_lends_once_and_says_so(desk, member, branch):
    person, card = member
    item = item_at(branch)
    scan(desk, card)
    scan(desk, item.barcode)
    again = scan(desk, item.barcode)
    assert (again.status, again.code) == (200, Reason.ALREADY_ON_LOAN_TO_MEMBER)
    assert _open_loans(person) == [item.barcode]


def test_checking_in_an_item_that_is_not_on_loan_changes_nothing(desk, branch):
    item = item_at(branch)
    result = scan(desk, item.barcode)
    assert (result.status, result.level, result.code) == (200, "refusal", Reason.NOT_ON_LOAN)
    item.refresh_from_db()
    assert item.status == ItemStatus.AVAILABLE


@pytest.mark.parametrize("patron", [False, True], ids=["checkin", "checkout"])
def test_a_withdrawn_item_is_refused_and_stays_withdrawn(desk, member, branch, patron):
    _person, card = member
    item = item_at(branch, status=ItemStatus.WITHDRAWN)
    if patron:
        scan(desk, card)
    result = scan(desk, item.barcode)
    assert (result.status, result.level) == (200, "refusal")
    assert result.code == Reason.ITEM_NOT_AVAILABLE
    item.refresh_from_db()
    assert item.status == ItemStatus.WITHDRAWN
    assert Loan.objects.count() == 0


def test_a_lapsed_membership_is_refused_with_the_services_message(desk, library, branch):
    _person, card = member_of(library, valid=False)
    item = item_at(branch)
    summary = scan(desk, card)
    assert 'id="patron-blocks"' in summary.html
    refused = scan(desk, item.barcode)
    assert refused.code == Reason.MEMBERSHIP_LAPSED
    assert Loan.objects.count() == 0


def test_an_item_on_loan_to_someone_else_is_refused(desk, library, member, branch):
    item = item_at(branch)
    _other, other_card = member_of(library)
    scan(desk, other_card)
    scan(desk, item.barcode)
    scan(desk, member[1])
    refused = scan(desk, item.barcode)
    assert refused.code == Reason.ON_LOAN_TO_SOMEONE_ELSE
    assert _open_loans(member[0]) == []


def test_a_lost_card_is_refused_and_serves_no_one(desk, member):
    _person, card = member
    LibraryCard.objects.filter(barcode=card).update(status=CardStatus.LOST)
    refused = scan(desk, card)
    assert (refused.level, refused.code) == ("refusal", Reason.CARD_LOST)
    assert 'data-mode="return"' in refused.html


def test_a_renewal_past_the_limit_is_refused_and_the_due_date_stays(desk, library, member, branch):
    CirculationRuleFactory(organisation=library, renewals_allowed=0)
    _person, card = member
    item = item_at(branch)
    scan(desk, card)
    scan(desk, item.barcode)
    loan = Loan.objects.get(item=item)
    refused = post(desk, "loan_renew", loan.pk)
    assert refused.code == Reason.RENEWAL_LIMIT
    assert Loan.objects.get(pk=loan.pk).due_on == loan.due_on


def test_the_refusal_text_is_the_services_own_plain_message(desk, member, branch):
    person, card = member
    item = item_at(branch)
    scan(desk, card)
    scan(desk, item.barcode)
    desk.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"), pytest.raises(Refused) as refusal:
        services.loan_checkout(actor=None, branch=branch, person=person, barcode=item.barcode)
    html = scan(desk, item.barcode).html
    assert escape(refusal.value.message) in html


# --- Holds and charges -----------------------------------------------------------------


def test_staff_place_and_cancel_a_hold_for_the_patron(desk, member, branch, utrecht):
    person, card = member
    record = RecordFactory()
    item_at(utrecht[2], record=record)
    scan(desk, card)
    placed = post(desk, "hold_place", record=str(record.pk), pickup_branch=str(branch.pk))
    assert (placed.level, placed.code) == ("success", "hold_placed")
    hold = Hold.objects.get(person=person, record=record)
    assert hold.pickup_branch == branch
    assert f'data-hold="{hold.pk}"' in placed.html

    cancelled = post(desk, "hold_cancel", hold.pk)
    assert cancelled.code == "hold_cancelled"
    hold.refresh_from_db()
    assert hold.status == HoldStatus.CANCELLED


def test_a_hold_for_an_unknown_title_is_refused(desk, member, branch):
    scan(desk, member[1])
    result = post(desk, "hold_place", record="999999", pickup_branch=str(branch.pk))
    assert (result.level, result.code) == ("refusal", "record_not_found")
    assert Hold.objects.count() == 0


def test_paying_a_charge_at_the_desk(desk, member):
    person, card = member
    charge = ChargeFactory(person=person, amount="3.00")
    scan(desk, card)
    paid = post(desk, "charge_pay", charge.pk, method="cash")
    assert paid.code == "charge_paid"
    charge.refresh_from_db()
    assert charge.paid_at is not None
    assert charge.payment_method == "cash"


def test_waiving_needs_a_reason(desk, member):
    person, card = member
    charge = ChargeFactory(person=person, amount="3.00")
    scan(desk, card)
    page = answer(desk.get(reverse("desk:circulation")))
    assert f'id="charge-waive-{charge.pk}"' in page.html

    refused = post(desk, "charge_waive", charge.pk, reason="  ")
    assert (refused.level, refused.code) == ("refusal", "waive_reason")
    assert Charge.objects.get(pk=charge.pk).is_open

    waived = post(desk, "charge_waive", charge.pk, reason="Boek was zoek door ons")
    assert waived.code == "charge_waived"
    charge.refresh_from_db()
    assert charge.cancelled_at is not None
    assert charge.waive_reason == "Boek was zoek door ons"


def test_a_charge_of_another_library_is_not_settled_here(library, branch):
    other_library, _main, _noord = library_with_branches("Zeist")
    person, card = member_of(other_library)  # a guest at Utrecht's desk
    charge = ChargeFactory(person=person, organisation=other_library, amount="4.00")
    desk, _user = desk_client(library)
    scan(desk, card)
    page = answer(desk.get(reverse("desk:circulation")))
    assert f'data-charge="{charge.pk}"' not in page.html
    refused = post(desk, "charge_pay", charge.pk, method="cash")
    assert refused.level == "refusal"
    assert Charge.objects.get(pk=charge.pk).is_open


# --- Tenant boundary -------------------------------------------------------------------


def test_a_guest_sees_only_what_guest_lending_needs(library, branch):
    other_library, other_branch, _noord = library_with_branches("Zeist")
    guest, card = member_of(other_library, given_name="Gast", family_name="Bezoeker")
    # A loan of the guest at their own library: Zeist's data, not Utrecht's.
    zeist_desk, _user = desk_client(other_library)
    zeist_item = item_at(other_branch)
    scan(zeist_desk, card)
    scan(zeist_desk, zeist_item.barcode)

    desk, _user = desk_client(library)
    here = item_at(branch)
    scan(desk, card)
    lent = scan(desk, here.barcode)
    assert lent.code == "checked_out"
    assert here.barcode in lent.html
    assert zeist_item.barcode not in lent.html
    assert reverse("desk:member", args=[guest.pk]) not in lent.html
    valid_until = guest.memberships.get().ends_on
    assert f"{valid_until:%d-%m-%Y}" not in lent.html


def test_staff_cannot_make_their_desk_a_branch_of_another_library(library, branch, member):
    _zeist, zeist_branch, _noord = library_with_branches("Zeist")
    desk, _user = desk_client(library)
    refused = post(desk, "circulation_branch", branch=str(zeist_branch.pk))
    assert (refused.level, refused.code) == ("refusal", "branch_not_allowed")
    assert zeist_branch.name not in refused.html

    # Nor through a session value: the desk falls back to a branch of their own.
    session = desk.session
    session["desk_circulation_branch"] = zeist_branch.pk
    session.save()
    item = item_at(branch)
    scan(desk, member[1])
    scan(desk, item.barcode)
    assert Loan.objects.get(item=item).branch == branch


def test_staff_of_two_branches_choose_where_their_desk_is(utrecht, desk):
    _library, _main, noord = utrecht
    chosen = post(desk, "circulation_branch", branch=str(noord.pk))
    assert chosen.code == "branch_chosen"
    assert f'<option value="{noord.pk}" selected>' in chosen.html


# --- Query count -----------------------------------------------------------------------


def _queries_for_screen(desk, card, branch, loans: int) -> int:
    for _n in range(loans):
        scan(desk, item_at(branch).barcode)
    with CaptureQueriesContext(connection) as queries:
        response = desk.get(reverse("desk:circulation"))
    assert response.status_code == 200
    return len(queries)


def test_the_screen_reads_the_same_number_of_queries_for_1_or_20_loans(library, branch):
    CirculationRuleFactory(organisation=library, max_loans=None)
    desk, _user = desk_client(library)
    one, one_card = member_of(library)
    many, many_card = member_of(library)
    ChargeFactory(person=one, amount="1.00")
    ChargeFactory(person=many, amount="1.00")
    scan(desk, one_card)
    with_one = _queries_for_screen(desk, one_card, branch, 1)
    scan(desk, many_card)
    with_twenty = _queries_for_screen(desk, many_card, branch, 20)
    assert Loan.objects.filter(person=one).count() == 1
    assert Loan.objects.filter(person=many).count() == 20
    assert with_twenty == with_one


def test_an_item_returned_at_another_library_is_sent_home_with_a_plain_instruction(
    desk, member, branch
):
    person, card = member
    item = item_at(branch)
    scan(desk, card)
    scan(desk, item.barcode)
    zeist, _main, _noord = library_with_branches("Zeist")
    zeist_desk, _user = desk_client(zeist)
    zeist_desk.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    returned = scan(zeist_desk, item.barcode)
    assert (returned.level, returned.code) == ("instruction", "transit_home")
    assert f"Send it home to {branch.name}" in returned.html
    assert _open_loans(person) == []


def test_charges_above_the_threshold_show_as_a_block_and_refuse_lending(desk, member, branch):
    person, card = member
    ChargeFactory(person=person, amount="25.00")
    item = item_at(branch)
    summary = scan(desk, card)
    assert 'id="patron-blocks"' in summary.html
    refused = scan(desk, item.barcode)
    assert (refused.level, refused.code) == ("refusal", Reason.CHARGES_ABOVE_THRESHOLD)
    assert _open_loans(person) == []


def test_the_maximum_number_of_loans_is_refused_at_the_next_item(desk, library, member, branch):
    CirculationRuleFactory(organisation=library, max_loans=1)
    person, card = member
    first, second = item_at(branch), item_at(branch)
    scan(desk, card)
    scan(desk, first.barcode)
    refused = scan(desk, second.barcode)
    assert (refused.level, refused.code) == ("refusal", Reason.MAXIMUM_LOANS)
    assert _open_loans(person) == [first.barcode]


def test_an_item_type_not_for_loan_is_refused(desk, library, member, branch):
    CirculationRuleFactory(organisation=library, max_loans=0)
    person, card = member
    item = item_at(branch)
    scan(desk, card)
    assert scan(desk, item.barcode).code == Reason.NOT_FOR_LOAN
    assert _open_loans(person) == []


def test_an_item_set_aside_for_another_members_hold_is_refused(desk, library, member, branch):
    person, card = member
    other, _other_card = member_of(library)
    item = item_at(branch)
    services.hold_place(actor=None, person=other, record=item.record, pickup_branch=branch)
    scan(desk, card)
    refused = scan(desk, item.barcode)
    assert refused.code == Reason.ON_HOLD_FOR_SOMEONE_ELSE
    assert _open_loans(person) == []
    assert Hold.objects.get(person=other).status == HoldStatus.TO_PICK


def test_a_second_check_in_of_the_same_item_changes_nothing(desk, member, branch):
    _person, card = member
    item = item_at(branch)
    scan(desk, card)
    scan(desk, item.barcode)
    post(desk, "circulation_done")
    assert scan(desk, item.barcode).code == "shelve"
    again = scan(desk, item.barcode)
    assert (again.status, again.level, again.code) == (200, "refusal", Reason.NOT_ON_LOAN)
    assert Loan.objects.filter(item=item).count() == 1


def test_a_loan_returned_damaged_is_taken_back_and_charged(desk, member, branch):
    person, card = member
    item = item_at(branch, replacement_price="19.95")
    scan(desk, card)
    scan(desk, item.barcode)
    loan = Loan.objects.get(item=item, returned_at__isnull=True)
    said = post(desk, "loan_return_damaged", loan.pk)
    assert (said.level, said.code) == ("instruction", "returned_damaged")
    item.refresh_from_db()
    assert item.status == ItemStatus.DAMAGED
    assert str(Charge.objects.get(person=person, kind="replacement").amount) == "19.95"
    again = post(desk, "loan_return_damaged", loan.pk)
    assert again.code == Reason.LOAN_NOT_FOUND
