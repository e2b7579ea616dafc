"""A desk employee lends two items to a member and takes them back, with the keyboard and
a scanner only: after every scan the focus is back in the scan field. In a real Chromium,
every page checked by axe-core."""

from __future__ import annotations

import pytest

from samenbieb.circulation import queries, services
from samenbieb.circulation.models import Loan
from samenbieb.holdings.models import Item, ItemStatus
from samenbieb.interfaces.desk.circulation_desk import circulation_branches
from samenbieb.members.models import LibraryCard
from samenbieb.network.models import StaffUser
from tests.browser import staff_code

pytestmark = [pytest.mark.browser]

CARD = "20000000000001"  # Sanne de Boer, a demo member of Utrecht


def _focused_id(page) -> str:
    return page.evaluate("() => document.activeElement.id")


def _scan(browser_page, value: str) -> str:
    """Type ``value`` as a scanner does (characters, then Enter); the page's feedback code."""
    page = browser_page.page
    assert _focused_id(page) == "scan-barcode"
    page.keyboard.type(value)
    browser_page.follow(lambda: page.keyboard.press("Enter"))
    assert _focused_id(page) == "scan-barcode"
    return page.locator("#scan-feedback").get_attribute("data-code") or ""


def test_a_desk_employee_lends_and_takes_back_items_by_keyboard(
    demo_network, live_server, browser_page
):
    staff = StaffUser.objects.get(username="balie")
    branch = circulation_branches(staff).first()
    assert branch is not None
    sanne = LibraryCard.objects.get(barcode=CARD).person
    available = Item.objects.filter(current_branch=branch, status=ItemStatus.AVAILABLE)
    first, second, third = available.order_by("barcode")[:3]
    # A member of the same library reserved a title whose copy stands here: the pick list.
    services.hold_place(
        actor=None,
        person=LibraryCard.objects.get(barcode="20000000000002").person,
        record=third.record,
        pickup_branch=branch,
    )
    page = browser_page.page

    browser_page.goto(f"{live_server.url}/balie/uitlenen/")
    assert "/balie/inloggen/" in page.url
    page.keyboard.type("balie")
    page.keyboard.press("Tab")
    page.keyboard.type("samenbieb-demo")
    page.keyboard.press("Tab")
    page.keyboard.type(staff_code("balie"))
    browser_page.follow(lambda: page.keyboard.press("Enter"))
    assert page.url.endswith("/balie/uitlenen/")
    assert page.locator("#scan-mode").get_attribute("data-mode") == "return"

    assert _scan(browser_page, CARD) == "patron"
    assert page.locator("#scan-mode").get_attribute("data-mode") == "lend"
    assert "Sanne de Boer" in page.locator("#patron-name").inner_text()
    # Her membership fee blocks lending: she pays it at the desk (method, then Enter).
    assert page.locator("#patron-blocks").count() == 1
    for charge in queries.charges_open(sanne):
        page.locator(f"#charge-{charge.pk}-method").focus()
        page.keyboard.press("Tab")
        assert _focused_id(page) == f"charge-pay-{charge.pk}"
        browser_page.follow(lambda: page.keyboard.press("Enter"))
        assert page.locator("#scan-feedback").get_attribute("data-code") == "charge_paid"
    assert page.locator("#patron-blocks").count() == 0
    assert _scan(browser_page, first.barcode) == "checked_out"
    assert _scan(browser_page, first.barcode) == "already_on_loan_to_member"
    assert page.locator("#scan-feedback").get_attribute("data-level") == "refusal"
    assert _scan(browser_page, second.barcode.lower()) == "checked_out"
    assert set(
        Loan.objects.filter(person=sanne, returned_at__isnull=True).values_list(
            "item__barcode", flat=True
        )
    ) >= {first.barcode, second.barcode}
    assert page.locator("#patron-loans tbody tr").count() >= 2
    browser_page.screenshot("desk-circulation")

    # Escape in the empty scan field: done with this member; scans now take items back.
    browser_page.follow(lambda: page.keyboard.press("Escape"))
    assert _focused_id(page) == "scan-barcode"
    assert page.locator("#scan-mode").get_attribute("data-mode") == "return"
    assert page.locator("#scan-feedback").get_attribute("data-code") == "patron_done"
    for item in (first, second):
        assert _scan(browser_page, item.barcode) in {"shelve", "transit_home", "hold_shelf"}
        assert page.locator("#scan-feedback .feedback-detail").count() >= 1
    assert not Loan.objects.filter(item__in=[first, second], returned_at__isnull=True).exists()
    assert _scan(browser_page, "30009999999999") == "unknown_item"

    # The pick list: what to take from the shelves; a scan there puts it on the hold shelf.
    browser_page.follow(lambda: page.locator("#nav-pick-list").click())
    assert _focused_id(page) == "scan-barcode"
    assert page.locator(f'#pick-list tr[data-barcode="{third.barcode}"]').count() == 1
    browser_page.screenshot("desk-pick-list")
    assert _scan(browser_page, third.barcode) == "hold_shelf"
    assert page.locator("#scan-feedback").get_attribute("data-level") == "instruction"
    assert page.locator(f'#pick-list tr[data-barcode="{third.barcode}"]').count() == 0
