"""The ID token signing key: generated privately once, rotated without breaking tokens."""

from __future__ import annotations

import base64
import io
import json
import stat

import pytest
from django.core.management import call_command
from django.urls import reverse
from oauth2_provider.utils import jwk_from_pem

from samenbieb.config.env import (
    ConfigError,
    Environment,
    oidc_key_dir,
    oidc_pairwise_key,
    oidc_signing_keys,
)
from samenbieb.core.models import AuditEvent
from samenbieb.members import auth
from tests.identity.conftest import Flow, code_for, exchange, log_in, query_of
from tests.identity.jose import JsonWebKey, jwt

JWKS = reverse("oauth2_provider:jwks-info")
LOGOUT = reverse("oauth2_provider:rp-initiated-logout")


def _use_keys(settings, key_dir) -> None:
    """What a restarted server reads from the key folder."""
    keys = oidc_signing_keys(key_dir)
    settings.OAUTH2_PROVIDER = {
        **settings.OAUTH2_PROVIDER,
        "OIDC_RSA_PRIVATE_KEY": keys.active,
        "OIDC_RSA_PRIVATE_KEYS_INACTIVE": keys.inactive,
    }


def _kid(id_token: str) -> str:
    header = id_token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"]


def test_keys_are_generated_once_and_readable_by_their_owner_only(tmp_path):
    env = Environment({"SAMENBIEB_OIDC_KEY_DIR": str(tmp_path / "oidc")})
    folder = oidc_key_dir(env, tmp_path)
    first = oidc_signing_keys(folder)
    assert oidc_signing_keys(folder) == first
    assert "PRIVATE KEY" in first.active
    assert first.inactive == []
    pairwise = oidc_pairwise_key(env, folder)
    assert oidc_pairwise_key(env, folder) == pairwise
    for path in (folder / "signing-key.pem", folder / "pairwise-key"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_a_deployment_that_requires_secrets_must_set_the_pairwise_key(tmp_path):
    env = Environment({"SAMENBIEB_REQUIRE_SECRET_KEY": "true"})
    with pytest.raises(ConfigError, match="SAMENBIEB_OIDC_PAIRWISE_KEY"):
        oidc_pairwise_key(env, tmp_path)
    given = Environment(
        {"SAMENBIEB_REQUIRE_SECRET_KEY": "true", "SAMENBIEB_OIDC_PAIRWISE_KEY": "p" * 40}
    )
    assert oidc_pairwise_key(given, tmp_path) == "p" * 40


@pytest.mark.django_db
def test_a_token_signed_before_a_key_rotation_still_validates_against_the_jwks(
    client, member, register, settings, tmp_path
):
    settings.OIDC_KEY_DIR = tmp_path
    (tmp_path / "inactive").mkdir()
    _use_keys(settings, tmp_path)
    old_kid = jwk_from_pem(oidc_signing_keys(tmp_path).active).thumbprint()
    service = register(
        confidential=False, post_logout_redirect_uris=["http://localhost:8765/bye"]
    ).service
    log_in(client, member)
    flow = Flow(service.client_id)
    before = exchange(client, flow, code_for(client, flow)).json()["id_token"]
    assert _kid(before) == old_kid

    output = io.StringIO()
    call_command("oidc_rotate_key", stdout=output)
    _use_keys(settings, tmp_path)

    rotated = oidc_signing_keys(tmp_path)
    new_kid = jwk_from_pem(rotated.active).thumbprint()
    assert new_kid != old_kid
    assert [jwk_from_pem(pem).thumbprint() for pem in rotated.inactive] == [old_kid]
    assert f"active key     {new_kid}" in output.getvalue()
    assert AuditEvent.objects.filter(event_type="identity.signing_key.rotated").exists()

    published = client.get(JWKS).json()
    assert {key["kid"] for key in published["keys"]} == {old_kid, new_kid}
    assert all("d" not in key for key in published["keys"]), "a private part is published"
    keys = JsonWebKey.import_key_set(published)
    assert jwt.decode(before, keys)["aud"] == service.client_id

    later = Flow(service.client_id)
    after = exchange(client, later, code_for(client, later)).json()["id_token"]
    assert _kid(after) == new_kid
    assert jwt.decode(after, keys)["aud"] == service.client_id

    # An ID token signed with the old key still identifies the member at logout.
    response = client.get(
        LOGOUT,
        {
            "id_token_hint": before,
            "post_logout_redirect_uri": "http://localhost:8765/bye",
            "state": "s",
        },
    )
    assert response.status_code == 302
    assert query_of(response["Location"]) == {"state": "s"}
    assert auth.SESSION_KEY not in client.session
