"""A person signs up online, confirms the e-mail address and logs in to "my account"."""

from __future__ import annotations

import pytest

from tests.members.smtp import smtp_capture  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser]

PASSWORD = "Leeskring-Oudegracht-42"


def test_a_person_registers_online_verifies_the_email_and_logs_in(
    demo_network,
    live_server,
    browser_page,
    smtp_capture,  # noqa: F811
):
    page = browser_page.page
    browser_page.goto(f"{live_server.url}/")
    browser_page.follow(lambda: page.get_by_role("link", name="Inloggen").click())
    browser_page.follow(
        lambda: page.get_by_role("link", name="Nog geen account? Meld je online aan").click()
    )
    assert page.get_by_role("heading", level=1).inner_text() == "Online aanmelden"

    page.get_by_label("Je bibliotheek").select_option(index=1)
    page.get_by_label("Voornaam").fill("Bram")
    page.get_by_label("Tussenvoegsel").fill("van")
    page.get_by_label("Achternaam").fill("Dijk")
    page.get_by_label("Geboortedatum").fill("1988-04-12")
    page.get_by_label("Straat").fill("Oudegracht")
    page.get_by_label("Huisnummer").fill("12a")
    page.get_by_label("Postcode").fill("3511 AB")
    page.get_by_label("Woonplaats").fill("Utrecht")
    page.get_by_label("E-mailadres").fill("bram@example.org")
    page.get_by_label("Wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Wachtwoord nog een keer").fill(PASSWORD)
    page.get_by_label("Bewaar een lijst van wat ik heb geleend").check()
    browser_page.screenshot("portal-register")
    browser_page.follow(lambda: page.get_by_role("button", name="Aanmelden").click())
    assert page.get_by_role("heading", level=1).inner_text() == "Kijk in je e-mail"

    mail = smtp_capture.last_to("bram@example.org")
    link = next(url for url in smtp_capture.links(mail) if "/aanmelden/bevestigen/" in url)
    browser_page.goto(link)
    browser_page.follow(
        lambda: page.get_by_role("button", name="Bevestig mijn e-mailadres").click()
    )
    assert "Je kunt nu inloggen" in page.locator("main").inner_text()

    page.get_by_label("Pasnummer of e-mailadres").fill("bram@example.org")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    browser_page.follow(lambda: page.get_by_role("button", name="Inloggen").click())
    assert page.get_by_role("heading", level=1).inner_text() == "Mijn account"
    main = page.locator("main").inner_text()
    assert "nog geen geldig lidmaatschap" in main
    assert page.get_by_role("link", name="Mijn account", exact=True).is_visible()
    browser_page.screenshot("portal-account")

    browser_page.follow(lambda: page.get_by_role("button", name="Uitloggen").click())
    assert page.get_by_role("link", name="Inloggen").is_visible()
