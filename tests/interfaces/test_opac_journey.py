"""A member searches the catalogue by keyboard and finds where a copy is on the shelf."""

from __future__ import annotations

import pytest

from samenbieb.catalog import search
from samenbieb.catalog.models import Contributor
from samenbieb.network.models import Branch
from tests.factories import ItemFactory, RecordFactory

pytestmark = [pytest.mark.browser]


def test_member_searches_with_stemming_filters_and_sees_availability(
    demo_network, live_server, browser_page
):
    neude = Branch.objects.get(code="centrale")
    rozet = Branch.objects.get(code="rozet")
    record = RecordFactory(
        title="De fiets van oma", year=2019, format="book", summary="Een vrolijk prentenboek."
    )
    Contributor.objects.create(record=record, name="Mies Bouwman", role="author")
    RecordFactory(title="Fietsen in Gelderland", format="dvd", year=2005)
    RecordFactory(title="Koken met kinderen", format="book")
    for branch in (neude, neude, rozet):
        ItemFactory(record=record, organisation=branch.organisation, home_branch=branch)
    search.rebuild_index()

    page = browser_page.page
    browser_page.goto(f"{live_server.url}/")
    page.get_by_label("Titel, auteur, onderwerp of ISBN").focus()
    page.keyboard.type("fietsen")
    browser_page.follow(lambda: page.keyboard.press("Enter"))
    results = page.locator(".hits").inner_text()
    assert "De fiets van oma" in results
    assert "Fietsen in Gelderland" in results
    assert "Koken" not in results

    page.get_by_label("Dvd of Blu-ray").check()
    browser_page.follow(lambda: page.get_by_role("button", name="Filters toepassen").click())
    assert "Fietsen in Gelderland" in page.locator(".hits").inner_text()
    assert "De fiets van oma" not in page.locator(".hits").inner_text()
    page.get_by_label("Dvd of Blu-ray").uncheck()
    page.locator("#formaat-book").check()
    browser_page.follow(lambda: page.get_by_role("button", name="Filters toepassen").click())
    browser_page.screenshot("portal-search")

    browser_page.follow(lambda: page.get_by_role("link", name="De fiets van oma").click())
    assert page.get_by_role("heading", level=1).inner_text() == "De fiets van oma"
    where = page.get_by_role("table", name="Exemplaren per bibliotheek en vestiging").inner_text()
    assert "Centrale Bibliotheek Neude" in where
    assert "Bibliotheek Rozet" in where
    browser_page.screenshot("portal-record")
