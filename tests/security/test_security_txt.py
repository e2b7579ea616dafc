"""/.well-known/security.txt (RFC 9116): where to report a vulnerability, never expired."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from samenbieb.security.views import security_txt_lines

pytestmark = pytest.mark.django_db


def _fields(text: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for line in text.splitlines():
        name, _, value = line.partition(": ")
        fields.setdefault(name, []).append(value)
    return fields


def test_security_txt_has_the_required_fields_and_a_future_expiry(client: Client):
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    fields = _fields(response.content.decode())
    assert fields["Contact"] == ["mailto:security@samenbieb.localhost"]
    assert fields["Preferred-Languages"] == ["nl, en"]
    assert fields["Canonical"] == ["http://testserver/.well-known/security.txt"]
    expires = dt.datetime.strptime(fields["Expires"][0], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=dt.UTC
    )
    # RFC 9116 2.5.5: in the future, and less than a year ahead.
    assert timezone.now() < expires < timezone.now() + dt.timedelta(days=365)


def test_the_contacts_policy_and_public_address_come_from_the_settings(client, settings):
    settings.SECURITY_TXT = {
        **settings.SECURITY_TXT,
        "CONTACT": ["mailto:csirt@bibliotheek.example", "https://bibliotheek.example/melden"],
        "POLICY": "https://bibliotheek.example/beleid",
    }
    settings.PUBLIC_URL = "https://bibliotheek.example"
    fields = _fields(client.get("/.well-known/security.txt").content.decode())
    assert fields["Contact"] == [
        "mailto:csirt@bibliotheek.example",
        "https://bibliotheek.example/melden",
    ]
    assert fields["Policy"] == ["https://bibliotheek.example/beleid"]
    assert fields["Canonical"] == ["https://bibliotheek.example/.well-known/security.txt"]


def test_the_expiry_moves_with_the_clock():
    later = timezone.now() + dt.timedelta(days=400)
    fields = _fields("\n".join(security_txt_lines(canonical="x", now=later)))
    assert fields["Expires"][0].startswith(
        (later + dt.timedelta(days=180)).astimezone(dt.UTC).strftime("%Y-%m-%d")
    )


def test_security_txt_is_read_only(client: Client):
    assert client.post("/.well-known/security.txt").status_code == 405
