"""The web doors without a browser: headers, pages, query counts, error pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from samenbieb.network.roles import Role
from tests.factories import (
    BranchFactory,
    OpeningHoursFactory,
    OrganisationFactory,
    StaffRoleFactory,
    staff_login,
)

pytestmark = pytest.mark.django_db


def test_every_page_carries_strict_security_headers(client: Client):
    response = client.get(reverse("portal:home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_pages_behind_a_login_are_never_cached(client: Client):
    organisation = OrganisationFactory()
    staff_login(client, StaffRoleFactory(organisation=organisation).user)
    assert client.get(reverse("desk:home"))["Cache-Control"] == "no-store"


def test_the_desk_asks_for_a_login_first(client: Client):
    response = client.get(reverse("desk:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("desk:login"))


def test_the_site_speaks_dutch_first_and_english_on_request(client: Client):
    assert "Vind een bibliotheek" in client.get(reverse("portal:libraries")).content.decode()
    english = client.get(reverse("portal:libraries"), HTTP_ACCEPT_LANGUAGE="en")
    assert "<h1>Find a library</h1>" in english.content.decode()


def test_logging_in_checks_the_password_with_argon2(client: Client, password: str):
    from tests.factories import StaffUserFactory

    user = StaffUserFactory(password=password)
    assert user.password.startswith("argon2$argon2id$")
    response = client.post(reverse("desk:login"), {"username": user.username, "password": password})
    # The password is right: on to the second factor (this account links its app first).
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:login_enrol")


def test_the_login_form_is_protected_against_cross_site_requests():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("desk:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Probeer het opnieuw" in response.content.decode()


def test_an_unknown_page_explains_what_to_do(client: Client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "startpagina" in response.content.decode()


def test_the_desk_home_takes_the_same_number_of_queries_for_many_branches(
    client: Client, django_assert_max_num_queries
):
    organisation = OrganisationFactory()
    user = StaffRoleFactory(organisation=organisation, role=Role.DESK).user
    for _ in range(30):
        OpeningHoursFactory(branch=BranchFactory(organisation=organisation))
    staff_login(client, user)
    # A fixed number: the session, the user, roles and capabilities (lending, programmes,
    # referrals, incidents), the branches with their hours in one query each.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("desk:home"))
    assert response.content.decode().count("<tr>") == 31  # header row + 30 branches


def test_the_public_directory_takes_a_fixed_number_of_queries(
    client: Client, django_assert_max_num_queries
):
    for _ in range(12):
        BranchFactory(organisation=OrganisationFactory())
    with django_assert_max_num_queries(4):
        response = client.get(reverse("portal:libraries"))
    assert response.status_code == 200
