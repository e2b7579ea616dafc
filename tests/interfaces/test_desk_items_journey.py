"""An administrator adds a copy by scanning its barcode, then finds it again by scanning —
with the keyboard only, in a real Chromium, every page checked by axe-core."""

from __future__ import annotations

import pytest

from samenbieb.holdings.models import Item, ItemStatus, ItemType
from samenbieb.network.models import Branch
from tests.browser import staff_code
from tests.factories import RecordFactory

pytestmark = [pytest.mark.browser]

TITLE = "De <b>avond</b> is ongemeen koud"
BARCODE = "30001234567"


def _focused_id(page) -> str:
    return page.evaluate("() => document.activeElement.id")


def test_an_administrator_adds_an_item_by_scanning_and_finds_it_by_scanning(
    demo_network, live_server, browser_page
):
    RecordFactory(title=TITLE, isbn="9789025368722")
    assert ItemType.objects.filter(code="book", name="Boek").exists()  # from the demo
    neude = Branch.objects.get(name="Centrale Bibliotheek Neude")
    page = browser_page.page

    browser_page.goto(f"{live_server.url}/balie/exemplaren/nieuw/")
    assert "/balie/inloggen/" in page.url
    page.keyboard.type("beheerder")
    page.keyboard.press("Tab")
    page.keyboard.type("samenbieb-demo")
    page.keyboard.press("Tab")
    page.keyboard.type(staff_code("beheerder"))
    browser_page.follow(lambda: page.keyboard.press("Enter"))
    assert "/balie/exemplaren/nieuw/" in page.url

    # The title comes first and has the focus; then the home branch, type and the scan.
    assert _focused_id(page) == "id_record"
    page.keyboard.type("978-90-253-6872-2")
    page.locator("#id_home_branch").select_option(str(neude.pk))
    page.locator("#id_item_type").select_option(label="Boek")
    page.locator("#id_shelf_mark").fill("ROMA")
    page.locator("#id_barcode").focus()
    page.keyboard.type(BARCODE)  # a scanner types the code and presses Enter
    browser_page.follow(lambda: page.keyboard.press("Enter"))

    item = Item.objects.get(barcode=BARCODE)
    assert (item.home_branch, item.status) == (neude, ItemStatus.AVAILABLE)
    message = page.get_by_role("status").inner_text()
    assert BARCODE in message
    assert TITLE in message  # shown as text, not as markup
    # Ready for the next copy: the title is kept and the barcode field has the focus.
    assert page.locator("#id_record").input_value() == "978-90-253-6872-2"
    assert page.locator("#id_barcode").input_value() == ""
    assert _focused_id(page) == "id_barcode"

    browser_page.follow(lambda: page.locator("nav a[href='/balie/exemplaren/']").click())
    assert _focused_id(page) == "scan-barcode"
    page.keyboard.type(BARCODE.lower() + " ")
    browser_page.follow(lambda: page.keyboard.press("Enter"))

    assert page.url.endswith(f"/balie/exemplaren/{BARCODE}/")
    assert page.locator("#item-title").inner_text() == TITLE
    assert page.locator("#item-barcode").inner_text() == BARCODE
    assert page.locator("#item-status").get_attribute("data-status") == "available"
    assert "Centrale Bibliotheek Neude" in page.locator("#item-facts").inner_text()
    browser_page.screenshot("desk-item")

    # A barcode nobody has: a clear message, and the scanned value stays in the field.
    page.locator("#scan-barcode").fill("30009999999")
    browser_page.follow(lambda: page.keyboard.press("Enter"))
    assert page.locator("#scan-not-found").is_visible()
    assert page.locator("#scan-barcode").input_value() == "30009999999"
