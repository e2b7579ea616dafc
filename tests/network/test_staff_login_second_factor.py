"""Staff log in with a password and a code from their authenticator app (TOTP)."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from samenbieb.core.models import AuditEvent
from samenbieb.network.errors import SecondFactorCodeWrong, SecondFactorThrottled
from tests.factories import PASSWORD, totp_code
from tests.network.logins import is_staff_session, log_in, wrong_code

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    return response.content.decode()


def _wrong_code_message() -> str:
    return str(SecondFactorCodeWrong().message)


def test_the_login_form_asks_for_the_code_from_the_app(client: Client):
    form = _page(client.get(reverse("desk:login")))

    assert 'name="code"' in form
    assert 'autocomplete="one-time-code"' in form
    assert 'inputmode="numeric"' in form


def test_a_right_password_and_code_on_one_form_log_in(client: Client, staff, device):
    response = log_in(client, staff, totp_code(device))

    assert response.status_code == 302
    assert response["Location"] == reverse("desk:home")
    assert is_staff_session(client)


def test_a_right_password_without_a_code_does_not_log_in_but_asks_for_the_code(
    client: Client, staff, device
):
    response = log_in(client, staff, "")

    assert response.status_code == 302
    assert response["Location"] == reverse("desk:login_code")
    assert "_auth_user_id" not in client.session
    assert not is_staff_session(client)
    page = _page(client.get(reverse("desk:login_code")))
    assert staff.username in page
    assert 'name="code"' in page
    assert 'name="password"' not in page


def test_the_code_step_logs_in_and_goes_where_the_login_was_asked_for(
    client: Client, staff, device
):
    log_in(client, staff, "", next_url="/balie/exemplaren/")

    response = client.post(reverse("desk:login_code"), {"code": totp_code(device)})

    assert response.status_code == 302
    assert response["Location"] == "/balie/exemplaren/"
    assert is_staff_session(client)


def test_a_wrong_code_is_refused_with_an_explanation(client: Client, staff, device, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the retry below comes at once
    response = log_in(client, staff, wrong_code(device))

    assert response.status_code == 200
    assert _wrong_code_message() in _page(response)
    assert 'role="alert"' in _page(response)
    assert not is_staff_session(client)
    # The code can be typed again without the password: the form posts to the code step.
    assert f'action="{reverse("desk:login_code")}"' in _page(response)
    retry = client.post(reverse("desk:login_code"), {"code": wrong_code(device)})
    assert _wrong_code_message() in _page(retry)


def test_a_wrong_password_is_refused_before_any_code_is_tried(client: Client, staff, device):
    response = client.post(
        reverse("desk:login"),
        {"username": staff.username, "password": "not the password", "code": totp_code(device)},
    )

    assert response.status_code == 200
    assert 'name="password"' in _page(response)
    assert not is_staff_session(client)
    device.refresh_from_db()
    assert device.last_t == -1  # the code was never checked, so it is still unused


def test_a_code_that_is_not_six_digits_is_explained(client: Client, staff, device):
    response = log_in(client, staff, "12345")

    assert response.status_code == 200
    assert gettext("The code has 6 digits. Type the code your app shows now.") in _page(response)
    assert not is_staff_session(client)
    device.refresh_from_db()
    assert device.throttling_failure_count == 0  # a typo in the format costs no try


def test_a_code_with_a_space_in_the_middle_is_accepted(client: Client, staff, device):
    code = totp_code(device)

    log_in(client, staff, f"{code[:3]} {code[3:]}")

    assert is_staff_session(client)


def test_a_code_is_accepted_only_once(client: Client, staff, device):
    code = totp_code(device)
    log_in(client, staff, code)
    assert is_staff_session(client)
    client.post(reverse("desk:logout"))

    replay = log_in(client, staff, code)

    assert replay.status_code == 200
    assert _wrong_code_message() in _page(replay)
    assert not is_staff_session(client)


def test_wrong_codes_slow_down_further_tries_even_with_the_right_code(
    client: Client, staff, device, settings
):
    # A wrong code locks the device for 1, 2, 4 … seconds times this factor; a large factor
    # keeps the test independent of how fast it runs.
    settings.OTP_TOTP_THROTTLE_FACTOR = 600
    log_in(client, staff, wrong_code(device))

    response = client.post(reverse("desk:login_code"), {"code": totp_code(device)})

    device.refresh_from_db()
    retry_at = device.throttling_failure_timestamp + dt.timedelta(seconds=600)
    assert response.status_code == 200
    assert str(SecondFactorThrottled(retry_at).message) in _page(response)
    assert not is_staff_session(client)
    assert device.throttling_failure_count == 1  # tries while locked are not even checked


def test_the_lock_grows_with_every_wrong_code_in_a_row(client: Client, staff, device, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no waiting between the tries of this test
    for _ in range(3):
        log_in(client, staff, wrong_code(device))
    device.refresh_from_db()
    assert device.throttling_failure_count == 3

    settings.OTP_TOTP_THROTTLE_FACTOR = 100
    allowed, why = device.verify_is_allowed()
    assert not allowed
    # 1, 2, then 4 times the factor in seconds after the third wrong code in a row.
    assert (why["locked_until"] - device.throttling_failure_timestamp).total_seconds() == 400


def test_a_right_code_resets_the_count_of_wrong_ones(client: Client, staff, device, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    log_in(client, staff, wrong_code(device))

    log_in(client, staff, totp_code(device))

    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert is_staff_session(client)


def test_wrong_codes_are_audited_and_logged_without_personal_data(
    client: Client, staff, device, caplog
):
    staff.first_name, staff.email = "Bram", "bram@example.org"
    staff.save()
    with caplog.at_level(logging.WARNING, logger="samenbieb.network.second_factor"):
        log_in(client, staff, wrong_code(device))

    refused = AuditEvent.objects.get(event_type="network.staff.otp_refused")
    assert refused.object_id == str(staff.pk)
    assert refused.details == {"step": "login", "failures_in_a_row": 1}
    # The log says that it happens, never who: no name, user name, address or account id.
    assert [record.getMessage() for record in caplog.records] == [
        "Staff second factor: wrong code at login, 1 in a row for that device"
    ]
    for personal in (staff.username, "Bram", "bram@example.org", PASSWORD):
        assert personal not in caplog.text


def test_an_inactive_account_gets_no_code_step(client: Client, staff, device):
    staff.is_active = False
    staff.save()

    response = log_in(client, staff, totp_code(device))

    assert response.status_code == 200
    assert not is_staff_session(client)


def test_a_logged_in_staff_member_skips_the_login_page(client: Client, staff, device):
    log_in(client, staff, totp_code(device))

    response = client.get(reverse("desk:login") + "?next=/balie/leden/")

    assert response.status_code == 302
    assert response["Location"] == "/balie/leden/"


def test_the_login_never_redirects_to_another_site(client: Client, staff, device):
    response = log_in(client, staff, totp_code(device), next_url="https://evil.example/")

    assert response["Location"] == reverse("desk:home")
