"""Journey 3 (issue 11), in a fresh demo network and a real Chromium: a child's account
borrows free of charge. Mila (9, on Utrecht's youth plan, which costs nothing) reserves a
book in the portal, borrows another at the desk and brings it back ten days late — and
owes nothing, where an adult would pay a hold fee and a fine for the same books. She sees
that in "my account". Every page passes the harness's checks (axe-core, keyboard, zoom,
phone)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samenbieb.circulation.models import Charge, Hold, Loan
from samenbieb.circulation.rules import rule_for_lending
from samenbieb.holdings.models import Item, ItemStatus
from samenbieb.interfaces.desk.circulation_desk import circulation_branches
from samenbieb.members.models import LibraryCard
from samenbieb.network.models import StaffUser
from tests.journeys.helpers import Desk, member_log_in

pytestmark = [pytest.mark.browser]

MILA = "20000000000002"  # a child, 9, on the youth plan; her mother is Sanne
SANNE = "20000000000001"  # an adult of the same library


def test_a_child_reserves_borrows_and_returns_late_without_paying(
    demo_network, live_server, browser_page, chromium
):
    mila = LibraryCard.objects.get(barcode=MILA).person
    sanne = LibraryCard.objects.get(barcode=SANNE).person
    branch = circulation_branches(StaffUser.objects.get(username="balie")).first()
    books = list(
        Item.objects.filter(
            current_branch=branch, status=ItemStatus.AVAILABLE, item_type__code="book"
        ).order_by("record_id", "barcode")
    )
    borrowed = books[0]
    wanted = next(item for item in books if item.record_id != borrowed.record_id)
    # For an adult these books cost money: a hold fee, and a fine for every day late.
    adult = rule_for_lending(branch=branch, person=sanne, item_type=borrowed.item_type_id)
    assert adult.hold_fee > 0
    assert adult.fine_per_day > 0
    charged_before = set(Charge.objects.filter(person=mila).values_list("pk", flat=True))
    page = browser_page.page

    # 1. Mila reserves a book in the portal: no hold fee.
    browser_page.goto(f"{live_server.url}/titels/{wanted.record_id}/")
    browser_page.follow(lambda: page.locator("#hold-login").press("Enter"))
    member_log_in(browser_page, MILA)
    browser_page.follow(lambda: page.locator("#hold-submit").press("Enter"))
    assert Hold.objects.filter(person=mila, record_id=wanted.record_id).exists()
    assert not Charge.objects.filter(person=mila).exclude(pk__in=charged_before).exists()

    # 2. At the desk she borrows another book: the desk scans her card, then the book.
    desk = Desk(chromium, live_server, "balie")
    desk.at(branch)
    assert desk.scan(MILA) == "patron"
    assert desk.page.locator("#patron-blocks").count() == 0
    assert desk.scan(borrowed.barcode) == "checked_out"
    loan = Loan.objects.get(person=mila, item=borrowed, returned_at__isnull=True)

    # 3. She brings it back ten days late: no fine.
    Loan.objects.filter(pk=loan.pk).update(due_on=timezone.localdate() - dt.timedelta(days=10))
    desk.browser.follow(lambda: desk.page.keyboard.press("Escape"))  # done with Mila
    assert desk.scan(borrowed.barcode) in {"shelve", "transit_home", "hold_shelf"}
    loan.refresh_from_db()
    assert loan.returned_at is not None
    assert not Charge.objects.filter(person=mila).exclude(pk__in=charged_before).exists()
    desk.close()

    # 4. "My account" says she owes nothing.
    browser_page.goto(f"{live_server.url}/mijn-account/")
    assert page.locator("table.charges").count() == 0
    assert "Je hoeft niets te betalen" in page.locator("#kosten + p").inner_text()
    browser_page.screenshot("portal-child-account")
