"""The browser harness's own checks can fail: a page with a focus indicator taken away, a
control the keyboard cannot reach, or a layout that breaks at 200% zoom or on a phone is
refused. The pages are served inside the browser, so no server is needed."""

from __future__ import annotations

import pytest

from tests.browser import AccessibilityViolation, AuditedPage

pytestmark = [pytest.mark.browser]

HEAD = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Harness</title><style>{style}</style></head><body><main><h1>Harness</h1>{body}"
    "</main></body></html>"
)
FOCUS = ":focus-visible { outline: 3px solid #000; }"


def _serve(browser_page: AuditedPage, body: str, style: str = FOCUS) -> None:
    html = HEAD.format(style=style, body=body)
    browser_page.page.route(
        "http://harness.test/**",
        lambda route: route.fulfill(status=200, content_type="text/html", body=html),
    )


def test_a_sound_page_passes(browser_page):
    _serve(browser_page, '<p><a href="/a">One</a> <button type="button">Two</button></p>')
    browser_page.goto("http://harness.test/")
    assert browser_page.checked_for_keyboard == ["http://harness.test/"]
    assert browser_page.checked_for_reflow == ["http://harness.test/"]


def test_a_control_without_a_visible_focus_indicator_fails(browser_page):
    _serve(
        browser_page,
        '<p><a href="/a">One</a> <button type="button">Two</button></p>',
        style="a:focus, a:focus-visible { outline: none; } button:focus-visible "
        "{ outline: 3px solid #000; }",
    )
    with pytest.raises(AccessibilityViolation, match="no visible focus indicator on <a"):
        browser_page.goto("http://harness.test/")


def test_a_link_the_keyboard_cannot_reach_fails(browser_page):
    _serve(browser_page, '<p><a href="/a">One</a> <a href="/b" tabindex="-1">Two</a></p>')
    with pytest.raises(AccessibilityViolation, match='never reaches <a href="/b"'):
        browser_page.goto("http://harness.test/")


def test_a_page_that_scrolls_sideways_on_a_phone_fails(browser_page):
    _serve(browser_page, '<p style="width: 500px">A fixed width of 500 pixels.</p>')
    with pytest.raises(AccessibilityViolation, match="at a 360-pixel-wide screen: the page"):
        browser_page.goto("http://harness.test/")


def test_a_page_that_scrolls_sideways_at_200_percent_zoom_fails(browser_page):
    _serve(browser_page, '<p style="width: 900px">A fixed width of 900 pixels.</p>')
    with pytest.raises(AccessibilityViolation, match="at 200% zoom: the page scrolls"):
        browser_page.goto("http://harness.test/")


def test_content_cut_off_fails(browser_page):
    _serve(
        browser_page,
        '<p style="width: 20rem; max-width: 100%; overflow: hidden; white-space: nowrap">'
        "A sentence far too long to fit into twenty rem on a phone-sized screen.</p>",
    )
    with pytest.raises(AccessibilityViolation, match="content is cut off"):
        browser_page.goto("http://harness.test/")


def test_a_wide_table_may_scroll_in_its_own_box(browser_page):
    _serve(
        browser_page,
        '<div style="overflow-x: auto" tabindex="0" role="region" aria-label="Table">'
        '<table style="width: 900px"><tr><td>Wide</td></tr></table></div>',
    )
    browser_page.goto("http://harness.test/")
