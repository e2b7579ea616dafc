"""In a real browser on a phone-sized screen, with axe-core on every page: someone without
an account finds a course and signs up with a name and phone number."""

from __future__ import annotations

import pytest

from samenbieb.programmes.models import Registration
from tests.programmes.factories import ActivityFactory, theme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_sideways_scrolling(page) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the screen"


def test_a_visitor_signs_up_for_a_course_on_a_phone(live_server, browser_page):
    activity = ActivityFactory(
        title="Digisterker", capacity=8, themes=[theme("digital_government")]
    )
    page = browser_page.page
    page.set_viewport_size({"width": 360, "height": 740})
    browser_page.goto(f"{live_server.url}/activiteiten/")
    no_sideways_scrolling(page)
    browser_page.follow(lambda: page.get_by_role("link", name="Digisterker").click())
    no_sideways_scrolling(page)
    page.fill("#id_name", "Henk de Vries")
    page.fill("#id_phone", "06 1234 5678")
    browser_page.follow(lambda: page.click("#register-visitor"))
    no_sideways_scrolling(page)
    assert page.locator("#registration-status").get_attribute("data-status") == "confirmed"
    assert page.locator("#calendar-link").is_visible()
    browser_page.screenshot("portal-activity-registered-phone")
    registration = Registration.objects.get(activity=activity)
    assert (registration.name, registration.phone) == ("Henk de Vries", "+31612345678")
