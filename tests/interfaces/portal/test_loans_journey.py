"""A member reserves a title from its page, then renews a loan and cancels the hold in
"my account" (the screenshot docs/screenshots/portal-loans.png)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samenbieb.circulation import queries, services
from samenbieb.circulation.models import Hold, HoldStatus, Loan
from samenbieb.demo.members import DEMO_MEMBER_PASSWORD
from samenbieb.holdings.models import Item, ItemStatus
from samenbieb.members.models import LibraryCard

pytestmark = [pytest.mark.browser]

ADULT_CARD = "20000000000001"  # the demo's adult: keeps her loan history


def _lend(person, item) -> Loan:
    return services.loan_checkout(
        actor=None, branch=item.current_branch, person=person, barcode=item.barcode
    )


def test_a_member_places_a_hold_renews_a_loan_and_cancels_the_hold(
    demo_network, live_server, browser_page
):
    person = LibraryCard.objects.get(barcode=ADULT_CARD).person
    for charge in queries.charges_open(person):  # her membership fee, paid at the desk
        services.charge_pay(actor=None, charge=charge, method="card")
    shelf = list(
        Item.objects.filter(status=ItemStatus.AVAILABLE)
        .select_related("current_branch")
        .order_by("record_id", "id")
    )
    loans = [_lend(person, item) for item in _different_titles(shelf, 3)]
    # One loan is late: as if borrowed weeks ago (the demo memberships start today).
    Loan.objects.filter(pk=loans[0].pk).update(due_on=timezone.localdate() - dt.timedelta(days=3))
    returned = _lend(person, _different_titles(shelf, 4)[3])
    services.loan_checkin(
        actor=None, branch=returned.item.current_branch, barcode=returned.item.barcode
    )
    wanted = _different_titles(shelf, 5)[4].record

    page = browser_page.page
    browser_page.goto(f"{live_server.url}/titels/{wanted.pk}/")
    browser_page.follow(lambda: page.locator("#hold-login").click())
    page.get_by_label("Pasnummer of e-mailadres").fill(ADULT_CARD)
    page.get_by_label("Wachtwoord").fill(DEMO_MEMBER_PASSWORD)
    browser_page.follow(lambda: page.get_by_role("button", name="Inloggen").click())
    assert page.url == f"{live_server.url}/titels/{wanted.pk}/#reserveren"
    browser_page.follow(lambda: page.locator("#hold-submit").click())

    hold = Hold.objects.get(person=person)
    assert page.url == f"{live_server.url}/mijn-account/reserveringen/{hold.pk}/"
    assert page.locator("#hold-status").is_visible()

    browser_page.goto(f"{live_server.url}/mijn-account/")
    for loan in loans:
        assert page.locator(f"#loan-{loan.pk}").is_visible()
    assert page.locator(f"#hold-{hold.pk}").is_visible()
    assert page.locator("#history-kept").is_visible()
    page.locator("#lenen").scroll_into_view_if_needed()
    browser_page.screenshot("portal-loans")

    browser_page.follow(lambda: page.locator(f"#renew-{loans[1].pk}").click())
    assert page.locator(".message-success").is_visible()
    loans[1].refresh_from_db()
    assert loans[1].renewals == 1

    browser_page.follow(lambda: page.locator(f"#cancel-{hold.pk}").click())
    browser_page.follow(lambda: page.locator("#hold-cancel-confirm").click())
    hold.refresh_from_db()
    assert hold.status == HoldStatus.CANCELLED
    assert page.locator(f"#hold-{hold.pk}").count() == 0


def _different_titles(items: list[Item], count: int) -> list[Item]:
    """The first ``count`` copies of as many different titles."""
    chosen: dict[int, Item] = {}
    for item in items:
        chosen.setdefault(item.record_id, item)
        if len(chosen) == count:
            break
    return list(chosen.values())
