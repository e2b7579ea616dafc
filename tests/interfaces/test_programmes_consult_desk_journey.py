"""The desk's consultation-hour pages in a real Chromium: a desk employee counts a walk-in
contact in two steps and finds it in the counts. Every page is checked by axe-core
(WCAG 2.1 AA)."""

from __future__ import annotations

import pytest

from samenbieb.programmes.models import WalkInContact
from tests.browser import staff_code

pytestmark = [pytest.mark.browser]


def _log_in(browser_page, live_server, username: str) -> None:
    page = browser_page.page
    browser_page.goto(f"{live_server.url}/balie/spreekuur/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill("samenbieb-demo")
    page.locator("input[name=code]").fill(staff_code(username))
    browser_page.follow(lambda: page.get_by_role("button", name="Inloggen").click())
    assert page.url.endswith("/balie/spreekuur/")


def test_a_desk_employee_counts_a_walk_in_contact_and_sees_it_counted(
    demo_network, live_server, browser_page
):
    page = browser_page.page
    _log_in(browser_page, live_server, "balie")
    before = WalkInContact.objects.count()
    page.locator("#walk-in-form input[type=radio]").first.check()
    browser_page.follow(lambda: page.locator("#walk-in-helped").click())
    assert WalkInContact.objects.count() == before + 1
    contact = WalkInContact.objects.order_by("-id").first()
    assert contact.outcome == "helped"
    browser_page.follow(lambda: page.get_by_role("link", name="Alle tellingen").click())
    assert "/balie/spreekuur/tellingen/" in page.url
