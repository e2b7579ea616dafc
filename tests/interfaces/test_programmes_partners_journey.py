"""A partner refers someone from a phone; the library accepts and registers the person, and
refers someone else to a partner from its social map — in a real Chromium, every page
checked by axe-core. Asserts on ids and data attributes: the Dutch texts come later."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samenbieb.network.demo.otp import demo_code
from samenbieb.network.models import Branch, Organisation, StaffUser
from samenbieb.programmes.models import (
    ActivityKind,
    Referral,
    ReferralDirection,
    ReferralStatus,
    RegistrationStatus,
    Theme,
)
from samenbieb.programmes.services import activities

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
PASSWORD = "samenbieb-demo"


@pytest.fixture
def course(demo_network):
    """A published course at Utrecht's central library, next week."""
    utrecht = Organisation.objects.get(isil="NL-UtBU")
    activity = activities.activity_create(
        actor=None,
        organisation=utrecht,
        data=activities.ActivityData(
            kind=ActivityKind.COURSE,
            title="Zelf zaken regelen met de overheid",
            themes=[Theme.objects.get(code="digital_government")],
            branch=Branch.objects.get(organisation=utrecht, code="centrale"),
            capacity=10,
        ),
    )
    start = timezone.localtime() + dt.timedelta(days=7)
    start = start.replace(hour=14, minute=0, second=0, microsecond=0)
    activities.session_add(
        actor=None, activity=activity, starts_at=start, ends_at=start + dt.timedelta(hours=2)
    )
    activities.activity_publish(actor=None, activity=activity)
    return activity


def log_in(browser_page, live_server, username: str) -> None:
    page = browser_page.page
    browser_page.goto(f"{live_server.url}/balie/inloggen/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    # The code the app shows, or the next one when this step's code was used already.
    page.locator("input[name=code]").fill(demo_code(StaffUser.objects.get(username=username)))
    browser_page.follow(lambda: page.locator("input[name=code]").press("Enter"))


def log_out(browser_page) -> None:
    page = browser_page.page
    browser_page.follow(lambda: page.locator("form[action='/balie/uitloggen/'] button").click())


def fits_the_screen(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_a_partner_refers_from_a_phone_and_the_library_accepts_and_registers(
    course, live_server, browser_page
):
    page = browser_page.page
    page.set_viewport_size(PHONE)

    # The municipality's employee logs in on their phone and lands on their own pages.
    log_in(browser_page, live_server, "partner-gemeente")
    assert page.url.endswith("/balie/partner/")
    assert fits_the_screen(page)
    browser_page.screenshot("partner-home-phone")

    browser_page.follow(lambda: page.locator("#partner-refer-link").click())
    page.locator("#id_activity").select_option(str(course.pk))
    page.locator("#id_name").fill("Fatima El Amrani")
    page.locator("#id_phone").fill("06 12345678")
    page.locator("#id_topic").select_option(label="DigiD")
    # Forgot to ask for consent: told so, nothing sent.
    browser_page.follow(lambda: page.locator("#partner-referral-send").click())
    assert page.locator("#partner-referral-form-errors").is_visible()
    assert page.locator("#id_consent_given_error").is_visible()
    assert not Referral.objects.exists()
    assert fits_the_screen(page)
    page.locator("#id_consent_given").check()
    browser_page.screenshot("partner-referral-form-phone")
    browser_page.follow(lambda: page.locator("#partner-referral-send").click())
    assert page.locator("#referral-status [data-status]").get_attribute("data-status") == "sent"
    referral = Referral.objects.get()
    assert referral.partner.name == "Gemeente Utrecht"
    assert referral.consent_text_version
    log_out(browser_page)

    # The library's programme coordinator accepts the referral and registers Fatima.
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(browser_page, live_server, "programma")
    browser_page.follow(lambda: page.locator("#home-referrals-link").click())
    browser_page.follow(lambda: page.locator(f"tr[data-referral='{referral.pk}'] a").click())
    browser_page.follow(lambda: page.locator("#referral-accept-register").click())
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.registration.status == RegistrationStatus.CONFIRMED
    assert referral.registration.name == "Fatima El Amrani"
    assert page.locator("#referral-registration").is_visible()

    # And refers Piet to SeniorWeb from the social map.
    browser_page.goto(f"{live_server.url}/balie/")
    browser_page.follow(lambda: page.locator("#home-partners-link").click())
    browser_page.screenshot("desk-social-map")
    browser_page.follow(
        lambda: page.locator("#partners-list h2 a", has_text="SeniorWeb Utrecht").click()
    )
    browser_page.follow(lambda: page.locator("#partner-refer-link").click())
    page.locator("#id_name").fill("Piet de Vries")
    page.locator("#id_phone").fill("030 1234567")
    page.locator("#id_consent_given").check()
    browser_page.follow(lambda: page.locator("#referral-send").click())
    outgoing = Referral.objects.get(direction=ReferralDirection.OUTGOING)
    assert outgoing.partner.name == "SeniorWeb Utrecht"
    assert page.locator("#referral-status [data-status]").get_attribute("data-status") == "sent"
    log_out(browser_page)

    # Back on the phone, the municipality sees its referral accepted, and nothing of
    # the referral to SeniorWeb.
    page.set_viewport_size(PHONE)
    log_in(browser_page, live_server, "partner-gemeente")
    card = page.locator(f"#partner-incoming [data-referral='{referral.pk}']")
    assert card.locator("[data-status]").get_attribute("data-status") == "accepted"
    assert "Piet de Vries" not in page.locator("main").inner_text()
    browser_page.goto(f"{live_server.url}/balie/partner/verwijzingen/{outgoing.pk}/", status=404)
