"""The authorization endpoint: who may log in to a connected service, and with what consent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from samenbieb.core.models import AuditEvent
from samenbieb.identity.models import ServiceConsent
from tests.factories import StaffUserFactory, staff_login
from tests.identity.conftest import (
    LOGIN,
    Flow,
    code_for,
    consent,
    log_in,
    make_member,
    query_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def service(register):
    return register(scopes=["openid", "email"], confidential=False).service


def test_a_visitor_without_member_session_logs_in_first_and_comes_back(client, member, service):
    flow = Flow(service.client_id, scope="openid email")
    response = client.get(flow.url())
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?volgende=")
    back = query_of(response["Location"])["volgende"]
    assert back == flow.url()
    login = client.post(
        LOGIN,
        {"identifier": "20000000004321", "password": "Leeskring-Oudegracht-42", "volgende": back},
    )
    assert login["Location"] == back


def test_a_staff_session_does_not_count_as_a_member(client, service):
    staff_login(client, StaffUserFactory(is_superuser=True))
    response = client.get(Flow(service.client_id).url())
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_the_consent_screen_lists_what_the_service_receives_and_is_asked_once(
    client, member, service
):
    log_in(client, member)
    flow = Flow(service.client_id, scope="openid email")
    page = client.get(flow.url())
    assert page.status_code == 200
    shares = page.content.decode()
    assert service.display_name in shares
    assert "anna@example.org" not in shares  # it tells what, not the value
    assert shares.count("<li>") >= 2
    # The form may end in a redirect to the service: CSP form-action must allow it.
    assert "http://localhost:8765" in page["Content-Security-Policy"]
    code_for(client, flow)
    consent_row = ServiceConsent.objects.get(person=member, service=service)
    assert set(consent_row.scopes.split()) == {"openid", "email"}
    # Next time: straight back to the service with a code.
    second = client.get(flow.url(state="again"))
    assert second.status_code == 302
    assert "code" in query_of(second["Location"])


def test_prompt_consent_asks_again_even_when_consent_was_given(client, member, service):
    log_in(client, member)
    flow = Flow(service.client_id)
    code_for(client, flow)
    assert client.get(flow.url(prompt="consent")).status_code == 200


def test_asking_for_more_scopes_than_agreed_asks_again(client, member, register):
    service = register(scopes=["openid", "email", "profile"]).service
    log_in(client, member)
    code_for(client, Flow(service.client_id, scope="openid email"))
    assert client.get(Flow(service.client_id, scope="openid profile").url()).status_code == 200


def test_a_member_who_does_not_allow_sends_access_denied_to_the_service(client, member, service):
    log_in(client, member)
    flow = Flow(service.client_id)
    response = consent(client, flow.url(), decision="deny")
    answer = query_of(response["Location"])
    assert answer["error"] == "access_denied"
    assert answer["state"] == flow.state
    assert not ServiceConsent.objects.filter(person=member).exists()


def test_prompt_none_without_a_session_answers_login_required(client, service):
    response = client.get(Flow(service.client_id).url(prompt="none"))
    assert query_of(response["Location"])["error"] == "login_required"


def test_prompt_none_without_earlier_consent_answers_consent_required(client, member, service):
    log_in(client, member)
    response = client.get(Flow(service.client_id).url(prompt="none"))
    assert query_of(response["Location"])["error"] == "consent_required"


def test_prompt_none_with_earlier_consent_returns_a_code_without_a_page(client, member, service):
    log_in(client, member)
    flow = Flow(service.client_id)
    code_for(client, flow)
    response = client.get(flow.url(prompt="none"))
    assert "code" in query_of(response["Location"])


def test_prompt_login_ends_the_session_and_asks_to_log_in_again(client, member, service):
    log_in(client, member)
    response = client.get(Flow(service.client_id).url(prompt="login"))
    assert response["Location"].startswith(LOGIN)
    assert "prompt" not in query_of(response["Location"])["volgende"]
    assert "_member_id" not in client.session


def test_a_lapsed_membership_is_refused_with_a_page_and_a_way_back(client, service):
    lapsed = make_member(card="20000000009999", valid=False, email="bert@example.org")
    log_in(client, lapsed)
    flow = Flow(service.client_id)
    response = client.get(flow.url())
    assert response.status_code == 403
    page = response.content.decode()
    assert 'id="refusal"' in page
    back = query_of(
        page.split('id="refusal-back"')[0]
        .rsplit('href="', 1)[1]
        .split('"')[0]
        .replace("&amp;", "&")
    )
    assert back["error"] == "access_denied"
    assert back["error_description"] == "membership_not_valid"
    assert back["state"] == flow.state
    # And no consent is offered, so no code can be had.
    assert client.post(flow.url(), {"decision": "allow"}).status_code == 403


def test_a_lapsed_membership_with_prompt_none_answers_access_denied(client, service):
    lapsed = make_member(card="20000000009998", valid=False, email="cor@example.org")
    log_in(client, lapsed)
    response = client.get(Flow(service.client_id).url(prompt="none"))
    assert query_of(response["Location"])["error"] == "access_denied"


def test_consent_and_codes_are_audited_without_personal_data(client, member, service):
    log_in(client, member)
    code_for(client, Flow(service.client_id, scope="openid email"))
    event = AuditEvent.objects.get(event_type="identity.consent.granted")
    assert event.details == {"service": service.pk, "scopes": ["email", "openid"]}
    assert event.organisation_id == member.home_organisation_id
    assert "anna" not in str(event.details).lower()


def test_the_consent_form_needs_a_csrf_token(member, service):
    client = Client(enforce_csrf_checks=True)
    log_in_with_csrf(client, member)
    flow = Flow(service.client_id)
    assert client.get(flow.url()).status_code == 200
    assert client.post(flow.url(), {"decision": "allow"}).status_code == 403


def log_in_with_csrf(client: Client, person) -> None:
    page = client.get(LOGIN).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = client.post(
        LOGIN,
        {
            "identifier": person.cards.first().barcode,
            "password": "Leeskring-Oudegracht-42",
            "csrfmiddlewaretoken": token,
        },
    )
    assert response.status_code == 302


def test_max_age_sends_a_member_who_logged_in_long_ago_to_log_in_again(client, member, service):
    log_in(client, member)
    session = client.session
    session["_member_auth_at"] = (timezone.now() - dt.timedelta(hours=2)).isoformat()
    session.save()
    response = client.get(Flow(service.client_id).url(max_age="3600"))
    assert response["Location"].startswith(LOGIN)
    assert "max_age" not in query_of(response["Location"])["volgende"]
    assert "_member_id" not in client.session


def test_max_age_lets_a_member_who_just_logged_in_through(client, member, service):
    log_in(client, member)
    assert client.get(Flow(service.client_id).url(max_age="3600")).status_code == 200
