"""A staff member logs in at the desk and sees their organisation's branches and opening
hours, and nothing of another organisation's — in a real Chromium, checked by axe-core."""

from __future__ import annotations

import pytest

from samenbieb.network.models import Branch
from tests.browser import staff_code

pytestmark = [pytest.mark.browser]


def test_desk_employee_logs_in_by_keyboard_and_sees_only_their_own_branches(
    demo_network, live_server, browser_page
):
    page = browser_page.page
    browser_page.goto(f"{live_server.url}/balie/")
    assert "/balie/inloggen/" in page.url

    # The login form takes the focus, so a desk employee can start typing at once.
    assert page.get_by_label("Gebruikersnaam").evaluate(
        "element => element === document.activeElement"
    )
    page.keyboard.type("balie")
    page.keyboard.press("Tab")
    assert page.get_by_label("Wachtwoord").evaluate("element => element === document.activeElement")
    page.keyboard.type("samenbieb-demo")
    # Then the code from the authenticator app, on the same form: one Enter logs in.
    page.keyboard.press("Tab")
    assert page.locator("input[name=code]").evaluate(
        "element => element === document.activeElement"
    )
    page.keyboard.type(staff_code("balie"))
    browser_page.screenshot("desk-login")
    browser_page.follow(lambda: page.keyboard.press("Enter"))

    assert page.get_by_role("heading", level=1).inner_text() == "Jouw vestigingen"
    # The first Tab shows a skip link that jumps past the navigation.
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Direct naar de inhoud")
    assert skip_link.evaluate("element => element === document.activeElement")
    assert skip_link.bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "content"
    content = page.locator("main").inner_text()
    assert "Bibliotheek Utrecht Stad" in content
    assert "Centrale Bibliotheek Neude" in content
    assert "Bibliotheek Rozet" not in content  # Arnhem's, another organisation
    assert "Bibliotheek Arnhem Rijnstad" not in content
    browser_page.screenshot("desk-home")

    browser_page.follow(lambda: page.get_by_role("link", name="Centrale Bibliotheek Neude").click())
    assert page.get_by_role("heading", level=1).inner_text() == "Centrale Bibliotheek Neude"
    schedule = page.get_by_role("table", name="Openingstijden per week")
    assert "maandag" in schedule.inner_text()
    assert "12:00–20:00" in schedule.inner_text()
    browser_page.screenshot("desk-branch")

    arnhem = Branch.objects.get(code="rozet")
    browser_page.goto(f"{live_server.url}/balie/vestigingen/{arnhem.pk}/", status=404)
    assert "Rozet" not in page.locator("main").inner_text()


def test_wrong_password_is_refused_with_an_explanation(demo_network, live_server, browser_page):
    page = browser_page.page
    browser_page.goto(f"{live_server.url}/balie/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("balie")
    page.get_by_label("Wachtwoord").fill("niet-het-goede-wachtwoord")
    browser_page.follow(lambda: page.get_by_role("button", name="Inloggen").click())
    assert page.get_by_role("alert").is_visible()
    assert "/balie/inloggen/" in page.url
