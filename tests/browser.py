"""Browser test harness: Playwright driving Debian's Chromium, axe-core on every page.

A test asks for ``browser_page`` and moves through the site with its ``goto`` and
``follow`` methods; each page that loads is checked with axe-core against WCAG 2.1 AA
and a violation fails the test. At the end the harness checks that no page loaded
without being checked, so a journey cannot slip past the audit.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / ".cache" / "vendor" / "axe.min.js"
SCREENSHOTS = ROOT / "docs" / "screenshots"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class AccessibilityViolation(AssertionError):
    pass


class AuditedPage:
    """A Playwright page whose every loaded document gets an axe-core audit."""

    def __init__(self, page: Any, axe_source: str) -> None:
        self.page = page
        self._axe = axe_source
        self._loaded = 0
        self._audited = 0
        self.audited_urls: list[str] = []
        page.on("load", self._on_load)

    def _on_load(self, _page: Any) -> None:
        self._loaded += 1

    def goto(self, url: str, *, status: int = 200) -> None:
        response = self.page.goto(url)
        assert response is not None, f"{url} gave no response"
        assert response.status == status, f"{url} answered {response.status}, expected {status}"
        self.audit()

    def follow(self, action: Callable[[], None]) -> None:
        """Run ``action`` (a click, an Enter) that loads a new page, then audit that page."""
        with self.page.expect_navigation():
            action()
        self.audit()

    def audit(self) -> None:
        self.page.wait_for_load_state("load")
        # Evaluated through the DevTools protocol, so the page's strict CSP still holds.
        self.page.evaluate(self._axe)
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
        )
        self._audited = self._loaded
        self.audited_urls.append(self.page.url)
        if result["violations"]:
            lines = [f"axe-core found WCAG 2.1 AA violations on {self.page.url}:"]
            for violation in result["violations"]:
                targets = ", ".join(str(node["target"]) for node in violation["nodes"][:5])
                lines.append(
                    f"- {violation['id']} ({violation['impact']}): {violation['help']} at {targets}"
                )
            raise AccessibilityViolation("\n".join(lines))

    def screenshot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def assert_every_page_audited(self) -> None:
        assert self._loaded == self._audited, (
            f"{self._loaded - self._audited} page load(s) were not checked with axe-core; "
            "navigate with goto() or follow()"
        )


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: run `make test`, which installs it")
    if not AXE.exists():
        pytest.fail(f"axe-core is not vendored at {AXE}: run `make test`, which fetches it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(chromium: Any) -> Iterator[AuditedPage]:
    context = chromium.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    page = AuditedPage(context.new_page(), AXE.read_text())
    yield page
    page.assert_every_page_audited()
    context.close()


@pytest.fixture
def demo_network(transactional_db: None) -> None:
    """A fresh demo network, as `make run` builds it."""
    call_command("demo", "--quiet")


def staff_code(username: str) -> str:
    """What the authenticator app of a staff member shows now: a real TOTP code from the
    key of their linked device (the demo links one to each of its staff accounts)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import totp_code

    return totp_code(TOTPDevice.objects.get(user__username=username, confirmed=True))
