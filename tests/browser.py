"""Browser test harness: Playwright driving Debian's Chromium, axe-core on every page.

A test asks for ``browser_page`` and moves through the site with its ``goto`` and
``follow`` methods. Each page that loads is checked, and a problem fails the test:

- axe-core finds no violation of WCAG 2.1 AA;
- keyboard alone: Tab reaches every visible link, button and field, in turn, and each
  shows a visible focus indicator when it has the focus (WCAG 2.1.1 and 2.4.7);
- reflow: at 200% zoom (a 1280-pixel window zoomed to 200% lays out 640 CSS pixels) and
  on a 360-pixel-wide phone the page does not scroll sideways and clips no content
  (WCAG 1.4.4 and 1.4.10). Wide data tables may scroll inside their own box.

At the end the harness checks that no page loaded without being checked, so a journey
cannot slip past the audit.
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


# The widths the reflow check lays every page out at: 200% zoom of the 1280-pixel test
# window, and a small phone.
REFLOW_WIDTHS = {640: "200% zoom", 360: "a 360-pixel-wide screen"}

# What makes focus visible: a change in any of these between unfocused and focused.
_FOCUS_STYLE = """el => {
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
    ? `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}` : 'none';
  return [outline, s.boxShadow, s.backgroundColor, s.color, s.borderTopColor,
          s.borderBottomColor, s.borderBottomWidth, s.textDecorationLine].join('|');
}"""

# Sets up the keyboard walk: remembers every visible control and its unfocused look, and
# puts a start marker (focusable by script only) before everything else on the page.
_KEYBOARD_START = (
    """() => {
  const focusStyle = """
    + _FOCUS_STYLE
    + """;
  const visible = el => {
    if (el.closest('[hidden], [inert], [aria-hidden="true"]')) return false;
    if (!el.getClientRects().length) return false;
    // In a closed <details> only its summary shows.
    const closed = el.closest('details:not([open])');
    if (closed && el.parentElement !== closed) return false;
    if (el.checkVisibility && !el.checkVisibility({visibilityProperty: true})) return false;
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none';
  };
  const describe = el => el.outerHTML.slice(0, 120);
  const controls = Array.from(document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]'
  )).filter(el => !el.disabled && visible(el) && !el.closest('[disabled]'));
  const state = {
    previous: document.activeElement,
    scroll: [window.scrollX, window.scrollY],
    baseline: new Map(),
    controls: controls,
    describe: describe,
    focusStyle: focusStyle,
    seenRadio: new Set(),
  };
  const unreachable = [];
  if (document.activeElement) document.activeElement.blur();
  for (const el of controls) {
    const tabindex = el.getAttribute('tabindex');
    if (tabindex !== null && parseInt(tabindex, 10) > 0) {
      unreachable.push(`has a positive tabindex (breaks the order): ${describe(el)}`);
    }
    state.baseline.set(el, focusStyle(el));
  }
  const start = document.createElement('span');
  start.tabIndex = -1;
  start.id = '__keyboard-start';
  document.body.prepend(start);
  start.focus();
  state.start = start;
  window.__keyboard = state;
  return {count: controls.length, problems: unreachable};
}"""
)

# After one Tab: what has the focus, and does it look different from unfocused?
_KEYBOARD_STEP = """() => {
  const state = window.__keyboard;
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement || el === state.start) {
    return {done: true};
  }
  // A date field takes one Tab per part (day, month, year): still the same field.
  if (el === state.last) return {done: false, shown: true, what: ''};
  if (state.seen && state.seen.has(el)) return {done: true};
  state.seen = state.seen || new Set();
  state.seen.add(el);
  state.last = el;
  const before = state.baseline.get(el);
  const shown = before === undefined || state.focusStyle(el) !== before;
  return {done: false, shown: shown, what: state.describe(el)};
}"""

# Ends the keyboard walk: which controls Tab never reached; focus and scroll as before.
_KEYBOARD_END = """() => {
  const state = window.__keyboard;
  const seen = state.seen || new Set();
  const radioGroups = new Set(Array.from(seen)
    .filter(el => el.type === 'radio').map(el => `${el.form && el.form.id}/${el.name}`));
  const missed = state.controls.filter(el => {
    if (seen.has(el)) return false;
    const interactive = 'a[href], button, input, select, textarea, summary';
    if (el.getAttribute('tabindex') === '-1' && !el.matches(interactive)) return false;
    // One stop per radio group: the arrow keys move within it.
    if (el.type === 'radio' && radioGroups.has(`${el.form && el.form.id}/${el.name}`)) return false;
    return true;
  }).map(el => state.describe(el));
  state.start.remove();
  if (state.previous && state.previous !== document.body && document.contains(state.previous)) {
    state.previous.focus({preventScroll: true});
  } else if (document.activeElement) {
    document.activeElement.blur();
  }
  window.scrollTo(state.scroll[0], state.scroll[1]);
  delete window.__keyboard;
  return missed;
}"""

# Reflow at the current viewport width: sideways scrolling, and content cut off.
_REFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const problems = [];
  const describe = el => el.outerHTML.slice(0, 120);
  const scrollsInside = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll') return true;
    }
    return false;
  };
  const tiny = el => el.clientWidth <= 1 || el.clientHeight <= 1;
  if (document.documentElement.scrollWidth > width + 1) {
    const wide = Array.from(document.body.querySelectorAll('*')).filter(el => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.right > width + 1 && !scrollsInside(el) && !tiny(el)
        && !Array.from(el.children).some(c => c.getBoundingClientRect().right > width + 1);
    });
    problems.push('the page scrolls sideways (' + document.documentElement.scrollWidth
      + ' > ' + width + ' pixels); too wide: ' + wide.slice(0, 3).map(describe).join(' ; '));
  }
  for (const el of document.body.querySelectorAll('*')) {
    const s = getComputedStyle(el);
    if (!['hidden', 'clip'].includes(s.overflowX) || tiny(el)) continue;
    // A field scrolls its own text as the caret moves: a long value is not cut off.
    if (el.matches('input, textarea, select')) continue;
    if (el.scrollWidth > el.clientWidth + 1) {
      problems.push('content is cut off: ' + describe(el));
    }
  }
  return problems;
}"""


class AccessibilityViolation(AssertionError):
    pass


class AuditedPage:
    """A Playwright page whose every loaded document gets an axe-core audit."""

    def __init__(self, page: Any, axe_source: str) -> None:
        self.page = page
        self.checked_for_keyboard: list[str] = []
        self.checked_for_reflow: list[str] = []
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
        self.check_keyboard()
        self.check_reflow()

    def check_keyboard(self, *, limit: int = 400) -> None:
        """Tab through the whole page: every visible control gets the focus in turn and
        shows it. Focus and scroll position are put back afterwards."""
        page = self.page
        setup = page.evaluate(_KEYBOARD_START)
        problems: list[str] = list(setup["problems"])
        for _ in range(min(limit, 3 * setup["count"] + 5)):
            page.keyboard.press("Tab")
            step = page.evaluate(_KEYBOARD_STEP)
            if step["done"]:
                break
            if not step["shown"]:
                problems.append(f"no visible focus indicator on {step['what']}")
        missed = page.evaluate(_KEYBOARD_END)
        problems += [f"the keyboard (Tab) never reaches {what}" for what in missed]
        self.checked_for_keyboard.append(page.url)
        if problems:
            raise AccessibilityViolation(
                f"keyboard problems on {page.url}:\n" + "\n".join(f"- {p}" for p in problems)
            )

    def check_reflow(self) -> None:
        """Lay the page out at 200% zoom and on a 360-pixel phone; the viewport is put
        back afterwards."""
        page = self.page
        original = page.viewport_size
        problems: list[str] = []
        try:
            for width, label in REFLOW_WIDTHS.items():
                if original and width > original["width"]:
                    continue  # already narrower: a phone test checks at its own width
                page.set_viewport_size({"width": width, "height": 720})
                problems += [f"at {label}: {p}" for p in page.evaluate(_REFLOW)]
            if original and original["width"] < min(REFLOW_WIDTHS):
                problems += [f"at {original['width']} pixels: {p}" for p in page.evaluate(_REFLOW)]
        finally:
            if original:
                page.set_viewport_size(original)
        self.checked_for_reflow.append(page.url)
        if problems:
            raise AccessibilityViolation(
                f"reflow problems on {page.url}:\n" + "\n".join(f"- {p}" for p in problems)
            )

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
