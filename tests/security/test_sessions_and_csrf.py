"""Cross-site request forgery, session fixation and the OIDC cases the identity tests
do not already cover (tests/identity/test_protocol_errors.py holds most of them)."""

from __future__ import annotations

import secrets

import pytest
from django.test import Client
from django.urls import reverse

from samenbieb.network.roles import Role
from tests.factories import (
    PASSWORD,
    LibraryCardFactory,
    OrganisationFactory,
    PersonFactory,
    StaffRoleFactory,
    StaffUserFactory,
    staff_login,
)
from tests.identity.conftest import USERINFO, Flow, code_for, exchange, log_in
from tests.identity.conftest import member as member
from tests.identity.conftest import register as register

pytestmark = pytest.mark.django_db

# Every state-changing form a browser posts, per door: without the CSRF token, refused.
CSRF_FORMS = [
    ("portal", "portal:login", {"identifier": "x", "password": "y"}, "anonymous"),
    ("portal", "portal:register", {"email": "a@example.org"}, "anonymous"),
    ("portal", "portal:password_forgot", {"email": "a@example.org"}, "anonymous"),
    ("portal", "portal:logout", {}, "member"),
    ("desk", "desk:login", {"username": "x", "password": "y"}, "anonymous"),
    ("desk", "desk:logout", {}, "staff"),
    ("desk", "desk:member_register", {"given_name": "X"}, "staff"),
    ("desk", "desk:circulation_scan", {"barcode": "123"}, "staff"),
    ("desk", "desk:incident_add", {"title": "X"}, "staff"),
    ("admin", "admin:network_branch_add", {"name": "X"}, "staff"),
    ("oidc", "oauth2_provider:rp-initiated-logout", {"allow": "1"}, "member"),
]


def _member(client: Client):
    person = PersonFactory()
    person.set_password(PASSWORD)
    person.save(update_fields=["password"])
    card = LibraryCardFactory(person=person).barcode
    client.get(reverse("portal:login"))  # the CSRF cookie, for a client that checks it
    response = client.post(
        reverse("portal:login"),
        {
            "identifier": card,
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302
    return person, card


def _staff_client(client: Client):
    user = StaffRoleFactory(organisation=OrganisationFactory(), role=Role.ADMINISTRATOR).user
    staff_login(client, user)
    return user


@pytest.mark.parametrize(
    ("name", "data", "who"),
    [(name, data, who) for _door, name, data, who in CSRF_FORMS],
    ids=[f"{door}:{name.split(':')[1]}" for door, name, _data, _who in CSRF_FORMS],
)
def test_a_form_posted_without_the_csrf_token_is_refused(name, data, who):
    client = Client(enforce_csrf_checks=True)
    if who == "member":
        _member(client)
    elif who == "staff":
        _staff_client(client)
    response = client.post(reverse(name), data)
    assert response.status_code == 403


def test_the_same_form_with_its_token_is_accepted():
    """The control for the refusals above: the token is what makes the difference."""
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("portal:login"))
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("portal:login"), {"identifier": "x", "password": "y", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 200


def test_a_member_login_gives_a_new_session_key():
    client = Client()
    client.get(reverse("portal:login"))
    client.session.save()
    planted = client.session.session_key
    client.cookies["sessionid"] = planted
    _member(client)
    assert client.session.session_key != planted
    # The planted key is no session at all any more.
    stolen = Client()
    stolen.cookies["sessionid"] = planted
    assert stolen.get(reverse("portal:account")).status_code == 302


def test_a_staff_login_gives_a_new_session_key_at_each_step(settings):
    user = StaffUserFactory(password=PASSWORD)
    StaffRoleFactory(user=user, role=Role.DESK)
    client = Client()
    client.get(reverse("desk:login"))
    session = client.session
    session["planted"] = True
    session.save()
    planted = session.session_key
    client.post(reverse("desk:login"), {"username": user.username, "password": PASSWORD})
    # The password step keeps a short note; the full login (after the code) cycles the key.
    settings.STAFF_OTP_REQUIRED = False
    client.post(reverse("desk:login"), {"username": user.username, "password": PASSWORD})
    assert client.session.session_key != planted
    stolen = Client()
    stolen.cookies["sessionid"] = planted
    assert stolen.get(reverse("desk:home")).status_code == 302


def test_a_code_issued_to_one_service_cannot_be_redeemed_by_another(client, member, register):
    first = register(display_name="Leerplatform", confidential=False).service
    second = register(display_name="Spelplatform", confidential=False).service
    log_in(client, member)
    flow = Flow(first.client_id)
    code = code_for(client, flow)
    response = exchange(client, flow, code, client_id=second.client_id)
    assert response.status_code in (400, 401)
    assert response.json()["error"] in {"invalid_grant", "invalid_client"}
    # And the rightful service can still use it: the attempt did not burn it for them.
    assert exchange(client, flow, code).status_code == 200


@pytest.mark.parametrize(
    "authorization",
    ["Bearer " + secrets.token_urlsafe(30), "Bearer ", "Basic YTpi", "bearer x' OR '1'='1"],
    ids=["made-up", "empty", "basic", "sql"],
)
def test_userinfo_refuses_made_up_tokens(client, authorization):
    response = client.get(USERINFO, HTTP_AUTHORIZATION=authorization)
    assert response.status_code in (400, 401, 403)
    assert "sub" not in response.content.decode()
