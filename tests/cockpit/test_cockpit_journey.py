"""Someone opens the public cockpit, filters it to a library, compares that library with
its peers and downloads the figures; every page passes axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import pytest

from samenbieb.cockpit import services
from tests.cockpit.network import OCTOBER, hand_network

pytestmark = [pytest.mark.browser]


def test_the_public_cockpit_by_keyboard_and_mouse(
    transactional_db, live_server, browser_page, settings
):
    settings.SAMENBIEB = {**settings.SAMENBIEB, "COCKPIT_SUPPRESS_BELOW": 2}
    hand_network()
    services.cockpit_rollup(actor=None, month=OCTOBER)
    page = browser_page.page

    browser_page.goto(f"{live_server.url}/cockpit/?periode=2026-10")
    assert page.locator("table caption").first.is_visible()
    page.get_by_label("Bibliotheek", exact=True).select_option(label="Bibliotheek A")
    browser_page.follow(
        lambda: (
            page.get_by_role("button", name="Tonen")
            .or_(page.get_by_role("button", name="Show"))
            .click()
        )
    )
    assert "Bibliotheek A" in page.get_by_role("heading", level=1).inner_text()
    browser_page.screenshot("cockpit-library")

    browser_page.follow(
        lambda: (
            page.get_by_role("link", name="Compare with similar libraries")
            .or_(page.get_by_role("link", name="Vergelijken met vergelijkbare bibliotheken"))
            .click()
        )
    )
    assert "Bibliotheek B" in page.content()
    browser_page.screenshot("cockpit-compare")

    browser_page.goto(f"{live_server.url}/cockpit/?periode=2026-10&bibliotheek=NL-HandA")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").or_(
            page.get_by_role("link", name="Downloaden als CSV")
        ).click()
    text = download.value.path().read_text(encoding="utf-8")
    assert text.startswith("period,level,")
    assert "NL-HandA" in text
