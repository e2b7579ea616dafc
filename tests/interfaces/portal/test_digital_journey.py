"""A member follows "read online" on a record page, logs in and is sent to the provider.

The provider's host is routed inside the browser to a tiny local page, so nothing leaves
the machine and the journey can check where the redirect went.
"""

from __future__ import annotations

import re

import pytest

from samenbieb.catalog.models import DigitalResource
from samenbieb.demo.members import DEMO_MEMBER_PASSWORD
from samenbieb.digital.models import DigitalLoan

pytestmark = [pytest.mark.browser]

PROVIDER_PAGE = (
    '<!DOCTYPE html><html lang="nl"><head><title>Aanbieder</title></head>'
    "<body><main><h1>Het boek bij de aanbieder</h1></main></body></html>"
)


def test_a_member_borrows_an_ebook_online_after_logging_in(demo_network, live_server, browser_page):
    resource = (
        DigitalResource.objects.filter(kind="ebook", licence="one_copy_one_user", copies=1)
        .select_related("record")
        .order_by("id")
        .first()
    )
    page = browser_page.page
    page.set_default_timeout(15000)
    # The provider, inside the browser: its first answer is "204 No Content", which keeps
    # the opening page on screen for the audit; later answers are a small page.
    provider_requests: list[str] = []

    def provider(route):
        provider_requests.append(route.request.url)
        if len(provider_requests) == 1:
            route.fulfill(status=204)
        else:
            route.fulfill(status=200, content_type="text/html", body=PROVIDER_PAGE)

    page.route("https://example.org/**", provider)

    browser_page.goto(f"{live_server.url}/titels/{resource.record_id}/")
    assert resource.access_url not in page.content()
    link = page.locator(f"#online-{resource.pk}")
    assert link.get_attribute("href") == f"/digitaal/{resource.token}/"
    browser_page.screenshot("portal-record-online")

    browser_page.follow(link.click)
    assert re.search(r"/inloggen/\?volgende=", page.url)
    assert resource.access_url not in page.content()
    # The demo child: no e-mail address to confirm first, and a valid youth membership.
    page.get_by_label("Pasnummer of e-mailadres").fill("20000000000002")
    page.get_by_label("Wachtwoord").fill(DEMO_MEMBER_PASSWORD)
    browser_page.follow(lambda: page.get_by_role("button", name="Inloggen").click())

    # Back on the access link: a copy is free, so the member is asked to borrow it.
    assert page.url == f"{live_server.url}/digitaal/{resource.token}/?doorgaan=1"
    assert resource.access_url not in page.content()
    browser_page.screenshot("portal-digital-borrow")
    browser_page.follow(lambda: page.locator("#borrow-submit").click())

    # The page that opens the provider (a redirect would break the CSP's form-action).
    assert page.locator("#open-link").get_attribute("href") == resource.access_url
    assert DigitalLoan.objects.filter(resource=resource, returned_at__isnull=True).count() == 1
    while not provider_requests:  # the instant refresh goes to the provider by itself
        page.wait_for_event("request")
    assert provider_requests == [resource.access_url]
    browser_page.follow(lambda: page.locator("#open-link").click())
    assert page.url == resource.access_url
    assert page.get_by_role("heading", level=1).inner_text() == "Het boek bij de aanbieder"

    browser_page.goto(f"{live_server.url}/mijn-account/")
    loan = DigitalLoan.objects.get(resource=resource)
    row = page.locator(f"#digital-loan-{loan.pk}")
    assert str(resource.record.title) in row.inner_text()
    browser_page.follow(lambda: row.get_by_role("button").click())
    assert page.locator(f"#digital-loan-{loan.pk}").count() == 0
    loan.refresh_from_db()
    assert loan.returned_at is not None
