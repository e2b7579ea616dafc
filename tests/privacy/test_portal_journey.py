"""In a real browser: a member downloads their data and removes their account."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils import timezone

from samenbieb.core import audit_chain
from samenbieb.members.models import Person
from tests.factories import LibraryCardFactory, MembershipFactory, PersonFactory

pytestmark = [pytest.mark.browser]

PASSWORD = "Leeskring-Oudegracht-42"


def test_a_member_downloads_their_data_and_removes_their_account(
    transactional_db, live_server, browser_page
):
    person = PersonFactory(
        given_name="Noor", email="noor@example.org", email_verified_at=timezone.now()
    )
    person.set_password(PASSWORD)
    person.save()
    LibraryCardFactory(person=person, barcode="20000000000999")
    MembershipFactory(person=person)
    page = browser_page.page

    browser_page.goto(f"{live_server.url}/inloggen/")
    page.get_by_label("Pasnummer of e-mailadres").fill("20000000000999")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    browser_page.follow(lambda: page.get_by_role("button", name="Inloggen").click())
    assert page.get_by_role("heading", level=1).inner_text() == "Mijn account", page.locator(
        "main"
    ).inner_text()
    browser_page.follow(lambda: page.locator("#privacy-links a").first.click())
    assert "noor@example.org" in page.locator("main").inner_text()
    browser_page.screenshot("portal-my-data")

    with page.expect_download() as download:
        page.locator("#my-data-download").click()
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    members = next(s for s in data["sections"] if s["key"] == "members")["data"]
    assert members["person"]["email"] == "noor@example.org"

    browser_page.goto(f"{live_server.url}/mijn-account/verwijderen/")
    page.locator("#erase-form input[type=password]").fill(PASSWORD)
    page.locator("#erase-form input[type=checkbox]").check()
    browser_page.screenshot("portal-erase")
    browser_page.follow(lambda: page.locator("#erase-form button[type=submit]").click())

    assert page.url.endswith("/account-verwijderd/")
    erased = Person.objects.get(pk=person.pk)
    assert (erased.given_name, erased.email) == ("", "")
    assert audit_chain.verify().ok
