"""Rate limits on every door where guessing or flooding is possible: staff and member
logins (per name and per client address), the OpenID Connect token endpoint, anonymous
bookings of a consultation hour and the public JSON API. Limits are made small here so a
handful of requests reaches them; the counting is the same as in production."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from samenbieb.security import ratelimit
from samenbieb.security.models import RateLimitHit
from tests.factories import PASSWORD, StaffRoleFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

LIMITS = {
    "staff_login": "3/15m",
    "staff_login_address": "6/15m",
    "member_login_address": "4/15m",
    "oidc_token": "3/1m",
    "consult_booking": "2/1h",
    "public_api": "3/1m",
    "harvest": "3/1m",
}


@pytest.fixture(autouse=True)
def small_limits(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, **LIMITS}


def _staff(name: str):
    user = StaffUserFactory(username=name, password=PASSWORD)
    StaffRoleFactory(user=user, role="desk")
    return user


def _desk_login(client: Client, username: str, password: str):
    return client.post(reverse("desk:login"), {"username": username, "password": password})


def _password_accepted(response) -> bool:
    """A right password leads on to the second factor (link an app or type its code)."""
    return response.status_code == 302 and "/inloggen/" in response["Location"]


def test_staff_wrong_passwords_lock_the_user_name_even_for_the_right_password():
    _staff("anna")
    client = Client()
    for _ in range(3):
        assert _desk_login(client, "anna", "wrong password").status_code == 200
    refused = _desk_login(client, "anna", PASSWORD)
    assert not _password_accepted(refused)
    assert "try again after" in refused.content.decode() or "probeer het" in (
        refused.content.decode().lower()
    )


def test_a_right_staff_password_forgives_earlier_failures():
    _staff("bram")
    client = Client()
    for _ in range(2):
        _desk_login(client, "bram", "wrong password")
    assert _password_accepted(_desk_login(client, "bram", PASSWORD))
    for _ in range(2):
        _desk_login(client, "bram", "wrong password")
    assert _password_accepted(_desk_login(Client(), "bram", PASSWORD))


def test_staff_password_spraying_from_one_address_is_stopped():
    _staff("carla")
    client = Client()
    for number in range(6):
        _desk_login(client, f"nobody{number}", "Welkom01!")
    assert not _password_accepted(_desk_login(client, "carla", PASSWORD))
    # Another address is not affected.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert _password_accepted(_desk_login(other, "carla", PASSWORD))


def test_member_logins_from_one_address_are_limited_over_all_names():
    client = Client()
    url = reverse("portal:login")
    for number in range(4):
        client.post(url, {"identifier": f"2000000000{number:04d}", "password": "raden"})
    response = client.post(url, {"identifier": "20000000009999", "password": "raden"})
    assert response.status_code == 200
    assert "try again after" in response.content.decode().lower() or "probeer" in (
        response.content.decode().lower()
    )


def test_the_token_endpoint_answers_429_with_retry_after():
    client = Client()
    url = reverse("oauth2_provider:token")
    statuses = [
        client.post(url, {"grant_type": "authorization_code"}).status_code for _ in range(3)
    ]
    assert 429 not in statuses
    response = client.post(url, {"grant_type": "authorization_code"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["code"] == "rate_limited"


def test_the_public_api_answers_429_as_a_problem():
    client = Client()
    url = reverse("portal:help_near_me_api")
    for _ in range(3):
        assert client.get(url, {"postcode": "1000"}).status_code != 429
    response = client.get(url, {"postcode": "1000"})
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"


def test_an_oai_harvester_over_the_limit_gets_the_protocols_flow_control_503_with_retry_after():
    client = Client()
    url = reverse("oai:oai")
    for _ in range(3):
        assert client.get(url, {"verb": "Identify"}).status_code == 200
    response = client.get(url, {"verb": "Identify"})
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "retry after" in response.content.decode()


def test_an_sru_client_over_the_limit_gets_429_with_retry_after():
    client = Client()
    url = reverse("sru:sru")
    for _ in range(3):
        assert client.get(url).status_code == 200  # explain
    response = client.get(url)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_anonymous_bookings_are_limited_per_address_but_the_page_stays_readable():
    client = Client()
    url = reverse("portal:consult_slot_book", args=[999999])
    for _ in range(2):
        assert client.post(url, {}).status_code == 404  # counted, then refused as unknown
    assert client.post(url, {}).status_code == 429
    assert client.get(url).status_code == 404  # reading is not limited


def test_the_counters_keep_no_names_or_addresses_in_the_clear():
    _desk_login(Client(), "dirk.de.vries", "wrong password")
    keys = list(RateLimitHit.objects.values_list("key", flat=True))
    assert keys
    assert all("dirk" not in key and "127.0.0.1" not in key for key in keys)
    assert all(len(key) == 64 for key in keys)


@pytest.mark.parametrize("spec", ["10/15m", "1/1s", "120/1m", "3/2h", "5/1d"])
def test_limit_specs_parse(spec):
    limit = ratelimit.limit_parse("x", spec)
    assert limit.count >= 1
    assert limit.window.total_seconds() >= 1


@pytest.mark.parametrize("spec", ["lots", "10", "0/1m", "10/0m", "10/1y"])
def test_bad_limit_specs_are_refused(spec):
    with pytest.raises(ValueError, match="COUNT/WINDOW"):
        ratelimit.limit_parse("x", spec)


def test_a_bad_limit_in_the_environment_stops_the_start_with_a_clear_line():
    done = subprocess.run(
        [sys.executable, "-m", "samenbieb.cli", "check"],
        env={**os.environ, "SAMENBIEB_RATE_OIDC_TOKEN": "lots"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "SAMENBIEB_RATE_OIDC_TOKEN" in done.stderr
