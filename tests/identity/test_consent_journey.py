"""A member logs in to an e-book platform in a real browser (Chromium).

Checks what only a browser shows: every page passes axe-core (WCAG 2.1 AA), and the
strict CSP still lets the consent form end in a redirect to the service (browsers apply
``form-action`` to where a form submission is redirected). The platform's callback is a
small local web server that answers every request with one page.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest

from samenbieb.identity.services import connected_service_register
from tests.identity.conftest import MEMBER_PASSWORD, make_member, pkce

pytestmark = [pytest.mark.browser]

CALLBACK_PAGE = (
    b'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>E-bookplatform</title>'
    b"</head><body><main><h1>Terug bij het e-bookplatform</h1></main></body></html>"
)


class _Callback(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(CALLBACK_PAGE)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def callback_uri() -> Iterator[str]:
    server = ThreadingHTTPServer(("localhost", 0), _Callback)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}/callback"
    server.shutdown()
    server.server_close()


@pytest.fixture
def client_id(transactional_db, callback_uri) -> str:
    return connected_service_register(
        actor=None,
        display_name="Nationaal e-bookplatform",
        description="Leen e-books en luisterboeken met je bibliotheekabonnement.",
        redirect_uris=[callback_uri],
        scopes=["openid", "profile", "library"],
        confidential=False,
    ).service.client_id


def _authorize_url(base: str, client_id: str, callback_uri: str) -> str:
    _verifier, challenge = pkce()
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": callback_uri,
        "scope": "openid profile library",
        "state": "journey",
        "nonce": "n-1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return f"{base}/oidc/authorize/?{urlencode(query)}"


def _log_in(browser_page, card: str) -> None:
    page = browser_page.page
    page.get_by_label("Pasnummer of e-mailadres").fill(card)
    page.get_by_label("Wachtwoord").fill(MEMBER_PASSWORD)
    browser_page.follow(lambda: page.get_by_role("button", name="Inloggen").click())


def test_a_member_logs_in_to_the_e_book_platform_and_agrees_once(
    client_id, callback_uri, live_server, browser_page
):
    make_member(card="20000000000011", email="anna@example.org")
    page = browser_page.page
    browser_page.goto(_authorize_url(live_server.url, client_id, callback_uri))
    _log_in(browser_page, "20000000000011")
    assert page.locator("#consent-shares li").count() == 3
    browser_page.screenshot("portal-oidc-consent")
    browser_page.follow(lambda: page.locator("#consent-allow").click())
    assert page.url.startswith(f"{callback_uri}?code=")
    assert "state=journey" in page.url

    # The second time the member goes straight back, without a page of ours.
    browser_page.goto(_authorize_url(live_server.url, client_id, callback_uri))
    assert page.url.startswith(f"{callback_uri}?code=")


def test_a_member_whose_membership_lapsed_is_told_why(
    client_id, callback_uri, live_server, browser_page
):
    make_member(card="20000000000014", valid=False, email="wim@example.org")
    page = browser_page.page
    browser_page.goto(_authorize_url(live_server.url, client_id, callback_uri))
    _log_in(browser_page, "20000000000014")
    assert page.locator("#refusal").is_visible()
    browser_page.follow(lambda: page.locator("#refusal-back").click())
    assert page.url.startswith(f"{callback_uri}?error=access_denied")
