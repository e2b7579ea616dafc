"""Member login to the portal: card or e-mail plus password, in a session of its own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samenbieb.members import auth
from samenbieb.members.models import CardStatus, Consent
from tests.factories import (
    ConsentFactory,
    LibraryCardFactory,
    MembershipFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db

PASSWORD = "Leeskring-Oudegracht-42"
LOGIN = reverse("portal:login")
ACCOUNT = reverse("portal:account")


@pytest.fixture
def member():
    person = PersonFactory(
        given_name="Anna", email="anna@example.org", email_verified_at=timezone.now()
    )
    person.set_password(PASSWORD)
    person.save()
    LibraryCardFactory(person=person, barcode="20000000001234")
    return person


def _login(client: Client, identifier: str, password: str = PASSWORD, **extra):
    return client.post(LOGIN, {"identifier": identifier, "password": password, **extra})


def test_a_member_logs_in_with_their_card_number(client, member):
    response = _login(client, "2000 0000 0012 34")
    assert response.status_code == 302
    assert response["Location"] == ACCOUNT
    assert client.session[auth.SESSION_KEY] == member.pk


def test_a_member_logs_in_with_their_email_address_in_any_case(client, member):
    assert _login(client, "Anna@Example.ORG").status_code == 302
    member.refresh_from_db()
    assert member.last_login is not None


@pytest.mark.parametrize("status", [CardStatus.LOST, CardStatus.REPLACED, CardStatus.BLOCKED])
def test_a_card_no_longer_in_use_opens_nothing(client, member, status):
    member.cards.update(status=status)
    response = _login(client, "20000000001234")
    assert response.status_code == 200
    assert auth.SESSION_KEY not in client.session
    assert "komen niet overeen" in response.content.decode()


def test_a_wrong_password_gets_the_same_answer_as_an_unknown_name(client, member):
    wrong = _login(client, "anna@example.org", "not my password").content.decode()
    unknown = _login(client, "bert@example.org", "not my password").content.decode()
    assert "komen niet overeen" in wrong
    assert "komen niet overeen" in unknown


def test_the_sixth_try_is_refused_with_a_time_to_come_back(client, member):
    for _ in range(5):
        _login(client, "anna@example.org", "not my password")
    response = _login(client, "anna@example.org")
    assert auth.SESSION_KEY not in client.session
    assert "Probeer het opnieuw na" in response.content.decode()


def test_an_inactive_person_cannot_log_in(client, member):
    member.is_active = False
    member.save()
    assert _login(client, "anna@example.org").status_code == 200
    assert auth.SESSION_KEY not in client.session


def test_an_unconfirmed_email_address_is_refused_with_a_way_to_get_a_new_link(client, member):
    member.email_verified_at = None
    member.save()
    response = _login(client, "anna@example.org")
    assert auth.SESSION_KEY not in client.session
    body = response.content.decode()
    assert "nog niet bevestigd" in body
    assert reverse("portal:register_resend") in body


def test_every_field_says_in_dutch_what_is_missing(client):
    body = client.post(LOGIN, {"identifier": "", "password": ""}).content.decode()
    assert 'id="id_identifier_error"' in body
    assert "Vul het nummer van je bibliotheekpas of je e-mailadres in." in body
    assert "Vul je wachtwoord in." in body


def test_logging_in_gives_a_new_session_key(client, member):
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    _login(client, "anna@example.org")
    assert client.session.session_key != before


def test_logging_out_ends_the_session_and_gives_a_new_key(client, member):
    _login(client, "anna@example.org")
    before = client.session.session_key
    response = client.post(reverse("portal:logout"))
    assert response.status_code == 302
    assert client.session.session_key != before
    assert auth.SESSION_KEY not in client.session
    assert client.get(ACCOUNT).status_code == 302


def test_logging_out_takes_a_post(client, member):
    _login(client, "anna@example.org")
    assert client.get(reverse("portal:logout")).status_code == 405
    assert client.get(ACCOUNT).status_code == 200


def test_a_member_session_is_no_staff_login(client, member):
    _login(client, "anna@example.org")
    response = client.get(ACCOUNT)
    assert response.wsgi_request.user.is_anonymous
    assert "_auth_user_id" not in client.session
    desk = client.get(reverse("desk:home"))
    assert desk.status_code == 302
    assert desk["Location"].startswith(reverse("desk:login"))
    admin = client.get("/beheer/")
    assert admin.status_code == 302
    assert "/beheer/login/" in admin["Location"]


def test_a_password_change_ends_the_other_sessions(client, member):
    _login(client, "anna@example.org")
    assert client.get(ACCOUNT).status_code == 200
    auth.member_password_set(person=member, password="Een-heel-nieuw-wachtwoord-7")
    assert client.get(ACCOUNT).status_code == 302
    assert auth.SESSION_KEY not in client.session


def test_member_pages_are_never_cached(client, member):
    _login(client, "anna@example.org")
    assert "no-store" in client.get(ACCOUNT)["Cache-Control"]
    assert "no-store" in client.get(reverse("portal:home"))["Cache-Control"]


def test_the_login_page_is_not_cached_and_public_pages_are_left_alone(client):
    assert "no-store" in client.get(LOGIN)["Cache-Control"]
    assert "Cache-Control" not in client.get(reverse("portal:libraries"))


def test_the_login_form_is_protected_against_cross_site_requests(member):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"identifier": "anna@example.org", "password": PASSWORD})
    assert response.status_code == 403
    assert auth.SESSION_KEY not in client.session


def test_after_login_the_member_returns_to_the_page_they_asked_for(client, member):
    response = client.get(ACCOUNT)
    assert response["Location"] == f"{LOGIN}?volgende=%2Fmijn-account%2F"
    back = _login(client, "anna@example.org", volgende="/zoeken/?q=kaas")
    assert back["Location"] == "/zoeken/?q=kaas"


def test_a_return_address_on_another_site_is_ignored(client, member):
    response = _login(client, "anna@example.org", volgende="https://evil.example/")
    assert response["Location"] == ACCOUNT


def test_the_menu_offers_login_then_my_account_and_logout(client, member):
    assert "Inloggen" in client.get(reverse("portal:home")).content.decode()
    _login(client, "anna@example.org")
    body = client.get(reverse("portal:home")).content.decode()
    assert "Mijn account" in body
    assert "Uitloggen" in body


def test_my_account_shows_memberships_cards_and_consents(client, member):
    today = timezone.localdate()
    MembershipFactory(
        person=member,
        plan__organisation=member.home_organisation,
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=300),
    )
    ConsentFactory(person=member, kind="news", given=True)
    _login(client, "anna@example.org")
    body = client.get(ACCOUNT).content.decode()
    assert member.home_organisation.name in body
    assert "1234" in body
    assert "20000000001234" not in body
    assert "Stuur mij" in body or "news" in body


def test_my_account_says_how_to_get_a_membership_when_there_is_none(client, member):
    _login(client, "anna@example.org")
    body = client.get(ACCOUNT).content.decode()
    assert "nog geen geldig lidmaatschap" in body


def test_a_member_changes_a_consent_and_the_text_version_is_recorded(client, member):
    ConsentFactory(person=member, kind="loan_history", given=False, recorded_via="desk")
    _login(client, "anna@example.org")
    response = client.post(
        reverse("portal:consent_change"), {"kind": "loan_history", "given": "ja"}
    )
    assert response.status_code == 302
    latest = Consent.objects.filter(person=member, kind="loan_history").order_by("-id").first()
    assert latest.given is True
    assert latest.recorded_via == "portal"
    assert latest.text_version == "2026-1"
    assert Consent.objects.filter(person=member, kind="loan_history").count() == 2


def test_changing_a_consent_needs_a_member_session(client, member):
    response = client.post(reverse("portal:consent_change"), {"kind": "news", "given": "ja"})
    assert response.status_code == 302
    assert not Consent.objects.exists()
