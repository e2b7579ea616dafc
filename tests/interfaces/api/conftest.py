"""The REST API's tests: a small network (tests/circulation), members with real OIDC access
tokens from the real authorization code flow (tests/identity), and staff API tokens."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import Client

from samenbieb.interfaces.api.services import api_token_create
from tests.circulation import conftest as circulation_fixtures
from tests.circulation.conftest import Network
from tests.factories import StaffRoleFactory
from tests.identity import conftest as identity_fixtures
from tests.identity.conftest import Flow, code_for, exchange, log_in, make_member

# The fixtures of tests/circulation (a small network) and tests/identity (connected services).
network = circulation_fixtures.network
register = identity_fixtures.register

API = "/api/v1"
PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(django_db_blocker):
    """Rate-limit counters live in a cache table that flushes between tests do not empty."""
    with django_db_blocker.unblock():
        caches["api"].clear()
    yield
    with django_db_blocker.unblock():
        caches["api"].clear()


@pytest.fixture
def api() -> Client:
    return Client()


def member_token(person, register, *, scopes: str = "openid account") -> str:
    """An access token for ``person`` through the authorization code flow with PKCE: the
    member logs in, agrees on the consent screen, and the service redeems the code."""
    registered = register(scopes=scopes.split(), confidential=False)
    browser = Client()
    flow = Flow(client_id=registered.service.client_id, scope=scopes)
    log_in(browser, person)
    response = exchange(browser, flow, code_for(browser, flow))
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def anna(network: Network):
    """A member of library A with card 20000000004321 and a valid membership."""
    return make_member(card="20000000004321", home_organisation=network.a, given_name="Anna")


@pytest.fixture
def staff_token(network: Network):
    """``staff_token(organisation, capabilities=…)``: a desk employee's token there."""

    def make(organisation, capabilities=("network.view", "circulation.lend"), role="desk"):
        user = StaffRoleFactory(organisation=organisation, role=role).user
        return api_token_create(
            actor=user, organisation=organisation, name="Website", capabilities=capabilities
        ).secret

    return make
