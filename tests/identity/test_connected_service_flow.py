"""The national e-book platform logs a member in through Samenbieb, end to end.

A real OpenID Connect client (authlib) plays the platform against the live server;
``requests`` plays the member's browser, logging in with the real login form and
agreeing on the real consent screen. Nothing on the provider's side is mocked.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session

from samenbieb.core.models import AuditEvent
from samenbieb.identity.models import AccessToken
from tests.identity.conftest import MEMBER_PASSWORD, REDIRECT_URI, query_of
from tests.identity.jose import CodeIDToken, JsonWebKey, jwt

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


OPEN_SESSIONS: list[requests.Session] = []


@pytest.fixture(autouse=True)
def _plain_http_on_localhost(monkeypatch):
    # The live server speaks http; authlib refuses that unless told it is a test.
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")
    yield
    # A kept-alive connection keeps a server thread, and its database connection, open.
    while OPEN_SESSIONS:
        OPEN_SESSIONS.pop().close()


class Browser:
    """The member's browser: follows redirects inside Samenbieb, stops at the service."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.session = requests.Session()
        OPEN_SESSIONS.append(self.session)

    def go(self, url: str) -> requests.Response:
        while url.startswith(self.base):
            response = self.session.get(url, allow_redirects=False, timeout=10)
            if response.status_code != 302:
                return response
            url = urljoin(url, response.headers["Location"])
        arrival = requests.Response()  # back at the service, which is not running
        arrival.status_code, arrival.url = 302, url
        return arrival

    def submit(self, page: requests.Response, data: dict[str, str]) -> requests.Response:
        token = CSRF.search(page.text)
        assert token, "no CSRF token on the page"
        action = re.search(r'<form method="post" action="([^"]+)"', page.text)
        assert action
        target = urljoin(page.url, action.group(1).replace("&amp;", "&"))
        response = self.session.post(
            target,
            data={"csrfmiddlewaretoken": token.group(1), **data},
            allow_redirects=False,
            timeout=10,
        )
        if response.status_code == 302:
            return self.go(urljoin(target, response.headers["Location"]))
        return response

    def log_in(
        self, login_page: requests.Response, card: str, password: str = MEMBER_PASSWORD
    ) -> requests.Response:
        assert "/inloggen/" in login_page.url
        volgende = re.search(r'name="volgende" value="([^"]+)"', login_page.text)
        assert volgende, "the login form does not carry the way back"
        return self.submit(
            login_page,
            {
                "identifier": card,
                "password": password,
                "volgende": volgende.group(1).replace("&amp;", "&"),
            },
        )


class EbookPlatform:
    """The connected service: discovery, authorization with PKCE, tokens, ID token checks."""

    def __init__(
        self,
        base: str,
        client_id: str,
        secret: str | None,
        scope: str,
        redirect_uri: str = REDIRECT_URI,
    ) -> None:
        self.config = requests.get(f"{base}/.well-known/openid-configuration", timeout=10).json()
        self.client = OAuth2Session(
            client_id,
            secret,
            scope=scope,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            token_endpoint_auth_method="client_secret_basic" if secret else "none",
        )
        OPEN_SESSIONS.append(self.client)
        self.verifier = generate_token(48)
        self.nonce = generate_token(20)

    def authorization_url(self, **extra: str) -> tuple[str, str]:
        return self.client.create_authorization_url(
            self.config["authorization_endpoint"],
            code_verifier=self.verifier,
            nonce=self.nonce,
            **extra,
        )

    def finish(self, callback: str, state: str) -> dict:
        return self.client.fetch_token(
            self.config["token_endpoint"],
            authorization_response=callback,
            state=state,
            code_verifier=self.verifier,
        )

    def id_token_claims(self, token: dict) -> dict:
        keys = JsonWebKey.import_key_set(requests.get(self.config["jwks_uri"], timeout=10).json())
        claims = jwt.decode(
            token["id_token"],
            keys,
            claims_cls=CodeIDToken,
            claims_options={
                "iss": {"essential": True, "value": self.config["issuer"]},
                "aud": {"essential": True, "value": self.client.client_id},
            },
            claims_params={
                "nonce": self.nonce,
                "client_id": self.client.client_id,
                "access_token": token["access_token"],
            },
        )
        claims.validate()  # signature above; iss, aud, nonce, exp, iat, at_hash here
        return dict(claims)

    def userinfo(self) -> dict:
        response = self.client.get(self.config["userinfo_endpoint"], timeout=10)
        response.raise_for_status()
        return response.json()


def _log_in_through(platform: EbookPlatform, browser: Browser, card: str) -> tuple[dict, str]:
    url, state = platform.authorization_url()
    login_page = browser.go(url)
    consent_page = browser.log_in(login_page, card)
    assert consent_page.status_code == 200
    assert 'id="consent-allow"' in consent_page.text
    callback = browser.submit(consent_page, {"decision": "allow"})
    assert callback.url.startswith(REDIRECT_URI)
    return platform.finish(callback.url, state), state


def test_the_e_book_platform_logs_a_member_in_and_gets_only_its_claims(
    live_server, member, register
):
    registered = register(scopes=["openid", "email"])
    platform = EbookPlatform(
        live_server.url, registered.service.client_id, registered.client_secret, "openid email"
    )
    browser = Browser(live_server.url)

    assert platform.config["issuer"] == live_server.url
    assert platform.config["subject_types_supported"] == ["pairwise"]
    assert platform.config["code_challenge_methods_supported"] == ["S256"]

    token, _state = _log_in_through(platform, browser, "20000000004321")
    claims = platform.id_token_claims(token)
    info = platform.userinfo()

    assert claims["sub"] == info["sub"]
    assert str(member.pk) != info["sub"]
    assert set(info) == {"sub", "email", "email_verified"}
    assert info["email"] == "anna@example.org"
    assert info["email_verified"] is True
    for absent in ("name", "given_name", "family_name", "library", "membership_valid", "age_band"):
        assert absent not in claims
    assert set(token["scope"].split()) == {"openid", "email"}

    # The member logs in again later: no consent screen, the same pairwise sub.
    again = EbookPlatform(
        live_server.url, registered.service.client_id, registered.client_secret, "openid email"
    )
    url, state = again.authorization_url()
    callback = browser.go(url)
    assert callback.url.startswith(REDIRECT_URI), "consent was asked a second time"
    assert again.id_token_claims(again.finish(callback.url, state))["sub"] == info["sub"]

    # Refreshing keeps the platform going, with a new refresh token each time.
    renewed = platform.client.refresh_token(platform.config["token_endpoint"])
    assert renewed["refresh_token"] != token["refresh_token"]
    assert platform.userinfo()["sub"] == info["sub"]

    # Audited, with no token value in the trail.
    issued = AuditEvent.objects.filter(event_type="identity.token.issued")
    assert {event.details["grant_type"] for event in issued} == {
        "authorization_code",
        "refresh_token",
    }
    trail = str(list(AuditEvent.objects.values_list("details", flat=True)))
    assert token["access_token"] not in trail
    assert token["refresh_token"] not in trail


def test_a_public_client_gets_every_claim_it_is_registered_for(live_server, member, register):
    registered = register(
        display_name="Leerplatform",
        scopes=["openid", "profile", "email", "library", "age_band"],
        confidential=False,
    )
    platform = EbookPlatform(
        live_server.url,
        registered.service.client_id,
        None,
        "openid profile email library age_band",
    )
    token, _state = _log_in_through(platform, Browser(live_server.url), "20000000004321")
    assert platform.id_token_claims(token)["name"] == "Anna van der Berg"
    info = platform.userinfo()
    assert info["given_name"] == "Anna"
    assert info["family_name"] == "van der Berg"
    assert info["library"] == {
        "name": member.home_organisation.name,
        "isil": member.home_organisation.isil,
    }
    assert info["membership_valid"] is True
    assert info["age_band"] in {"18-64"}
    assert "birthdate" not in info
    assert str(member.birth_date.year) not in str(info)


def test_a_code_can_be_exchanged_only_once(live_server, member, register):
    registered = register(scopes=["openid"], confidential=False)
    platform = EbookPlatform(live_server.url, registered.service.client_id, None, "openid")
    browser = Browser(live_server.url)
    url, state = platform.authorization_url()
    callback = browser.submit(
        browser.log_in(browser.go(url), "20000000004321"), {"decision": "allow"}
    )
    platform.finish(callback.url, state)
    replay = requests.post(
        platform.config["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": query_of(callback.url)["code"],
            "redirect_uri": REDIRECT_URI,
            "client_id": registered.service.client_id,
            "code_verifier": platform.verifier,
        },
        timeout=10,
    )
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()


def test_a_demo_member_logs_in_to_the_demo_e_book_platform_with_the_printed_card(live_server):
    """The demonstration of the README: the demo's public client and its first member."""
    from django.core.management import call_command

    from samenbieb.demo.members import DEMO_MEMBER_PASSWORD
    from samenbieb.identity.demo import DEMO_CLIENT_ID, DEMO_REDIRECT_URI

    call_command("demo", quiet=True)
    platform = EbookPlatform(
        live_server.url, DEMO_CLIENT_ID, None, "openid library", redirect_uri=DEMO_REDIRECT_URI
    )
    browser = Browser(live_server.url)
    url, state = platform.authorization_url()
    consent_page = browser.log_in(browser.go(url), "20000000000001", DEMO_MEMBER_PASSWORD)
    callback = browser.submit(consent_page, {"decision": "allow"})
    assert callback.url.startswith(DEMO_REDIRECT_URI)
    token = platform.finish(callback.url, state)

    claims = platform.id_token_claims(token)
    info = platform.userinfo()
    assert set(info) == {"sub", "library", "membership_valid"}
    assert info["membership_valid"] is True
    assert info["sub"] == claims["sub"]
    for absent in ("name", "email", "age_band", "birthdate"):
        assert absent not in claims
