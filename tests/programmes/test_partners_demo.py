"""The demo's social map for Bibliotheek Utrecht and its partner login, printed by
`samenbieb demo` with its password and authenticator key."""

from __future__ import annotations

import io
import re
from base64 import b32decode

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from samenbieb.network.models import StaffRole
from samenbieb.programmes.models import Partner, PartnerAccount

pytestmark = pytest.mark.django_db

PARTNER_LINE = re.compile(r"^\s+(?P<username>\S+) \(password (?P<password>\S+)\): (?P<who>.+)$")
KEY_LINE = re.compile(r"^\s+authenticator app key: (?P<key>(?:[A-Z2-7]{4} ?){8})$")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_output() -> str:
    output = io.StringIO()
    call_command("demo", stdout=output)
    return output.getvalue()


def _printed_partner_accounts(output: str) -> list[dict[str, str]]:
    section = output.split("Partner accounts", 1)[1].splitlines()
    accounts = []
    for line in section:
        if match := PARTNER_LINE.match(line):
            accounts.append(match.groupdict())
        elif (match := KEY_LINE.match(line)) and accounts:
            accounts[-1]["key"] = match["key"].replace(" ", "")
    return accounts


def test_utrecht_has_municipality_tax_office_and_seniorweb_with_contact_persons(demo_output):
    partners = Partner.objects.filter(organisation__isil="NL-UtBU")

    assert {"municipality", "tax_office", "seniorweb"} <= set(
        partners.values_list("kind", flat=True)
    )
    for partner in partners:
        assert partner.contacts.exists(), partner


def test_the_printed_partner_login_logs_in_with_its_password_and_key_and_has_no_role(
    demo_output,
):
    (account,) = _printed_partner_accounts(demo_output)

    user = authenticate(username=account["username"], password=account["password"])
    assert user is not None
    assert PartnerAccount.objects.get(user=user).partner.name in account["who"]
    assert not StaffRole.objects.filter(user=user).exists()
    client = Client()
    response = client.post(
        reverse("desk:login"),
        {
            "username": account["username"],
            "password": account["password"],
            "code": f"{totp(b32decode(account['key'])):06d}",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("desk:partner_home")


def test_running_the_demo_again_adds_no_partners(demo_output):
    before = Partner.objects.count()

    call_command("demo", "--quiet")

    assert Partner.objects.count() == before
