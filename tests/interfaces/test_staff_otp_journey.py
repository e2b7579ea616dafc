"""Staff and their authenticator app in a real Chromium, every page checked by axe-core:
linking an app at the first login, and a mistyped code corrected on the code step."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp

from samenbieb.network.models import Organisation
from tests.browser import staff_code
from tests.factories import PASSWORD, StaffRoleFactory
from tests.network.logins import wrong_code

pytestmark = [pytest.mark.browser]


def test_a_new_employee_links_their_app_at_the_first_login(demo_network, live_server, browser_page):
    utrecht = Organisation.objects.get(isil="NL-UtBU")
    StaffRoleFactory(organisation=utrecht, user__username="nieuw", user__password=PASSWORD)
    page = browser_page.page
    browser_page.goto(f"{live_server.url}/balie/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("nieuw")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    browser_page.follow(lambda: page.get_by_role("button", name="Inloggen").click())

    assert "/balie/inloggen/app-koppelen/" in page.url
    qr = page.locator("main img")
    assert qr.evaluate("image => image.complete && image.naturalWidth > 100")
    key = page.locator("#otp-secret").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", key)
    browser_page.screenshot("desk-otp-enrol")

    # The code field has the focus: type what the app shows after typing in the key.
    assert page.locator("input[name=code]").evaluate("field => field === document.activeElement")
    page.keyboard.type(f"{totp(b32decode(key.replace(' ', ''))):06d}")
    browser_page.follow(lambda: page.keyboard.press("Enter"))

    assert page.get_by_role("heading", level=1).inner_text() == "Jouw vestigingen"


def test_a_mistyped_code_is_typed_again_without_the_password(
    demo_network, live_server, browser_page, settings
):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the second try comes at once
    device = TOTPDevice.objects.get(user__username="balie")
    page = browser_page.page
    browser_page.goto(f"{live_server.url}/balie/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("balie")
    page.get_by_label("Wachtwoord").fill("samenbieb-demo")
    page.locator("input[name=code]").fill(wrong_code(device))
    browser_page.follow(lambda: page.get_by_role("button", name="Inloggen").click())

    assert page.get_by_role("alert").is_visible()
    assert page.locator("input[name=password]").count() == 0
    page.locator("input[name=code]").fill(staff_code("balie"))
    browser_page.follow(lambda: page.get_by_role("button", name="Inloggen").click())

    assert page.get_by_role("heading", level=1).inner_text() == "Jouw vestigingen"
