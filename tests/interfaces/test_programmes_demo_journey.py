"""Issue 8's demonstration as one journey in a real Chromium, every page checked by axe-core:
the municipality refers someone to Digisterker at Bibliotheek Utrecht; the library registers
the person, who has no account; a participant cancels and the waiting list moves up; the
first session's attendance is recorded; and the municipality follows the referral to
"helped". Asserts on ids and data attributes: the Dutch texts come later."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samenbieb.network.demo.otp import demo_code
from samenbieb.network.models import StaffUser
from samenbieb.programmes.models import (
    Activity,
    Attendance,
    Referral,
    ReferralStatus,
    Registration,
    RegistrationStatus,
)
from samenbieb.programmes.services import activities

pytestmark = [pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "samenbieb-demo"


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


@pytest.fixture
def digisterker(demo_network) -> Activity:
    """Utrecht's Digisterker course from the demo, every place taken already."""
    course = Activity.objects.get(organisation__isil="NL-UtBU", programme__code="digisterker")
    for number in range(course.capacity - course.registrations.count()):
        activities.registration_create(
            actor=None,
            activity=course,
            name=f"Deelnemer {number + 1}",
            phone=f"06 1000 00{number:02d}",
            via="desk",
        )
    assert not course.registrations.filter(status=RegistrationStatus.WAITING).exists()
    return course


def test_issue_8_referral_registration_waiting_list_and_attendance(
    digisterker, live_server, browser_page
):
    page = browser_page.page

    # 1. On her phone, the municipality's employee refers Fatima to Digisterker. The
    #    municipality refers people to this course, so it is offered first.
    page.set_viewport_size(PHONE)
    log_in(browser_page, live_server, "partner-gemeente")
    assert page.url.endswith("/balie/partner/")
    browser_page.follow(lambda: page.locator("#partner-refer-link").click())
    first_choice = page.locator("#id_activity option").nth(1).get_attribute("value")
    assert first_choice == str(digisterker.pk)
    page.locator("#id_activity").select_option(str(digisterker.pk))
    page.locator("#id_name").fill("Fatima El Amrani")
    page.locator("#id_phone").fill("06 12345678")
    page.locator("#id_topic").select_option(label="DigiD")
    page.locator("#id_consent_given").check()
    browser_page.follow(lambda: page.locator("#partner-referral-send").click())
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.SENT
    assert referral.activity == digisterker
    log_out(browser_page)

    # 2. The programme coordinator accepts the referral and registers Fatima, who has no
    #    account. The course is full, so she is first on the waiting list.
    page.set_viewport_size(DESKTOP)
    log_in(browser_page, live_server, "programma")
    browser_page.follow(lambda: page.locator("#home-referrals-link").click())
    browser_page.follow(lambda: page.locator(f"tr[data-referral='{referral.pk}'] a").click())
    browser_page.follow(lambda: page.locator("#referral-accept-register").click())
    referral.refresh_from_db()
    fatima = referral.registration
    assert referral.status == ReferralStatus.ACCEPTED
    assert fatima.person is None
    assert fatima.status == RegistrationStatus.WAITING
    assert fatima.via == "referral"

    # 3. A participant cancels at the desk; the waiting list moves up and Fatima has a place.
    browser_page.goto(f"{live_server.url}/balie/activiteiten/{digisterker.pk}/")
    assert "Fatima El Amrani" in page.locator("#registrations-waiting").inner_text()
    leaving = Registration.objects.get(activity=digisterker, name="Deelnemer 1")
    browser_page.follow(lambda: page.locator(f"#registration-cancel-{leaving.pk}").click())
    fatima.refresh_from_db()
    assert fatima.status == RegistrationStatus.CONFIRMED
    assert fatima.promoted_at is not None
    browser_page.goto(f"{live_server.url}/balie/activiteiten/{digisterker.pk}/")
    assert "Fatima El Amrani" in page.locator("#registrations-confirmed").inner_text()

    # 4. The day of the first session: the coordinator records who came. (The demo plans
    #    the course days ahead; the session is moved to now instead of waiting for it.)
    first = digisterker.sessions.order_by("starts_at").first()
    now = timezone.now()
    type(first).objects.filter(pk=first.pk).update(
        starts_at=now - dt.timedelta(minutes=1), ends_at=now + dt.timedelta(hours=2)
    )
    browser_page.goto(f"{live_server.url}/balie/activiteiten/{digisterker.pk}/")
    browser_page.follow(lambda: page.locator(f"#attendance-{first.pk}").click())
    page.locator(f"#aanwezig-{fatima.pk}").check()
    browser_page.follow(lambda: page.locator("#attendance-form button[type=submit]").click())
    assert Attendance.objects.get(registration=fatima, session=first).present is True

    # 5. Fatima came: the referral is marked helped, and the municipality sees that.
    browser_page.goto(f"{live_server.url}/balie/verwijzingen/{referral.pk}/")
    browser_page.follow(lambda: page.locator("#referral-to-helped").click())
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.HELPED
    log_out(browser_page)
    page.set_viewport_size(PHONE)
    log_in(browser_page, live_server, "partner-gemeente")
    card = page.locator(f"#partner-incoming [data-referral='{referral.pk}']")
    assert card.locator("[data-status]").get_attribute("data-status") == "helped"
    browser_page.screenshot("partner-referral-helped-phone")

    # 6. "Help near me" for a postcode shows the next IDO slot: helper `consult`'s portal
    #    page, added here when that branch is merged.
