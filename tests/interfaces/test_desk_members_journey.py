"""A desk employee registers a new adult member with the keyboard and a scanned card, then
sees the member page — in a real Chromium, every page checked by axe-core."""

from __future__ import annotations

import pytest

from samenbieb.demo.members import members_load
from samenbieb.members.models import CardStatus, Person
from tests.browser import staff_code

pytestmark = [pytest.mark.browser]

CARD = "20000000000777"


def _focused_id(page) -> str:
    return page.evaluate("() => document.activeElement.id")


def test_a_desk_employee_registers_a_new_adult_member_by_keyboard(
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
    browser_page.follow(lambda: page.locator("nav a[href='/balie/leden/']").click())
    assert _focused_id(page) == "search-q"
    page.keyboard.type(CARD)
    browser_page.follow(lambda: page.keyboard.press("Enter"))
    assert page.url.endswith(f"/balie/leden/{person.pk}/")
