"""Journey 5 (issue 11), and issue 8's demonstration, as one journey in a fresh demo network
and a real Chromium, every page passing the harness's checks (axe-core, keyboard, zoom,
phone): the municipality refers someone to Digisterker at Bibliotheek Utrecht; the library registers
the person, who has no account; a participant cancels and the waiting list moves up; the
first session's attendance is recorded; and the municipality follows the referral to
"helped". Asserts on ids and data attributes: the Dutch texts come later."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from samenbieb.network.demo.otp import demo_code
from samenbieb.network.models import Branch, OpeningHours, Organisation, StaffUser
from samenbieb.programmes.models import (
    Activity,
    ActivityKind,
    Attendance,
    Referral,
    ReferralStatus,
    Registration,
    RegistrationStatus,
    Slot,
    Theme,
)
from samenbieb.programmes.services import activities, consultations

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
    browser_page.follow(
        lambda: page.locator("form[action='/balie/uitloggen/'] button").press("Enter")
    )


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


@pytest.fixture
def ido_hour(demo_network) -> Activity:
    """The digital government information point (IDO) at Utrecht's central library: the
    demo's own, or, until the demo has one (helper `consult`), one made here the same way."""
    found = Activity.objects.filter(
        organisation__isil="NL-UtBU",
        kind=ActivityKind.CONSULTATION,
        themes__code="digital_government",
    ).first()
    if found is not None:
        return found
    utrecht = Organisation.objects.get(isil="NL-UtBU")
    centrale = Branch.objects.get(organisation=utrecht, code="centrale")
    hour = activities.activity_create(
        actor=None,
        organisation=utrecht,
        data=activities.ActivityData(
            kind=ActivityKind.CONSULTATION,
            title="Informatiepunt Digitale Overheid",
            themes=[Theme.objects.get(code="digital_government")],
            branch=centrale,
            walk_in=True,
        ),
    )
    activities.activity_publish(actor=None, activity=hour)
    for day in OpeningHours.objects.filter(branch=centrale):
        consultations.schedule_set(
            actor=None,
            activity=hour,
            branch=centrale,
            weekday=day.weekday,
            starts=day.opens,
            ends=(dt.datetime.combine(dt.date.min, day.opens) + dt.timedelta(hours=1)).time(),
            valid_from=timezone.localdate(),
        )
    return hour


def test_issue_8_referral_registration_waiting_list_and_attendance(
    digisterker, ido_hour, live_server, browser_page
):
    page = browser_page.page

    # 1. On her phone, the municipality's employee refers Fatima to Digisterker. The
    #    municipality refers people to this course, so it is offered first.
    page.set_viewport_size(PHONE)
    log_in(browser_page, live_server, "partner-gemeente")
    assert page.url.endswith("/balie/partner/")
    browser_page.follow(lambda: page.locator("#partner-refer-link").press("Enter"))
    first_choice = page.locator("#id_activity option").nth(1).get_attribute("value")
    assert first_choice == str(digisterker.pk)
    page.locator("#id_activity").select_option(str(digisterker.pk))
    page.locator("#id_name").fill("Fatima El Amrani")
    page.locator("#id_phone").fill("06 12345678")
    page.locator("#id_topic").select_option(label="DigiD")
    page.locator("#id_consent_given").press("Space")  # keyboard: Space ticks it
    assert page.locator("#id_consent_given").is_checked()
    browser_page.follow(lambda: page.locator("#partner-referral-send").press("Enter"))
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.SENT
    assert referral.activity == digisterker
    log_out(browser_page)

    # 2. The programme coordinator accepts the referral and registers Fatima, who has no
    #    account. The course is full, so she is first on the waiting list.
    page.set_viewport_size(DESKTOP)
    log_in(browser_page, live_server, "programma")
    browser_page.follow(lambda: page.locator("#home-referrals-link").press("Enter"))
    browser_page.follow(lambda: page.locator(f"tr[data-referral='{referral.pk}'] a").press("Enter"))
    browser_page.follow(lambda: page.locator("#referral-accept-register").press("Enter"))
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
    browser_page.follow(lambda: page.locator(f"#registration-cancel-{leaving.pk}").press("Enter"))
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
    browser_page.follow(lambda: page.locator(f"#attendance-{first.pk}").press("Enter"))
    page.locator(f"#aanwezig-{fatima.pk}").press("Space")  # keyboard: Space ticks it
    assert page.locator(f"#aanwezig-{fatima.pk}").is_checked()
    browser_page.follow(lambda: page.locator("#attendance-form button[type=submit]").press("Enter"))
    assert Attendance.objects.get(registration=fatima, session=first).present is True

    # 5. Fatima came: the referral is marked helped, and the municipality sees that.
    browser_page.goto(f"{live_server.url}/balie/verwijzingen/{referral.pk}/")
    browser_page.follow(lambda: page.locator("#referral-to-helped").press("Enter"))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.HELPED
    log_out(browser_page)
    page.set_viewport_size(PHONE)
    log_in(browser_page, live_server, "partner-gemeente")
    card = page.locator(f"#partner-incoming [data-referral='{referral.pk}']")
    assert card.locator("[data-status]").get_attribute("data-status") == "helped"
    browser_page.screenshot("partner-referral-helped-phone")

    log_out(browser_page)

    # 6. Anyone looking for help with the government online, from postcode 3511, finds the
    #    information point at the central library and its next free time first.
    browser_page.goto(f"{live_server.url}/hulp-in-de-buurt/")
    page.locator("#id_waar").fill("3511")
    page.locator("#id_thema").select_option("digital_government")
    browser_page.follow(lambda: page.locator("#help-near-me-search").press("Enter"))
    next_slot = (
        Slot.objects.filter(activity=ido_hour, starts_at__gt=timezone.now())
        .exclude(appointments__status="booked")
        .order_by("starts_at")
        .first()
    )
    assert next_slot is not None
    branch_card = page.locator(f"#help-results [data-branch='{next_slot.branch_id}']")
    assert branch_card.locator(".slot-link").first.get_attribute("data-slot") == str(next_slot.pk)
    browser_page.screenshot("help-near-me-ido-phone")
