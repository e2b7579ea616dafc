"""Journey 4 (issue 11), in a fresh demo network and a real Chromium on a phone-sized screen
(360 px wide): someone without an account finds the IDO (digital government information
point) near postcode 3511 with "help near me" and books a time for DigiD. Every page
passes the harness's checks (axe-core, keyboard, zoom, phone)."""

from __future__ import annotations

import pytest

from samenbieb.programmes.demo_consult import IDO_TITLE
from samenbieb.programmes.models import Appointment, AppointmentStatus

pytestmark = [pytest.mark.browser]

PHONE = {"width": 360, "height": 740}


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_someone_without_an_account_finds_the_ido_near_them_and_books_a_time(
    demo_network, live_server, browser_page
):
    page = browser_page.page
    page.set_default_timeout(15000)
    page.set_viewport_size(PHONE)

    browser_page.goto(f"{live_server.url}/hulp-in-de-buurt/")
    assert fits_the_screen(page)
    page.locator("#id_waar").fill("3511")
    page.locator("#id_thema").select_option("digital_government")
    browser_page.follow(lambda: page.locator("#help-near-me-search").press("Enter"))
    assert fits_the_screen(page)
    first = page.locator(".help-results > li").first
    assert IDO_TITLE in first.inner_text()
    slot_link = first.locator(".slot-link").first
    slot_id = int(slot_link.get_attribute("data-slot"))
    browser_page.screenshot("portal-help-near-me-phone")

    browser_page.follow(lambda: slot_link.press("Enter"))
    assert fits_the_screen(page)
    page.get_by_label("DigiD").press("Space")  # keyboard: Space ticks it
    assert page.get_by_label("DigiD").is_checked()
    page.locator("#id_name").fill("Ans de Vries")
    page.locator("#id_phone").fill("12345")
    browser_page.follow(lambda: page.locator("#slot-book-submit").press("Enter"))
    assert page.locator("#id_phone_error").is_visible()
    assert not Appointment.objects.exists()

    page.locator("#id_phone").fill("06 1234 5678")
    browser_page.follow(lambda: page.locator("#slot-book-submit").press("Enter"))
    assert fits_the_screen(page)
    appointment = Appointment.objects.get()
    assert appointment.slot_id == slot_id
    assert (appointment.topic.code, appointment.phone) == ("digid", "+31612345678")
    assert appointment.status == AppointmentStatus.BOOKED
    assert page.locator("#appointment-cancel-link").is_visible()
    browser_page.screenshot("portal-consult-booked-phone")

    # The time is gone from "help near me".
    browser_page.goto(f"{live_server.url}/hulp-in-de-buurt/?waar=3511&thema=digital_government")
    assert page.locator(f'.slot-link[data-slot="{slot_id}"]').count() == 0
