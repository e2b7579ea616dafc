"""A visitor finds a library and its opening hours without logging in."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser]


def test_visitor_finds_a_library_and_its_opening_hours_today(
    demo_network, live_server, browser_page
):
    page = browser_page.page
    browser_page.goto(f"{live_server.url}/")
    browser_page.screenshot("portal-home")
    browser_page.follow(lambda: page.get_by_role("link", name="Vind een bibliotheek").first.click())
    assert page.get_by_role("heading", name="Utrecht", exact=True).is_visible()
    assert page.get_by_role("heading", name="Gelderland", exact=True).is_visible()
    browser_page.follow(lambda: page.get_by_role("link", name="Bibliotheek Apeldoorn CODA").click())
    assert page.get_by_role("heading", level=1).inner_text() == "Bibliotheek Apeldoorn CODA"
    assert "Schoolbibliotheek De Vlinderboom" in page.locator("table").inner_text()
    browser_page.screenshot("portal-library")


def test_the_portal_switches_to_english_and_back(demo_network, live_server, browser_page):
    page = browser_page.page
    browser_page.goto(f"{live_server.url}/bibliotheken/")
    page.get_by_label("Taal").select_option("en")
    browser_page.follow(lambda: page.get_by_role("button", name="Wissel").click())
    assert page.get_by_role("heading", level=1).inner_text() == "Find a library"
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Language").select_option("nl")
    browser_page.follow(lambda: page.get_by_role("button", name="Switch").click())
    assert page.get_by_role("heading", level=1).inner_text() == "Vind een bibliotheek"


def test_a_small_phone_screen_needs_no_sideways_scrolling(demo_network, live_server, browser_page):
    page = browser_page.page
    page.set_viewport_size({"width": 360, "height": 740})
    for path in ("/", "/bibliotheken/", "/bibliotheken/NL-UtBU/", "/balie/inloggen/"):
        browser_page.goto(f"{live_server.url}{path}")
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} is {overflow}px wider than a 360px screen"
