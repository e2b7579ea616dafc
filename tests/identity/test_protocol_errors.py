"""Requests a connected service gets wrong, and what it is told (RFC 6749, RFC 7636, OIDC).

An error about the client or its redirect URI is shown to the member and never
redirected; any other error goes back to the registered redirect URI with a standard
code. Token endpoint errors are JSON with the standard codes.
"""

from __future__ import annotations

import base64

import pytest
from django.utils import timezone

from samenbieb.identity.models import AccessToken, Grant, RefreshToken
from tests.factories import PASSWORD, StaffUserFactory
from tests.identity.conftest import (
    TOKEN,
    USERINFO,
    Flow,
    code_for,
    exchange,
    log_in,
    query_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def confidential(register):
    return register(scopes=["openid", "email"])


@pytest.fixture
def public(register):
    return register(display_name="Leerplatform", scopes=["openid"], confidential=False).service


@pytest.fixture
def logged_in(client, member):
    log_in(client, member)
    return client


def _error_redirect(response) -> dict[str, str]:
    assert response.status_code == 302, response.status_code
    return query_of(response["Location"])


# --- authorization requests -------------------------------------------------------------


def test_an_unregistered_redirect_uri_is_never_redirected_to(logged_in, public):
    response = logged_in.get(Flow(public.client_id).url(redirect_uri="https://evil.example/cb"))
    assert response.status_code == 400
    assert not response.has_header("Location")
    assert b'id="oauth-error"' in response.content


def test_an_unknown_client_gets_an_error_page(logged_in):
    response = logged_in.get(Flow("no-such-client").url())
    assert response.status_code in (400, 401)
    assert not response.has_header("Location")


def test_a_duplicated_parameter_is_a_fatal_malformed_request(logged_in, public):
    url = Flow(public.client_id).url() + f"&client_id={public.client_id}"
    response = logged_in.get(url)
    assert response.status_code == 400
    assert b"invalid_request" in response.content


def test_a_missing_response_type_is_invalid_request(logged_in, public):
    answer = _error_redirect(logged_in.get(Flow(public.client_id).url(response_type=None)))
    assert answer["error"] == "invalid_request"


@pytest.mark.parametrize("response_type", ["token", "id_token", "code id_token"])
def test_implicit_and_hybrid_responses_are_refused(logged_in, public, response_type):
    response = logged_in.get(Flow(public.client_id).url(response_type=response_type))
    answer = query_of(response["Location"]) if response.has_header("Location") else {}
    assert "code" not in answer
    assert "access_token" not in response.get("Location", "")
    assert answer.get("error") in {"unauthorized_client", "unsupported_response_type"}


def test_a_public_client_without_pkce_is_refused(logged_in, public):
    answer = _error_redirect(
        logged_in.get(Flow(public.client_id).url(code_challenge=None, code_challenge_method=None))
    )
    assert answer["error"] == "invalid_request"
    assert answer["state"] == "state-1234"


def test_a_confidential_client_without_pkce_is_refused_too(logged_in, confidential):
    flow = Flow(confidential.service.client_id)
    answer = _error_redirect(
        logged_in.get(flow.url(code_challenge=None, code_challenge_method=None))
    )
    assert answer["error"] == "invalid_request"


def test_the_plain_pkce_method_is_refused(logged_in, public):
    flow = Flow(public.client_id)
    answer = _error_redirect(
        logged_in.get(flow.url(code_challenge=flow.verifier, code_challenge_method="plain"))
    )
    assert answer["error"] == "invalid_request"


def test_asking_for_a_scope_the_service_is_not_registered_for_is_invalid_scope(logged_in, public):
    answer = _error_redirect(logged_in.get(Flow(public.client_id, scope="openid email").url()))
    assert answer["error"] == "invalid_scope"
    assert answer["state"] == "state-1234"


def test_an_unknown_scope_is_invalid_scope(logged_in, public):
    answer = _error_redirect(logged_in.get(Flow(public.client_id, scope="openid birthdate").url()))
    assert answer["error"] == "invalid_scope"


def test_a_deactivated_service_cannot_log_anyone_in(logged_in, public):
    public.is_active = False
    public.save()
    response = logged_in.get(Flow(public.client_id).url())
    assert "code" not in query_of(response.get("Location", ""))


# --- token requests ---------------------------------------------------------------------


def test_a_wrong_code_verifier_is_invalid_grant(logged_in, public):
    flow = Flow(public.client_id)
    code = code_for(logged_in, flow)
    response = exchange(logged_in, flow, code, code_verifier="x" * 50)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_missing_code_verifier_is_invalid_request(logged_in, public):
    flow = Flow(public.client_id)
    code = code_for(logged_in, flow)
    response = exchange(logged_in, flow, code, code_verifier=None)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_a_code_works_once_and_its_reuse_revokes_the_tokens_it_bought(logged_in, member, public):
    flow = Flow(public.client_id)
    code = code_for(logged_in, flow)
    first = exchange(logged_in, flow, code)
    assert first.status_code == 200
    tokens = first.json()
    second = exchange(logged_in, flow, code)
    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"}
    assert logged_in.get(USERINFO, **bearer).status_code == 401
    refreshed = logged_in.post(
        TOKEN,
        {
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": public.client_id,
        },
    )
    assert refreshed.json()["error"] == "invalid_grant"
    assert not AccessToken.objects.filter(user=member).exists()


def test_a_code_is_bound_to_its_redirect_uri(logged_in, public):
    flow = Flow(public.client_id)
    code = code_for(logged_in, flow)
    response = exchange(logged_in, flow, code, redirect_uri="http://localhost:8765/other")
    assert response.json()["error"] in {"invalid_grant", "invalid_request"}


def test_an_expired_code_is_invalid_grant(logged_in, public):
    flow = Flow(public.client_id)
    code = code_for(logged_in, flow)
    Grant.objects.update(expires=timezone.now())
    assert exchange(logged_in, flow, code).json()["error"] == "invalid_grant"


def test_a_confidential_client_with_a_wrong_secret_is_invalid_client(logged_in, confidential):
    flow = Flow(confidential.service.client_id)
    code = code_for(logged_in, flow)
    response = exchange(logged_in, flow, code, secret="wrong")
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert exchange(logged_in, flow, code, secret=confidential.client_secret).status_code == 200


def test_client_credentials_are_not_allowed(client, confidential):
    basic = base64.b64encode(
        f"{confidential.service.client_id}:{confidential.client_secret}".encode()
    ).decode()
    response = client.post(
        TOKEN, {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}"
    )
    assert response.status_code in (400, 401)
    assert response.json()["error"] == "unauthorized_client"


def test_the_password_grant_tells_nothing_about_a_staff_password(client, public):
    """DOT would check the password against Django's auth backends: staff accounts."""
    StaffUserFactory(username="beheerder", password=PASSWORD)

    def attempt(password: str):
        return client.post(
            TOKEN,
            {
                "grant_type": "password",
                "username": "beheerder",
                "password": password,
                "client_id": public.client_id,
            },
        )

    right, wrong = attempt(PASSWORD), attempt("not the password")
    assert right.status_code == wrong.status_code == 400
    assert right.json() == wrong.json()
    assert right.json()["error"] == "invalid_grant"


def test_a_token_request_without_grant_type_is_malformed(client):
    response = client.post(TOKEN, {"code": "x"})
    assert response.status_code == 400
    assert response.json()["error"] in {"unsupported_grant_type", "invalid_request"}


def test_the_token_endpoint_answers_only_post(client):
    assert client.get(TOKEN).status_code == 405


# --- access tokens ----------------------------------------------------------------------


def test_an_expired_access_token_gets_401_invalid_token_at_userinfo(logged_in, member, public):
    flow = Flow(public.client_id)
    tokens = exchange(logged_in, flow, code_for(logged_in, flow)).json()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"}
    assert logged_in.get(USERINFO, **bearer).status_code == 200
    AccessToken.objects.filter(user=member).update(expires=timezone.now())
    response = logged_in.get(USERINFO, **bearer)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


def test_an_access_token_in_the_query_string_is_not_accepted(logged_in, public):
    flow = Flow(public.client_id)
    tokens = exchange(logged_in, flow, code_for(logged_in, flow)).json()
    assert logged_in.get(USERINFO, {"access_token": tokens["access_token"]}).status_code == 401


def test_tokens_are_stored_only_as_checksums(logged_in, member, public):
    flow = Flow(public.client_id)
    tokens = exchange(logged_in, flow, code_for(logged_in, flow)).json()
    stored = AccessToken.objects.get(user=member)
    assert stored.token == ""
    assert tokens["access_token"] not in stored.token_checksum
    assert RefreshToken.objects.get(user=member).token == ""


def test_a_refresh_token_rotates_and_a_replayed_one_revokes_the_family(logged_in, public):
    flow = Flow(public.client_id)
    tokens = exchange(logged_in, flow, code_for(logged_in, flow)).json()

    def refresh(token: str):
        return logged_in.post(
            TOKEN,
            {"grant_type": "refresh_token", "refresh_token": token, "client_id": public.client_id},
        )

    renewed = refresh(tokens["refresh_token"])
    assert renewed.status_code == 200
    new = renewed.json()
    assert new["refresh_token"] != tokens["refresh_token"]
    assert refresh(tokens["refresh_token"]).json()["error"] == "invalid_grant"
    # Replay detected: the whole family is revoked, the newest refresh token included.
    assert refresh(new["refresh_token"]).json()["error"] == "invalid_grant"


def test_refresh_is_refused_once_the_membership_has_lapsed(logged_in, member, public):
    flow = Flow(public.client_id)
    tokens = exchange(logged_in, flow, code_for(logged_in, flow)).json()
    member.memberships.update(ends_on=timezone.localdate() - timezone.timedelta(days=1))
    response = logged_in.post(
        TOKEN,
        {
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": public.client_id,
        },
    )
    assert response.json()["error"] == "invalid_grant"


def test_a_refresh_cannot_widen_the_scopes(client, member, register):
    service = register(scopes=["openid", "email"], confidential=False).service
    log_in(client, member)
    flow = Flow(service.client_id)
    tokens = exchange(client, flow, code_for(client, flow)).json()
    response = client.post(
        TOKEN,
        {
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": service.client_id,
            "scope": "openid email",
        },
    )
    assert response.json()["error"] == "invalid_scope"


def test_a_switched_off_account_loses_userinfo_at_once(logged_in, member, public):
    flow = Flow(public.client_id)
    tokens = exchange(logged_in, flow, code_for(logged_in, flow)).json()
    member.is_active = False
    member.save()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {tokens['access_token']}"}
    assert logged_in.get(USERINFO, **bearer).status_code == 401
