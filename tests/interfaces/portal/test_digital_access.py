"""The access link /digitaal/<token>/: log in first, then straight to the provider."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from samenbieb.digital.errors import MembershipRequired
from samenbieb.digital.models import DigitalLoan
from tests.factories import DigitalResourceFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("portal:login")


def _link(resource) -> str:
    return reverse("portal:digital_access", args=[resource.token])


def _after_form(resource) -> str:
    """The link as the login form leads back to it: the end of a form's redirect chain."""
    return f"{_link(resource)}?doorgaan=1"


def _opens_provider(response, resource) -> None:
    """The page that opens the provider where a redirect would break the CSP's form-action."""
    assert response.status_code == 200
    assert response.templates[0].name == "portal/digital/open.html"
    page = response.content.decode()
    assert f'<meta http-equiv="refresh" content="0; url={resource.access_url}">' in page
    assert f'<a href="{resource.access_url}" id="open-link">' in page


def _everything(response) -> str:
    """What a browser receives: headers and body."""
    headers = "\n".join(f"{name}: {value}" for name, value in response.headers.items())
    return headers + "\n" + response.content.decode()


def test_an_anonymous_visitor_is_sent_to_the_login_with_the_link_to_come_back_to(client):
    resource = DigitalResourceFactory(licence="simultaneous", copies=None)
    response = client.get(_link(resource))
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?{urlencode({'volgende': _after_form(resource)})}"
    assert "no-store" in response["Cache-Control"]


def test_after_a_real_login_the_member_lands_on_the_link_and_goes_on_to_the_provider(
    client, portal_member
):
    resource = DigitalResourceFactory(licence="simultaneous", copies=None)
    login_page = client.get(client.get(_link(resource))["Location"])
    assert f'name="volgende" value="{_after_form(resource)}"' in login_page.content.decode()

    response = portal_member.log_in(client, volgende=_after_form(resource))
    assert response.status_code == 302
    assert response["Location"] == _after_form(resource)

    response = client.get(response["Location"])
    _opens_provider(response, resource)
    assert "no-store" in response["Cache-Control"]


def test_a_logged_in_member_who_scans_the_code_is_redirected_to_the_provider(logged_in):
    resource = DigitalResourceFactory(licence="simultaneous", copies=None)
    response = logged_in.get(_link(resource))
    assert response.status_code == 302
    assert response["Location"] == resource.access_url
    assert "no-store" in response["Cache-Control"]


def test_the_provider_address_appears_nowhere_before_login(client):
    resource = DigitalResourceFactory(access_url="https://provider.example/geheim/boek-1")
    pages = [
        client.get(_link(resource)),
        client.get(_link(resource), follow=True),
        client.get(reverse("portal:record", args=[resource.record_id])),
        client.get(reverse("portal:digital_qr_svg", args=[resource.token])),
    ]
    for response in pages:
        assert "provider.example" not in _everything(response)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "///evil.example/phish",
        "/\\evil.example/phish",
        "https:evil.example",
        "javascript:alert(1)",
    ],
)
def test_the_login_does_not_send_the_member_to_another_site(client, portal_member, target):
    response = portal_member.log_in(client, volgende=target)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:account")


def test_a_one_copy_licence_asks_before_lending_then_sends_the_member_on(logged_in, portal_member):
    resource = DigitalResourceFactory(copies=1)
    question = logged_in.get(_link(resource))
    assert question.status_code == 200
    assert question.templates[0].name == "portal/digital/borrow.html"
    page = question.content.decode()
    assert f'action="{_link(resource)}"' in page
    assert resource.access_url not in page
    assert not DigitalLoan.objects.exists()

    _opens_provider(logged_in.post(_link(resource)), resource)
    assert DigitalLoan.objects.get().person == portal_member.person

    # The same member again, from the QR code: straight on, on the same loan.
    again = logged_in.get(_link(resource))
    assert again["Location"] == resource.access_url
    assert DigitalLoan.objects.count() == 1


def test_another_site_cannot_make_a_member_borrow(logged_in):
    """A form on another site posts without our CSRF token: no copy is taken."""
    browser = Client(enforce_csrf_checks=True)
    browser.cookies = logged_in.cookies  # the member's session, as their browser has it
    resource = DigitalResourceFactory(copies=1)
    assert browser.get(_link(resource)).status_code == 200  # logged in: asked to borrow
    assert browser.post(_link(resource)).status_code == 403
    assert not DigitalLoan.objects.exists()


def test_a_second_member_sees_that_all_copies_are_in_use_and_until_when(
    client, portal_member_factory
):
    resource = DigitalResourceFactory(copies=1)
    first, second = portal_member_factory(), portal_member_factory()
    first.log_in(client)
    _opens_provider(client.post(_link(resource)), resource)
    loan = DigitalLoan.objects.get()

    other = Client()
    second.log_in(other)
    for response in (other.get(_link(resource)), other.post(_link(resource))):
        assert response.status_code == 409
        page = response.content.decode()
        assert 'data-code="all_copies_in_use"' in page
        free_on = timezone.localtime(loan.ends).date().isoformat()
        assert f'data-free-on="{free_on}"' in page
        assert resource.access_url not in page
    assert DigitalLoan.objects.count() == 1


def test_the_second_member_gets_the_copy_once_the_first_returned_it(client, portal_member_factory):
    resource = DigitalResourceFactory(copies=1)
    first, second = portal_member_factory(), portal_member_factory()
    first.log_in(client)
    client.post(_link(resource))
    loan = DigitalLoan.objects.get()
    client.post(reverse("portal:digital_loan_return", args=[loan.pk]))

    other = Client()
    second.log_in(other)
    _opens_provider(other.post(_link(resource)), resource)


def test_a_lapsed_membership_is_refused_with_the_reason_and_what_to_do(
    client, portal_member_factory
):
    ended = timezone.localdate() - dt.timedelta(days=5)
    member = portal_member_factory(starts_on=ended - dt.timedelta(days=365), ends_on=ended)
    member.log_in(client)
    resource = DigitalResourceFactory(licence="simultaneous", copies=None)
    response = client.get(_link(resource))
    assert response.status_code == 403
    page = response.content.decode()
    assert 'data-code="membership_lapsed"' in page
    with translation.override("nl"):
        expected = str(MembershipRequired(ended_on=ended).message)
    assert expected in page
    assert reverse("portal:account") in page
    assert resource.access_url not in page


@pytest.mark.parametrize("logged_in_first", [False, True])
def test_a_switched_off_resource_is_not_found_with_or_without_login(
    client, portal_member, logged_in_first
):
    if logged_in_first:
        portal_member.log_in(client)
    resource = DigitalResourceFactory(is_active=False)
    response = client.get(_link(resource))
    assert response.status_code == 404
    assert response.templates[0].name == "portal/digital/unavailable.html"
    assert resource.access_url not in response.content.decode()


def test_an_unknown_or_malformed_token_is_not_found(client):
    unknown = "/digitaal/6f1c2b1e-0000-4000-8000-000000000000/"
    assert client.get(unknown).status_code == 404
    assert client.get("/digitaal/niet-een-token/").status_code == 404
