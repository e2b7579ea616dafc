"""What the journeys share: a staff member's desk in a browser of its own, and a member
logging in to the portal."""

from __future__ import annotations

from typing import Any

from samenbieb.demo.members import DEMO_MEMBER_PASSWORD
from samenbieb.network.models import Branch
from tests.browser import AXE, AuditedPage, staff_code


class Desk:
    """One staff member's desk session, in a browser context of its own (as if at their
    own PC): each logs in once, since an authenticator code is accepted only once. The
    login is typed with the keyboard alone."""

    def __init__(self, chromium: Any, live_server: Any, username: str) -> None:
        context = chromium.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
        self.browser = AuditedPage(context.new_page(), AXE.read_text())
        self.page = self.browser.page
        self.url = live_server.url
        self.browser.goto(f"{self.url}/balie/uitlenen/")
        page = self.page
        page.locator("input[name=username]").focus()
        page.keyboard.type(username)
        page.keyboard.press("Tab")
        page.keyboard.type("samenbieb-demo")
        page.keyboard.press("Tab")
        page.keyboard.type(staff_code(username))
        self.browser.follow(lambda: page.keyboard.press("Enter"))
        assert page.url.endswith("/balie/uitlenen/")

    def at(self, branch: Branch) -> None:
        """Work at ``branch`` (staff of a library with several branches choose one)."""
        if self.page.locator("#branch-form").count():
            self.page.locator("#branch-form select").select_option(str(branch.pk))
            self.browser.follow(lambda: self.page.locator("#branch-form button").press("Enter"))
        else:
            assert branch.name in self.page.locator("#desk-branch").inner_text()

    def open(self, nav_id: str) -> None:
        self.browser.follow(lambda: self.page.locator(f"#{nav_id}").press("Enter"))

    def scan(self, value: str) -> str:
        """Scan ``value`` into the scan field, which has the focus after every page load;
        the page's feedback code."""
        page = self.page
        assert page.evaluate("() => document.activeElement.id") == "scan-barcode"
        page.keyboard.type(value)
        self.browser.follow(lambda: page.keyboard.press("Enter"))
        return page.locator("#scan-feedback").get_attribute("data-code") or ""

    def close(self) -> None:
        self.browser.assert_every_page_audited()
        self.page.context.close()


def member_log_in(browser_page: AuditedPage, card: str) -> None:
    """On the portal's login page: log in with ``card`` and the demo members' password."""
    page = browser_page.page
    page.get_by_label("Pasnummer of e-mailadres").fill(card)
    page.get_by_label("Wachtwoord").fill(DEMO_MEMBER_PASSWORD)
    browser_page.follow(lambda: page.get_by_role("button", name="Inloggen").press("Enter"))
