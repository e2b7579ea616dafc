"""Journey 6 (issue 11), in a fresh demo network and a real Chromium: a member logs in to
a connected service (the national e-book platform) through OpenID Connect. The platform
is a real OIDC client (authlib) with a small local web server as its callback; the member
uses the browser: Samenbieb's login page, then the consent page, then back at the
platform, which exchanges the code for tokens and learns her name and library. Every page
of ours passes the harness's checks (axe-core, keyboard, zoom, phone)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from samenbieb.identity.services import connected_service_register
from tests.identity.test_connected_service_flow import OPEN_SESSIONS, EbookPlatform
from tests.journeys.helpers import member_log_in

pytestmark = [pytest.mark.browser]

SANNE = "20000000000001"  # a demo member of Bibliotheek Utrecht
CALLBACK_PAGE = (
    b'<!doctype html><html lang="nl"><head><meta charset="utf-8">'
    b'<meta name="viewport" content="width=device-width, initial-scale=1">'
    b"<title>E-bookplatform</title></head><body><main><h1>Terug bij het e-bookplatform</h1>"
    b"</main></body></html>"
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
def callback_uri(monkeypatch) -> Iterator[str]:
    # The live server speaks http; authlib refuses that unless told it is a test.
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    server = ThreadingHTTPServer(("localhost", 0), _Callback)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://localhost:{server.server_address[1]}/callback"
    server.shutdown()
    server.server_close()
    while OPEN_SESSIONS:
        OPEN_SESSIONS.pop().close()


def test_a_member_logs_in_to_the_e_book_platform_with_her_library_account(
    demo_network, callback_uri, live_server, browser_page
):
    service = connected_service_register(
        actor=None,
        display_name="Nationaal e-bookplatform",
        description="Leen e-books en luisterboeken met je bibliotheekabonnement.",
        redirect_uris=[callback_uri],
        scopes=["openid", "profile", "library"],
        confidential=False,
    ).service
    platform = EbookPlatform(
        live_server.url, service.client_id, None, "openid profile library", callback_uri
    )
    url, state = platform.authorization_url()
    page = browser_page.page

    # "Log in with your library": Samenbieb asks who she is, then what to share.
    browser_page.goto(url)
    assert "/inloggen/" in page.url
    member_log_in(browser_page, SANNE)
    assert "Nationaal e-bookplatform" in page.locator("h1").inner_text()
    assert page.locator("#consent-shares li").count() == 3
    browser_page.follow(lambda: page.locator("#consent-allow").press("Enter"))
    assert page.url.startswith(f"{callback_uri}?code=")

    # The platform finishes the login and knows her name and her library.
    platform.finish(page.url, state)
    info = platform.userinfo()
    assert info["given_name"] == "Sanne"
    assert info["library"]["isil"] == "NL-UtBU"
