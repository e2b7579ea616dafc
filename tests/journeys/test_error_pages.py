"""The errors anyone can meet while browsing explain themselves in plain Dutch and say what
to do next, on pages that pass the harness's checks like every other page: an address
that does not exist, and a form that was open too long (its security token gone)."""

from __future__ import annotations

import pytest

from samenbieb.demo.members import DEMO_MEMBER_PASSWORD

pytestmark = [pytest.mark.browser]


def test_a_page_that_does_not_exist_says_so_and_leads_back(
    transactional_db, live_server, browser_page
):
    page = browser_page.page
    browser_page.goto(f"{live_server.url}/titels/999999/", status=404)
    assert page.get_by_role("heading", level=1).inner_text() == "We kunnen deze pagina niet vinden"
    browser_page.follow(lambda: page.get_by_role("link", name="Naar de startpagina").press("Enter"))
    assert page.url == f"{live_server.url}/"


def test_a_form_open_too_long_asks_to_try_again(demo_network, live_server, browser_page):
    page = browser_page.page
    browser_page.goto(f"{live_server.url}/inloggen/")
    page.get_by_label("Pasnummer of e-mailadres").fill("20000000000001")
    page.get_by_label("Wachtwoord").fill(DEMO_MEMBER_PASSWORD)
    page.context.clear_cookies()  # as when the session ran out while the form was open
    browser_page.follow(lambda: page.get_by_role("button", name="Inloggen").press("Enter"))
    assert page.get_by_role("heading", level=1).inner_text() == "Probeer het opnieuw"
    assert page.get_by_role("link", name="Naar de startpagina").is_visible()
    browser_page.screenshot("portal-error-try-again")
