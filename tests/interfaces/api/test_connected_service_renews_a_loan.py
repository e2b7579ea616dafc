"""The demonstration: a library's website, an authlib OAuth 2 client, logs a member in
through Samenbieb (authorization code with PKCE, the real login and consent pages) and
renews a loan through the live API with the access token it got."""

from __future__ import annotations

from samenbieb.circulation import services
from samenbieb.circulation.models import Loan
from tests.identity.test_connected_service_flow import (  # noqa: F401 - a fixture
    Browser,
    EbookPlatform,
    _log_in_through,
    _plain_http_on_localhost,
)


def test_a_librarys_website_renews_a_loan_for_a_member_through_the_api(
    live_server, network, anna, register
):
    copy = network.copy(network.a1)
    loan = services.loan_checkout(actor=None, branch=network.a1, person=anna, barcode=copy.barcode)
    registered = register(display_name="Website Bibliotheek A", scopes=["openid", "account"])
    website = EbookPlatform(
        live_server.url,
        registered.service.client_id,
        registered.client_secret,
        "openid account",
    )

    token, _state = _log_in_through(website, Browser(live_server.url), "20000000004321")
    assert set(token["scope"].split()) == {"openid", "account"}

    api = f"{live_server.url}/api/v1"
    loans = website.client.get(f"{api}/me/loans", timeout=10)
    assert loans.status_code == 200, loans.text
    [listed] = loans.json()
    assert listed["id"] == loan.pk

    renewed = website.client.post(
        f"{api}/me/loans/{loan.pk}/renew", headers={"If-Match": listed["etag"]}, timeout=10
    )

    assert renewed.status_code == 200, renewed.text
    assert renewed.json()["renewals"] == 1
    assert renewed.json()["due_on"] >= listed["due_on"]  # a new period from today
    assert Loan.objects.get(pk=loan.pk).renewals == 1
