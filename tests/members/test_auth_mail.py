"""Password reset and online registration, with the mail read from a real SMTP server."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from samenbieb.members import auth
from samenbieb.members.models import Consent, Person
from tests.factories import LibraryCardFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Leeskring-Oudegracht-42"
NEW_PASSWORD = "Fietsbel-Domtoren-1977"
LOGIN = reverse("portal:login")


@pytest.fixture
def member():
    person = PersonFactory(
        given_name="Anna", email="anna@example.org", email_verified_at=timezone.now()
    )
    person.set_password(PASSWORD)
    person.save()
    LibraryCardFactory(person=person, barcode="20000000001234")
    return person


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    """POST and run what the request left for after the commit (sending mail)."""

    def send(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data)

    return send


def _path(link: str) -> str:
    return urlsplit(link).path


def _logs_in(client, identifier: str, password: str) -> bool:
    client.post(LOGIN, {"identifier": identifier, "password": password})
    logged_in = auth.SESSION_KEY in client.session
    client.post(reverse("portal:logout"))
    return logged_in


def test_a_member_resets_their_password_by_mail(client, post, member, smtp_capture):
    response = post(reverse("portal:password_forgot"), {"email": "ANNA@example.org"})
    assert response.status_code == 200
    mail = smtp_capture.last_to("anna@example.org")
    assert mail["Subject"] == "Kies een nieuw wachtwoord voor de bibliotheek"
    assert "Hallo Anna" in smtp_capture.body(mail)
    link = _path(smtp_capture.links(mail)[0])
    assert link.startswith("/wachtwoord-herstellen/")

    assert client.get(link).status_code == 200
    response = client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == LOGIN

    assert not _logs_in(client, "anna@example.org", PASSWORD)
    assert _logs_in(client, "anna@example.org", NEW_PASSWORD)
    # Used once: the same link cannot set another password.
    again = client.post(link, {"password1": "Nog-een-ander-wachtw00rd", "password2": "x"})
    assert again.status_code == 400
    assert "werkt niet meer" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, post, member, smtp_capture):
    known = post(reverse("portal:password_forgot"), {"email": "anna@example.org"})
    unknown = post(reverse("portal:password_forgot"), {"email": "nobody@example.org"})
    assert _without_csrf(known) == _without_csrf(unknown)
    assert "bij een bibliotheekaccount hoort" in unknown.content.decode()
    assert len(smtp_capture.messages) == 1


def _without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_a_reset_link_expires(client, post, member, smtp_capture, settings):
    post(reverse("portal:password_forgot"), {"email": "anna@example.org"})
    link = _path(smtp_capture.links(smtp_capture.last_to("anna@example.org"))[0])
    settings.MEMBER_RESET_TIMEOUT_SECONDS = -1
    assert client.get(link).status_code == 400


def test_a_new_password_follows_the_password_rules(client, post, member, smtp_capture):
    post(reverse("portal:password_forgot"), {"email": "anna@example.org"})
    link = _path(smtp_capture.links(smtp_capture.last_to("anna@example.org"))[0])
    body = client.post(link, {"password1": "kort", "password2": "kort"}).content.decode()
    assert 'id="id_password1_error"' in body
    body = client.post(link, {"password1": NEW_PASSWORD, "password2": "anders"}).content.decode()
    assert 'id="id_password2_error"' in body
    assert "niet hetzelfde" in body
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_a_reset_lifts_a_lock_from_password_guessing(client, post, member, smtp_capture):
    for _ in range(5):
        client.post(LOGIN, {"identifier": "anna@example.org", "password": "guess"})
    post(reverse("portal:password_forgot"), {"email": "anna@example.org"})
    link = _path(smtp_capture.links(smtp_capture.last_to("anna@example.org"))[0])
    client.post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert _logs_in(client, "anna@example.org", NEW_PASSWORD)


def _registration(library, **overrides):
    return {
        "organisation": library.pk,
        "given_name": "Bram",
        "name_prefix": "van",
        "family_name": "Dijk",
        "birth_date": "1988-04-12",
        "street": "Oudegracht",
        "house_number": "12a",
        "postcode": "3511ab",
        "city": "Utrecht",
        "email": "bram@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent_loan_history": "on",
        **overrides,
    }


def test_a_person_registers_online_confirms_the_address_and_logs_in(client, post, smtp_capture):
    library = OrganisationFactory(name="Bibliotheek Utrecht")
    response = post(reverse("portal:register"), _registration(library))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:register_sent")
    person = Person.objects.get(email="bram@example.org")
    assert person.home_organisation == library
    assert person.email_verified_at is None
    consents = {c.kind: c for c in Consent.objects.filter(person=person)}
    assert consents["loan_history"].given is True
    assert consents["news"].given is False
    assert consents["news"].text_version == "2026-1"
    assert consents["news"].recorded_via == "portal"
    assert consents["news"].recorded_at is not None

    # Not before the address is confirmed.
    assert not _logs_in(client, "bram@example.org", PASSWORD)

    mail = smtp_capture.last_to("bram@example.org")
    assert "Bevestig je e-mailadres" in mail["Subject"]
    link = _path(smtp_capture.links(mail)[0])
    assert link.startswith("/aanmelden/bevestigen/")
    # Opening the link shows a button; only pressing it confirms.
    assert client.get(link).status_code == 200
    person.refresh_from_db()
    assert person.email_verified_at is None
    assert client.post(link)["Location"] == LOGIN
    person.refresh_from_db()
    assert person.email_verified_at is not None
    assert client.post(link).status_code == 400  # used once

    assert _logs_in(client, "bram@example.org", PASSWORD)


def test_registering_with_a_known_address_tells_only_its_owner(client, post, member, smtp_capture):
    library = OrganisationFactory()
    response = post(reverse("portal:register"), _registration(library, email="anna@example.org"))
    assert response["Location"] == reverse("portal:register_sent")
    assert Person.objects.filter(email__iexact="anna@example.org").count() == 1
    mail = smtp_capture.last_to("anna@example.org")
    assert "al een bibliotheekaccount" in mail["Subject"]


def test_children_are_sent_to_the_desk(client, post, smtp_capture):
    library = OrganisationFactory()
    born = timezone.localdate() - dt.timedelta(days=365 * 15)
    body = post(
        reverse("portal:register"), _registration(library, birth_date=born.isoformat())
    ).content.decode()
    assert 'id="id_birth_date_error"' in body
    assert "balie" in body
    assert not Person.objects.exists()
    assert not smtp_capture.messages


def test_every_registration_field_says_in_dutch_what_to_do(client):
    body = client.post(reverse("portal:register"), {}).content.decode()
    for field in ("organisation", "given_name", "family_name", "birth_date", "email"):
        assert f'id="id_{field}_error"' in body
    assert "Vul je voornaam in." in body
    assert "Kies je bibliotheek." in body
    bad = client.post(
        reverse("portal:register"),
        _registration(OrganisationFactory(), postcode="12345", email="geen-adres"),
    ).content.decode()
    assert 'id="id_postcode_error"' in bad
    assert "naam@voorbeeld.nl" in bad


def test_the_confirmation_mail_can_be_sent_again(client, post, smtp_capture):
    library = OrganisationFactory()
    post(reverse("portal:register"), _registration(library))
    post(reverse("portal:register_resend"), {"email": "bram@example.org"})
    post(reverse("portal:register_resend"), {"email": "nobody@example.org"})
    assert len(smtp_capture.to("bram@example.org")) == 2
    assert len(smtp_capture.messages) == 2


def test_mail_goes_out_in_the_members_language(client, post, member, smtp_capture):
    Person.objects.filter(pk=member.pk).update(preferred_language="en")
    post(reverse("portal:password_forgot"), {"email": "anna@example.org"})
    mail = smtp_capture.last_to("anna@example.org")
    assert mail["Subject"] == "Choose a new password for the library"
    assert "Hello Anna" in smtp_capture.body(mail)
