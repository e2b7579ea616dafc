"""Members, connected services and a member's browser for the OpenID Connect tests.

The browser is Django's test client for the protocol details, and ``requests`` against
the live server where an authlib client plays the connected service
(test_connected_service_flow.py).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samenbieb.identity.services import RegisteredService, connected_service_register
from tests.factories import LibraryCardFactory, MembershipFactory, PersonFactory

MEMBER_PASSWORD = "Leeskring-Oudegracht-42"
REDIRECT_URI = "http://localhost:8765/callback"
AUTHORIZE = reverse("oauth2_provider:authorize")
TOKEN = reverse("oauth2_provider:token")
USERINFO = reverse("oauth2_provider:user-info")
LOGIN = reverse("portal:login")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def make_member(*, card: str, valid: bool = True, **fields):
    today = timezone.localdate()
    person = PersonFactory(email_verified_at=timezone.now(), **fields)
    person.set_password(MEMBER_PASSWORD)
    person.save()
    LibraryCardFactory(person=person, barcode=card)
    if valid:
        MembershipFactory(
            person=person,
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=300),
        )
    else:
        MembershipFactory(
            person=person,
            starts_on=today - dt.timedelta(days=400),
            ends_on=today - dt.timedelta(days=1),
        )
    return person


@pytest.fixture
def member(db):
    return make_member(
        card="20000000004321",
        given_name="Anna",
        name_prefix="van der",
        family_name="Berg",
        email="anna@example.org",
        birth_date=dt.date(1990, 4, 2),
    )


@pytest.fixture
def register(db):
    """Register a connected service as the system: ``register(scopes=[...], ...)``."""

    def make(**options) -> RegisteredService:
        options.setdefault("display_name", "Nationaal e-bookplatform")
        options.setdefault("redirect_uris", [REDIRECT_URI])
        options.setdefault("scopes", ["openid"])
        return connected_service_register(actor=None, **options)

    return make


def pkce() -> tuple[str, str]:
    """A code verifier and its S256 challenge (RFC 7636)."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode()).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass
class Flow:
    """One authorization request of a service, as its parameters and PKCE verifier."""

    client_id: str
    scope: str = "openid"
    redirect_uri: str = REDIRECT_URI
    state: str = "state-1234"
    nonce: str = "nonce-5678"
    verifier: str = ""
    challenge: str = ""
    method: str = "S256"

    def __post_init__(self) -> None:
        if not self.verifier:
            self.verifier, self.challenge = pkce()

    def params(self, **changes: str | None) -> dict[str, str]:
        params: dict[str, str | None] = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.scope,
            "state": self.state,
            "nonce": self.nonce,
            "code_challenge": self.challenge,
            "code_challenge_method": self.method,
        }
        params.update(changes)
        return {key: value for key, value in params.items() if value is not None}

    def url(self, **changes: str | None) -> str:
        return f"{AUTHORIZE}?{urlencode(self.params(**changes))}"


def query_of(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def log_in(client: Client, person, card: str | None = None) -> None:
    identifier = card or person.cards.first().barcode
    response = client.post(LOGIN, {"identifier": identifier, "password": MEMBER_PASSWORD})
    assert response.status_code == 302, "the member could not log in"


def consent(client: Client, url: str, decision: str = "allow"):
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    assert b'id="consent-allow"' in page.content
    return client.post(url, {"decision": decision})


def code_for(client: Client, flow: Flow, **changes: str | None) -> str:
    """Walk a logged-in member through authorize (and consent when asked) to a code."""
    url = flow.url(**changes)
    response = client.get(url)
    if response.status_code == 200:
        response = client.post(url, {"decision": "allow"})
    assert response.status_code == 302, response.status_code
    location = response["Location"]
    assert location.startswith(flow.redirect_uri), location
    answer = query_of(location)
    assert answer.get("state") == flow.state
    assert "code" in answer, answer
    return answer["code"]


def exchange(client: Client, flow: Flow, code: str, *, secret: str | None = None, **changes):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": flow.redirect_uri,
        "client_id": flow.client_id,
        "code_verifier": flow.verifier,
    }
    data.update(changes)
    data = {key: value for key, value in data.items() if value is not None}
    headers = {}
    if secret is not None:
        basic = base64.b64encode(f"{flow.client_id}:{secret}".encode()).decode()
        headers["HTTP_AUTHORIZATION"] = f"Basic {basic}"
    return client.post(TOKEN, data, **headers)
