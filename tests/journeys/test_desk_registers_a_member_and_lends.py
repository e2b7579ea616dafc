"""Journey 2 (issue 11), in a fresh demo network and a real Chromium: a desk employee
registers a new adult member with the keyboard and a scanned card and sees the member
page; the new member pays the membership fee at the desk and borrows three items, which
the employee lends with the scan field alone (scan the card, then each item). The mouse
is never used. Every page passes the harness's checks (axe-core, keyboard, zoom, phone)."""

from __future__ import annotations

import pytest

from samenbieb.circulation import queries
from samenbieb.circulation.models import Loan
from samenbieb.demo.members import members_load
from samenbieb.holdings.models import Item, ItemStatus
from samenbieb.interfaces.desk.circulation_desk import circulation_branches
from samenbieb.members.models import CardStatus, Person
from samenbieb.network.models import StaffUser
from tests.browser import staff_code

pytestmark = [pytest.mark.browser]

CARD = "20000000000777"


def _focused_id(page) -> str:
    return page.evaluate("() => document.activeElement.id")


def _scan(browser_page, value: str) -> str:
    """Type ``value`` as a scanner does (characters, then Enter) into the focused scan field;
    the page's feedback code. The focus is back in the scan field afterwards."""
    page = browser_page.page
    assert _focused_id(page) == "scan-barcode"
    page.keyboard.type(value)
    browser_page.follow(lambda: page.keyboard.press("Enter"))
    assert _focused_id(page) == "scan-barcode"
    return page.locator("#scan-feedback").get_attribute("data-code") or ""


def test_a_desk_employee_registers_a_new_member_and_lends_three_items_by_scanning(
    demo_network, live_server, browser_page
):
    members_load()  # plans for every library (idempotent if the demo already made them)
    page = browser_page.page

    browser_page.goto(f"{live_server.url}/balie/leden/nieuw/")
    assert "/balie/inloggen/" in page.url
    page.keyboard.type("balie")
    page.keyboard.press("Tab")
    page.keyboard.type("samenbieb-demo")
    page.keyboard.press("Tab")
    page.keyboard.type(staff_code("balie"))
    browser_page.follow(lambda: page.keyboard.press("Enter"))
    assert "/balie/leden/nieuw/" in page.url

    # The card comes first and has the focus: scan it, then type the person.
    assert _focused_id(page) == "id_card_barcode"
    page.keyboard.type(CARD)
    for value in ["Fatima", "", "El Amrani", "03-04-1991", "Biltstraat", "101", "3572 ap"]:
        page.keyboard.press("Tab")
        page.keyboard.type(value)
    page.keyboard.press("Tab")
    page.keyboard.type("Utrecht")
    page.keyboard.press("Tab")
    page.keyboard.type("fatima.elamrani@example.org")
    page.keyboard.press("Tab")  # phone: optional, left empty
    page.keyboard.press("Tab")
    assert _focused_id(page) == "id_plan"
    page.locator("#id_plan").select_option(label="Volwassen — € 52,00 (Utrecht)")
    page.keyboard.press("Tab")  # guardian card: not for an adult
    page.keyboard.press("Tab")
    assert _focused_id(page) == "id_consent_loan_history"
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert _focused_id(page) == "member-save"
    browser_page.follow(lambda: page.keyboard.press("Enter"))

    person = Person.objects.get(email="fatima.elamrani@example.org")
    assert page.url.endswith(f"/balie/leden/{person.pk}/")
    assert person.postcode == "3572 AP"
    assert person.cards.get().status == CardStatus.ACTIVE
    assert page.locator("#member-name").inner_text() == "Fatima El Amrani"
    assert CARD in page.get_by_role("status").inner_text()
    assert CARD in page.locator("#member-cards").inner_text()
    assert "52" in page.locator("#member-charges").inner_text()
    browser_page.screenshot("desk-member")

    # Scanning the card on the members page finds her again.
    browser_page.follow(lambda: page.locator("nav a[href='/balie/leden/']").press("Enter"))
    assert _focused_id(page) == "search-q"
    page.keyboard.type(CARD)
    browser_page.follow(lambda: page.keyboard.press("Enter"))
    assert page.url.endswith(f"/balie/leden/{person.pk}/")

    # She pays the membership fee (a charge that high blocks lending) and borrows three
    # items: the employee scans her card, then each item, with nothing but the scan field.
    branch = circulation_branches(StaffUser.objects.get(username="balie")).first()
    items = list(
        Item.objects.filter(current_branch=branch, status=ItemStatus.AVAILABLE).order_by("barcode")[
            :3
        ]
    )
    assert len(items) == 3
    browser_page.follow(lambda: page.locator("nav a[href='/balie/uitlenen/']").press("Enter"))
    assert _scan(browser_page, CARD) == "patron"
    assert "Fatima El Amrani" in page.locator("#patron-name").inner_text()
    assert page.locator("#patron-blocks").count() == 1
    for charge in queries.charges_open(person):
        page.locator(f"#charge-{charge.pk}-method").focus()
        page.keyboard.press("Tab")
        assert _focused_id(page) == f"charge-pay-{charge.pk}"
        browser_page.follow(lambda: page.keyboard.press("Enter"))
        assert page.locator("#scan-feedback").get_attribute("data-code") == "charge_paid"
    assert page.locator("#patron-blocks").count() == 0
    for item in items:
        assert _scan(browser_page, item.barcode) == "checked_out"
    loans = Loan.objects.filter(person=person, returned_at__isnull=True)
    assert set(loans.values_list("item__barcode", flat=True)) == {i.barcode for i in items}
    assert page.locator("#patron-loans tbody tr").count() == 3
