"""A staff member without an app links one after the password: QR code or typed key, then
a first code from the app confirms it and logs them in."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from samenbieb.core.models import AuditEvent
from samenbieb.interfaces.desk.views_login import PENDING_KEY, PENDING_SECONDS
from samenbieb.network.errors import SecondFactorCodeWrong
from tests.factories import PASSWORD, totp_code
from tests.network.logins import is_staff_session, log_in, wrong_code

pytestmark = pytest.mark.django_db


def _page(response) -> str:
    return response.content.decode()


def _code_from_page(page: str) -> str:
    """What an app shows after the key on the page was typed into it by hand."""
    key = re.search(r'id="otp-secret">([A-Z2-7 ]+)</code>', page).group(1)
    secret = key.replace(" ", "")
    secret += "=" * (-len(secret) % 8)
    return f"{totp(b32decode(secret)):06d}"


@pytest.fixture
def enrolling(client: Client, staff) -> Client:
    """A staff member without an app, whose password was just accepted."""
    response = log_in(client, staff)
    assert response["Location"] == reverse("desk:login_enrol")
    return client


def test_a_right_password_without_an_app_leads_to_linking_one_not_to_a_login(client: Client, staff):
    response = log_in(client, staff, "123456")  # whatever was typed as a code

    assert response.status_code == 302
    assert response["Location"] == reverse("desk:login_enrol")
    assert not is_staff_session(client)


def test_the_linking_page_shows_a_qr_code_and_the_key_in_groups_and_is_never_cached(
    enrolling: Client, staff
):
    response = enrolling.get(reverse("desk:login_enrol"))

    page = _page(response)
    assert response["Cache-Control"].startswith("max-age=0")
    assert "no-store" in response["Cache-Control"]
    assert f'src="{reverse("desk:login_enrol_qr")}"' in page
    key = re.search(r'id="otp-secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", key)  # 20 bytes: 32 characters
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed


def test_the_qr_code_is_an_svg_of_the_apps_configuration_link(enrolling: Client):
    response = enrolling.get(reverse("desk:login_enrol_qr"))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "no-store" in response["Cache-Control"]
    assert response.content.lstrip().startswith(b"<svg")


def test_reloading_the_page_keeps_the_key_the_app_may_have_scanned(enrolling: Client, staff):
    first = re.search(r'id="otp-secret">(.+?)<', _page(enrolling.get(reverse("desk:login_enrol"))))
    second = re.search(r'id="otp-secret">(.+?)<', _page(enrolling.get(reverse("desk:login_enrol"))))

    assert first.group(1) == second.group(1)
    assert TOTPDevice.objects.filter(user=staff).count() == 1


def test_a_wrong_first_code_does_not_link_the_app(enrolling: Client, staff):
    enrolling.get(reverse("desk:login_enrol"))
    device = TOTPDevice.objects.get(user=staff)

    response = enrolling.post(reverse("desk:login_enrol"), {"code": wrong_code(device)})

    assert str(SecondFactorCodeWrong().message) in _page(response)
    device.refresh_from_db()
    assert not device.confirmed
    assert not is_staff_session(enrolling)
    assert not AuditEvent.objects.filter(event_type="network.staff.otp_enrolled").exists()


def test_the_first_code_from_the_app_links_it_and_logs_in(enrolling: Client, staff):
    page = _page(enrolling.get(reverse("desk:login_enrol")))

    response = enrolling.post(reverse("desk:login_enrol"), {"code": _code_from_page(page)})

    assert response.status_code == 302
    assert response["Location"] == reverse("desk:home")
    assert is_staff_session(enrolling)
    device = TOTPDevice.objects.get(user=staff)
    assert device.confirmed
    enrolled = AuditEvent.objects.get(event_type="network.staff.otp_enrolled")
    assert (enrolled.actor_id, enrolled.object_id) == (staff.pk, str(staff.pk))


def test_after_linking_the_next_login_needs_the_app(enrolling: Client, staff):
    page = _page(enrolling.get(reverse("desk:login_enrol")))
    enrolling.post(reverse("desk:login_enrol"), {"code": _code_from_page(page)})
    device = TOTPDevice.objects.get(user=staff)

    fresh = Client()
    assert log_in(fresh, staff)["Location"] == reverse("desk:login_code")
    log_in(fresh, staff, totp_code(device, steps_ahead=1))
    assert is_staff_session(fresh)


def test_an_account_with_an_app_cannot_link_another_one(client: Client, staff, device):
    log_in(client, staff)  # password only

    response = client.get(reverse("desk:login_enrol"))

    assert response["Location"] == reverse("desk:login_code")
    assert client.get(reverse("desk:login_enrol_qr")).status_code == 404
    assert list(TOTPDevice.objects.filter(user=staff)) == [device]


def test_linking_needs_a_password_checked_in_this_session(client: Client, staff):
    assert client.get(reverse("desk:login_enrol"))["Location"] == reverse("desk:login")
    assert client.get(reverse("desk:login_enrol_qr")).status_code == 404
    assert client.post(reverse("desk:login_code"), {"code": "123456"})["Location"] == reverse(
        "desk:login"
    )
    assert not TOTPDevice.objects.exists()


def test_a_checked_password_is_forgotten_after_ten_minutes(enrolling: Client):
    session = enrolling.session
    session[PENDING_KEY] = {**session[PENDING_KEY], "at": session[PENDING_KEY]["at"] - 601}
    session.save()

    assert PENDING_SECONDS == 600
    assert enrolling.get(reverse("desk:login_enrol"))["Location"] == reverse("desk:login")


def test_a_password_change_voids_a_checked_password(enrolling: Client, staff):
    staff.set_password(PASSWORD + " new")
    staff.save()

    assert enrolling.get(reverse("desk:login_enrol"))["Location"] == reverse("desk:login")


def test_opening_the_login_page_again_forgets_a_half_finished_login(enrolling: Client):
    enrolling.get(reverse("desk:login"))

    assert enrolling.get(reverse("desk:login_enrol"))["Location"] == reverse("desk:login")
