"""The demo keeps the second factor on and prints a way in: each demo account's public key,
and `samenbieb staff-otp-code USERNAME`, which refuses every account the demo did not make."""

from __future__ import annotations

import io
import re
from base64 import b32decode

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from samenbieb.network.demo.data import DEMO_PASSWORD, STAFF
from samenbieb.network.demo.otp import DEMO_DEVICE_NAME, demo_key
from samenbieb.network.models import StaffUser
from tests.factories import StaffUserFactory, TOTPDeviceFactory

pytestmark = pytest.mark.django_db

KEY_LINE = re.compile(r"^\s+(?P<username>\S+)\s+key (?P<key>(?:[A-Z2-7]{4} ?){8})$")


@pytest.fixture
def demo_output(fast_password_hashing) -> str:
    output = io.StringIO()
    call_command("demo", stdout=output)
    return output.getvalue()


def _printed_keys(output: str) -> dict[str, str]:
    return {
        match["username"]: match["key"].replace(" ", "")
        for line in output.splitlines()
        if (match := KEY_LINE.match(line))
    }


def _code(username: str) -> str:
    output = io.StringIO()
    call_command("staff_otp_code", username, stdout=output)
    return output.getvalue().strip()


def _log_in(client: Client, username: str, code: str):
    return client.post(
        reverse("desk:login"), {"username": username, "password": DEMO_PASSWORD, "code": code}
    )


def test_the_demo_prints_a_key_for_every_staff_account(demo_output):
    assert set(_printed_keys(demo_output)) == {row[0] for row in STAFF}
    assert "samenbieb staff-otp-code USERNAME" in demo_output


def test_a_printed_key_typed_into_an_app_logs_in_with_the_printed_password(
    demo_output, client: Client
):
    key = _printed_keys(demo_output)["balie"]
    code = f"{totp(b32decode(key)):06d}"

    response = _log_in(client, "balie", code)

    assert response["Location"] == reverse("desk:home")
    assert client.get(reverse("desk:home")).status_code == 200


def test_the_code_command_prints_a_code_that_logs_in(demo_output, client: Client):
    code = _code("beheerder")

    assert re.fullmatch(r"\d{6}", code)
    _log_in(client, "beheerder", code)
    assert client.get(reverse("admin:index")).status_code == 200


def test_right_after_a_login_the_code_command_gives_the_next_usable_code(
    demo_output, client: Client
):
    _log_in(client, "balie", _code("balie"))
    client.post(reverse("desk:logout"))

    _log_in(client, "balie", _code("balie"))

    assert client.get(reverse("desk:home")).status_code == 200


def test_the_code_command_refuses_accounts_the_demo_did_not_make(db):
    linked = TOTPDeviceFactory(user=StaffUserFactory(username="jan")).user
    with pytest.raises(CommandError, match="demo"):
        _code(linked.username)


def test_the_code_command_refuses_a_device_that_only_borrows_the_demo_name(db):
    # An app linked with a random key stays secret, whatever someone named its device.
    device = TOTPDeviceFactory(user=StaffUserFactory(username="balie"), name=DEMO_DEVICE_NAME)
    assert device.key != demo_key("balie")

    with pytest.raises(CommandError, match="demo"):
        _code("balie")


def test_the_code_command_refuses_the_demo_key_under_another_name(db):
    user = StaffUserFactory(username="balie")
    TOTPDeviceFactory(user=user, key=demo_key("balie"), name="Authenticator app")

    with pytest.raises(CommandError, match="demo"):
        _code("balie")


def test_the_code_command_refuses_an_unknown_account(db):
    with pytest.raises(CommandError, match="No staff account"):
        _code("niemand")


def test_with_the_second_factor_off_the_demo_says_the_password_is_enough(
    fast_password_hashing, settings
):
    settings.STAFF_OTP_REQUIRED = False
    output = io.StringIO()
    call_command("demo", stdout=output)

    assert "SAMENBIEB_STAFF_OTP=off" in output.getvalue()
    assert not _printed_keys(output.getvalue())
    # The apps are linked all the same, so switching the second factor on keeps a way in.
    assert all(user.totpdevice_set.filter(confirmed=True) for user in StaffUser.objects.all())
