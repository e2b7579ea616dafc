"""My account shows the member's loans, lets them renew one or all, shows what they owe
and, only for members who chose to keep it, what they borrowed before."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samenbieb.circulation import services
from samenbieb.circulation.models import Loan
from tests.factories import (
    BranchFactory,
    ChargeFactory,
    CirculationRuleFactory,
    ConsentFactory,
)
from tests.interfaces.portal.circulation_helpers import lend, member, reserve

pytestmark = pytest.mark.django_db

ACCOUNT = reverse("portal:account")
RENEW_ALL = reverse("portal:loans_renew_all")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def branch(library):
    return BranchFactory(organisation=library, name="Centrale Bibliotheek", kind="main")


def _renew(loan: Loan) -> str:
    return reverse("portal:loan_renew", args=[loan.pk])


def _row(page: str, loan: Loan) -> str:
    start = page.index(f'id="loan-{loan.pk}"')
    return page[start : page.index("</tr>", start)]


def _messages(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def test_loans_show_title_due_date_overdue_mark_and_renewals_left(logged_in, portal_member, branch):
    person = portal_member.person
    on_time = lend(person, branch)
    late = lend(person, branch, now=timezone.now() - dt.timedelta(days=25))
    assert late.due_on < timezone.localdate()
    page = logged_in.get(ACCOUNT, **EN).content.decode()
    assert str(on_time.item.record.title) in _row(page, on_time)
    assert 'class="overdue"' not in _row(page, on_time)
    assert 'class="overdue"' in _row(page, late)
    assert "Overdue" in _row(page, late)
    assert 'id="loans-overdue"' in page
    assert "<td>2</td>" in _row(page, on_time)  # the built-in rule: two renewals
    assert f'action="{_renew(on_time)}"' in _row(page, on_time)


def test_renewing_one_loan_moves_its_due_date_and_says_so(logged_in, portal_member, branch):
    loan = lend(portal_member.person, branch, now=timezone.now() - dt.timedelta(days=10))
    before = loan.due_on
    response = logged_in.post(_renew(loan), **EN)
    assert response["Location"] == f"{ACCOUNT}#lenen"
    loan.refresh_from_db()
    assert (loan.renewals, loan.due_on > before) == (1, True)
    after = logged_in.get(ACCOUNT, **EN)
    [(level, text)] = _messages(after)
    assert level == "success"
    assert str(loan.item.record.title) in text
    assert "<td>1</td>" in _row(after.content.decode(), loan)


def test_a_refused_renewal_shows_the_reason_and_changes_nothing(
    logged_in, portal_member, branch, library
):
    CirculationRuleFactory(organisation=library, renewals_allowed=0, hold_fee="0.00")
    loan = lend(portal_member.person, branch)
    logged_in.post(_renew(loan), **EN)
    after = logged_in.get(ACCOUNT, **EN)
    [(level, text)] = _messages(after)
    assert level == "error"
    assert "is not renewed: This item cannot be renewed. Please bring it back by" in text
    loan.refresh_from_db()
    assert loan.renewals == 0


def test_renew_all_reports_each_loan(logged_in, portal_member, branch):
    person = portal_member.person
    free = lend(person, branch)
    wanted = lend(person, branch)
    reserve(member(), wanted.item.record, branch)  # someone waits for this one
    logged_in.post(RENEW_ALL, **EN)
    messages = {
        text.split("”")[0].lstrip("“"): level
        for level, text in _messages(logged_in.get(ACCOUNT, **EN))
    }
    assert messages == {
        str(free.item.record.title): "success",
        str(wanted.item.record.title): "error",
    }
    free.refresh_from_db()
    wanted.refresh_from_db()
    assert (free.renewals, wanted.renewals) == (1, 0)


def test_renew_all_with_nothing_on_loan_says_so(logged_in):
    logged_in.post(RENEW_ALL)
    assert [level for level, _ in _messages(logged_in.get(ACCOUNT))] == ["info"]


def test_a_member_never_sees_or_renews_another_members_loan(logged_in, portal_member, branch):
    mine = lend(portal_member.person, branch)
    theirs = lend(member(), branch)
    page = logged_in.get(ACCOUNT).content.decode()
    assert f'id="loan-{mine.pk}"' in page
    assert f'id="loan-{theirs.pk}"' not in page
    assert str(theirs.item.record.title) not in page
    assert logged_in.post(_renew(theirs)).status_code == 404
    logged_in.post(RENEW_ALL)
    theirs.refresh_from_db()
    assert theirs.renewals == 0


def test_renewing_needs_a_login_and_a_post(client: Client, portal_member, branch):
    loan = lend(portal_member.person, branch)
    response = client.post(_renew(loan))
    assert response["Location"].startswith(reverse("portal:login"))
    portal_member.log_in(client)
    assert client.get(_renew(loan)).status_code == 405
    assert client.get(RENEW_ALL).status_code == 405
    loan.refresh_from_db()
    assert loan.renewals == 0


def test_open_charges_with_their_total_and_the_blocking_amount(logged_in, portal_member):
    person = portal_member.person
    ChargeFactory(person=person, amount="2.50", description="Te laat")
    ChargeFactory(person=person, amount="1.25", description="Reservering")
    ChargeFactory(person=member(), amount="99.00")
    page = logged_in.get(ACCOUNT, **EN).content.decode()
    assert 'id="charges-total">€ 3.75<' in page
    assert "If you owe more than € 10.00, you cannot borrow, renew or place holds" in page
    assert "99.00" not in page


def test_history_is_shown_to_a_member_who_keeps_it(logged_in, portal_member, branch):
    person = portal_member.person
    ConsentFactory(person=person, kind="loan_history", given=True)
    loan = lend(person, branch)
    services.loan_checkin(actor=None, branch=branch, barcode=loan.item.barcode)
    page = logged_in.get(ACCOUNT, **EN).content.decode()
    assert 'id="history-kept"' in page
    assert 'id="history-not-kept"' not in page
    assert str(loan.item.record.title) in page
    assert 'href="#toestemmingen"' in page
    history = logged_in.get(reverse("portal:loan_history")).content.decode()
    assert f'id="history-{loan.pk}"' in history


def test_no_history_without_the_choice_and_a_sentence_that_explains_it(
    logged_in, portal_member, branch
):
    person = portal_member.person
    ConsentFactory(person=person, kind="loan_history", given=False)
    loan = lend(person, branch)
    services.loan_checkin(actor=None, branch=branch, barcode=loan.item.barcode)
    # Even a returned loan still linked to the member (kept before the choice changed)
    # is not shown: the page follows the member's current choice.
    Loan.objects.filter(pk=loan.pk).update(person=person)
    page = logged_in.get(ACCOUNT, **EN).content.decode()
    assert 'id="history-not-kept"' in page
    assert "it is no longer linked to you" in page
    assert 'href="#toestemmingen"' in page
    assert str(loan.item.record.title) not in page
    history = logged_in.get(reverse("portal:loan_history")).content.decode()
    assert f'id="history-{loan.pk}"' not in history
    assert 'id="history-not-kept"' in history


def test_the_account_page_costs_the_same_queries_for_1_or_20_loans(portal_member_factory, branch):
    def account_queries(loans: int) -> int:
        someone = portal_member_factory()
        ConsentFactory(person=someone.person, kind="loan_history", given=True)
        for _ in range(loans):
            lend(someone.person, branch)
        returned = lend(someone.person, branch)
        services.loan_checkin(actor=None, branch=branch, barcode=returned.item.barcode)
        ChargeFactory(person=someone.person, amount="1.00")
        fresh = Client()
        someone.log_in(fresh)
        with CaptureQueriesContext(connection) as counted:
            response = fresh.get(ACCOUNT)
        assert len(response.context["loans"]) == loans
        return len(counted.captured_queries)

    assert account_queries(1) == account_queries(20)
