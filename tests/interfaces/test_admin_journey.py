"""An administrator changes their branch's opening hours in the network administration."""

from __future__ import annotations

import pytest

from samenbieb.core.models import AuditEvent
from samenbieb.network.models import Branch, OpeningHours
from tests.browser import staff_code

pytestmark = [pytest.mark.browser]


def test_administrator_adds_sunday_opening_hours_to_their_branch(
    demo_network, live_server, browser_page
):
    page = browser_page.page
    # The administration has no login of its own: staff log in once, with the second factor.
    browser_page.goto(f"{live_server.url}/beheer/")
    assert "/balie/inloggen/" in page.url
    page.get_by_label("Gebruikersnaam").fill("beheerder")
    page.get_by_label("Wachtwoord").fill("samenbieb-demo")
    page.locator("input[name=code]").fill(staff_code("beheerder"))
    browser_page.follow(lambda: page.get_by_role("button", name="Inloggen").click())
    assert page.url.endswith("/beheer/")
    browser_page.screenshot("admin-home")

    browser_page.follow(lambda: page.get_by_role("link", name="Vestigingen").first.click())
    listed = page.locator("#result_list").inner_text()
    assert "Bibliotheek Hoograven" in listed
    assert "Bibliotheek Rozet" not in listed

    browser_page.follow(lambda: page.get_by_role("link", name="Bibliotheek Hoograven").click())
    hoograven = Branch.objects.get(code="hoograven")
    assert not OpeningHours.objects.filter(branch=hoograven, weekday=6).exists()
    browser_page.screenshot("admin-branch")
    page.locator("#opening_hours-group .add-row a").click()
    row = page.locator(".dynamic-opening_hours").last
    row.locator("select[name$='-weekday']").select_option("6")
    row.locator("input[name$='-opens']").fill("13:00")
    row.locator("input[name$='-closes']").fill("16:00")
    browser_page.follow(lambda: page.get_by_role("button", name="Opslaan", exact=True).click())

    sunday = OpeningHours.objects.get(branch=hoograven, weekday=6)
    assert (sunday.opens.hour, sunday.closes.hour) == (13, 16)
    assert AuditEvent.objects.filter(
        event_type="network.openinghours.created", actor_label="beheerder"
    ).exists()
