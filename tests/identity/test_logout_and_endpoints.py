"""RP-initiated logout, discovery, and the security of the provider's endpoints."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from samenbieb.identity.models import AccessToken, RefreshToken
from samenbieb.members import auth
from tests.identity.conftest import TOKEN, USERINFO, Flow, code_for, exchange, log_in

pytestmark = pytest.mark.django_db

LOGOUT = reverse("oauth2_provider:rp-initiated-logout")
DISCOVERY = "/.well-known/openid-configuration"
BYE = "http://localhost:8765/bye"


@pytest.fixture
def service(register):
    return register(confidential=False, post_logout_redirect_uris=[BYE]).service


@pytest.fixture
def tokens(client, member, service):
    log_in(client, member)
    flow = Flow(service.client_id)
    return exchange(client, flow, code_for(client, flow)).json()


def test_logout_with_the_members_id_token_ends_the_session_and_returns(
    client, member, service, tokens
):
    response = client.get(
        LOGOUT,
        {"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": BYE, "state": "x1"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{BYE}?state=x1"
    assert auth.SESSION_KEY not in client.session
    # What this service held for the member is revoked.
    assert not AccessToken.objects.filter(user=member, application=service).exists()
    assert not RefreshToken.objects.filter(user=member, revoked=None).exists()
    bearer = f"Bearer {tokens['access_token']}"
    assert client.get(USERINFO, HTTP_AUTHORIZATION=bearer).status_code == 401


def test_logout_only_revokes_the_tokens_of_the_service_that_logs_out(
    client, member, service, tokens, register
):
    other = register(display_name="Leerplatform", confidential=False).service
    flow = Flow(other.client_id)
    other_tokens = exchange(client, flow, code_for(client, flow)).json()
    client.get(LOGOUT, {"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": BYE})
    bearer = f"Bearer {other_tokens['access_token']}"
    assert Client().get(USERINFO, HTTP_AUTHORIZATION=bearer).status_code == 200


def test_logout_without_id_token_asks_the_member_first(client, member, service, tokens):
    response = client.get(LOGOUT, {"client_id": service.client_id, "post_logout_redirect_uri": BYE})
    assert response.status_code == 200
    assert b'id="logout-allow"' in response.content
    assert auth.SESSION_KEY in client.session
    assert "http://localhost:8765" in response["Content-Security-Policy"]
    confirmed = client.post(
        LOGOUT,
        {"client_id": service.client_id, "post_logout_redirect_uri": BYE, "allow": "on"},
    )
    assert confirmed["Location"] == BYE
    assert auth.SESSION_KEY not in client.session


def test_logout_to_an_unregistered_address_is_refused_and_keeps_the_session(
    client, member, service, tokens
):
    response = client.get(
        LOGOUT,
        {"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": "https://evil.example/"},
    )
    assert response.status_code == 400
    assert not response.has_header("Location")
    assert auth.SESSION_KEY in client.session


def test_logout_with_a_forged_id_token_is_refused(client, member, service, tokens):
    header, payload, _signature = tokens["id_token"].split(".")
    response = client.get(LOGOUT, {"id_token_hint": f"{header}.{payload}.AAAA"})
    assert response.status_code == 400
    assert auth.SESSION_KEY in client.session


def test_discovery_describes_what_the_provider_supports(client):
    document = client.get(DISCOVERY).json()
    base = "http://testserver"
    assert document["issuer"] == base
    assert document["authorization_endpoint"] == f"{base}/oidc/authorize/"
    assert document["token_endpoint"] == f"{base}/oidc/token/"
    assert document["userinfo_endpoint"] == f"{base}/oidc/userinfo/"
    assert document["jwks_uri"] == f"{base}/oidc/jwks/"
    assert document["revocation_endpoint"] == f"{base}/oidc/revoke/"
    assert document["end_session_endpoint"] == f"{base}/oidc/logout/"
    assert document["subject_types_supported"] == ["pairwise"]
    assert document["response_types_supported"] == ["code"]
    assert document["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert "RS256" in document["id_token_signing_alg_values_supported"]
    assert set(document["scopes_supported"]) == {
        "openid",
        "profile",
        "email",
        "library",
        "age_band",
        "account",
    }
    assert "birthdate" not in document["claims_supported"]
    assert document["authorization_response_iss_parameter_supported"] is True


def test_the_issuer_can_be_set_for_a_deployment_behind_a_proxy(client, settings):
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_ISS_ENDPOINT": "https://mijn.samenbieb.nl",
    }
    document = client.get(DISCOVERY).json()
    assert document["issuer"] == "https://mijn.samenbieb.nl"
    assert document["token_endpoint"] == "https://mijn.samenbieb.nl/oidc/token/"


def test_only_token_revoke_and_userinfo_do_without_a_csrf_token(member, service):
    strict = Client(enforce_csrf_checks=True)
    token = strict.post(TOKEN, {"grant_type": "authorization_code", "code": "nope"})
    assert token.json()["error"] == "invalid_client"  # an OAuth answer, not a CSRF refusal
    revoke = strict.post(
        reverse("oauth2_provider:revoke-token"), {"token": "nope", "client_id": service.client_id}
    )
    assert revoke.status_code == 200
    assert strict.post(USERINFO).status_code == 401
    assert strict.post(LOGOUT, {"allow": "on"}).status_code == 403
    assert strict.post(Flow(service.client_id).url(), {"decision": "allow"}).status_code == 403


def test_the_endpoints_keep_the_security_headers(client, member, service, tokens):
    for response in (
        client.get(DISCOVERY),
        client.get(reverse("oauth2_provider:jwks-info")),
        client.get(USERINFO, HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}"),
        client.post(TOKEN, {"grant_type": "refresh_token", "refresh_token": "nope"}),
    ):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert "default-src 'self'" in response["Content-Security-Policy"]
    token_response = client.post(
        TOKEN,
        {
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": service.client_id,
        },
    )
    assert token_response.status_code == 200
    assert token_response["Cache-Control"] == "no-store"


def test_a_revoked_access_token_no_longer_opens_userinfo(client, service, tokens):
    response = client.post(
        reverse("oauth2_provider:revoke-token"),
        {"token": tokens["access_token"], "client_id": service.client_id},
    )
    assert response.status_code == 200
    bearer = f"Bearer {tokens['access_token']}"
    assert client.get(USERINFO, HTTP_AUTHORIZATION=bearer).status_code == 401
