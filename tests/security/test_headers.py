"""Hardening headers on every page of every door: a strict Content-Security-Policy
without unsafe-inline, no framing, no sniffing, no caching of logged-in pages, and pages
that really need nothing inline (so the policy breaks nothing)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from samenbieb.network.roles import Role
from tests.factories import (
    PASSWORD,
    BranchFactory,
    LibraryCardFactory,
    OrganisationFactory,
    PersonFactory,
    StaffRoleFactory,
    staff_login,
)
from tests.security.doors import HTTP_DOORS, Page

pytestmark = pytest.mark.django_db

# A script without src= runs inline, except a JSON data block, which browsers never execute.
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\b(?:src=|type=[\"']application/json[\"']))[^>]*>", re.IGNORECASE
)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style[\s>]|<[^>]+\sstyle\s*=", re.IGNORECASE)


def _client(who: str) -> Client:
    client = Client()
    if who == "staff":
        library = OrganisationFactory()
        BranchFactory(organisation=library)
        staff_login(client, StaffRoleFactory(organisation=library, role=Role.ADMINISTRATOR).user)
    elif who == "member":
        person = PersonFactory()
        person.set_password(PASSWORD)
        person.save(update_fields=["password"])
        card = LibraryCardFactory(person=person).barcode
        response = client.post(reverse("portal:login"), {"identifier": card, "password": PASSWORD})
        assert response.status_code == 302, response.content.decode()[:2000]
    return client


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("page", HTTP_DOORS, ids=lambda page: page.id)
def test_every_door_sends_the_hardening_headers(page: Page):
    response = _client(page.who).get(page.url())
    assert response.status_code == 200, response.content.decode()[:500]
    csp = _csp(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    for directive, sources in csp.items():
        assert "'unsafe-inline'" not in sources, directive
        assert "'unsafe-eval'" not in sources, directive
        assert "*" not in sources, directive
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    if page.who != "anonymous":
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    "page", [p for p in HTTP_DOORS if p.kind == "html"], ids=lambda page: page.id
)
def test_pages_need_nothing_inline_that_the_policy_would_block(page: Page):
    html = _client(page.who).get(page.url()).content.decode()
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)
    assert not EVENT_HANDLER.search(html), EVENT_HANDLER.search(html)
    assert not INLINE_STYLE.search(html), INLINE_STYLE.search(html)


def _settings_with(env: dict[str, str]) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ("
        "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_SSL_REDIRECT', "
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'LANGUAGE_COOKIE_SECURE', "
        "'SESSION_COOKIE_SAMESITE', 'SESSION_COOKIE_HTTPONLY', 'CSRF_COOKIE_HTTPONLY', "
        "'X_FRAME_OPTIONS')}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "samenbieb.config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_behind_https_the_site_sends_hsts_and_only_secure_cookies():
    production = _settings_with({"SAMENBIEB_HTTPS": "on"})
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SECURE_SSL_REDIRECT"] is True
    for cookie in ("SESSION", "CSRF", "LANGUAGE"):
        assert production[f"{cookie}_COOKIE_SECURE"] is True, cookie
    assert production["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["CSRF_COOKIE_HTTPONLY"] is True
    assert production["X_FRAME_OPTIONS"] == "DENY"


def test_a_https_request_gets_hsts_and_secure_samesite_session_cookies(settings):
    """With the values the HTTPS configuration sets (checked above), through a door."""
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    client = Client()
    response = client.get("/inloggen/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    csrf = response.cookies["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"
    assert csrf["httponly"] is True
