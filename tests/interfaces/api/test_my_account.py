"""My account through the API, with a real access token: the same circulation services and
refusals as the portal, and a member reaches only their own loans and holds."""

from __future__ import annotations

from decimal import Decimal

from samenbieb.circulation import services
from samenbieb.circulation.models import Hold, HoldStatus, Loan
from samenbieb.core.models import AuditEvent
from tests.factories import ChargeFactory
from tests.identity.conftest import Flow, log_in, make_member
from tests.interfaces.api.conftest import API, PROBLEM, bearer, member_token


def _lend(network, person, branch=None):
    branch = branch or network.a1
    copy = network.copy(branch)
    return services.loan_checkout(actor=None, branch=branch, person=person, barcode=copy.barcode)


def test_a_member_sees_their_loans_and_renews_one(api, network, anna, register):
    loan = _lend(network, anna)
    token = member_token(anna, register)

    listed = api.get(f"{API}/me/loans", **bearer(token)).json()
    assert [row["id"] for row in listed] == [loan.pk]
    assert listed[0]["renewals_left"] == 2
    assert listed[0]["due_on"] == loan.due_on.isoformat()

    renewed = api.post(f"{API}/me/loans/{loan.pk}/renew", **bearer(token))

    assert renewed.status_code == 200, renewed.content
    assert renewed.json()["renewals"] == 1
    assert Loan.objects.get(pk=loan.pk).renewals == 1
    event = AuditEvent.objects.get(event_type="circulation.loan.renewed")
    assert event.details["by_member"] is True


def test_a_refused_renewal_is_a_409_problem_with_circulations_own_code(
    api, network, anna, register
):
    loan = _lend(network, anna)
    Loan.objects.filter(pk=loan.pk).update(renewals=2)
    token = member_token(anna, register)

    refused = api.post(f"{API}/me/loans/{loan.pk}/renew", **bearer(token))

    assert refused.status_code == 409
    assert refused["Content-Type"] == PROBLEM
    assert refused.json()["code"] == "renewal_limit"
    assert refused.json()["type"] == "urn:samenbieb:problem:renewal_limit"


def test_renew_all_says_per_loan_whether_it_worked(api, network, anna, register):
    fine, stuck = _lend(network, anna), _lend(network, anna)
    Loan.objects.filter(pk=stuck.pk).update(renewals=2)
    token = member_token(anna, register)

    outcomes = api.post(f"{API}/me/loans/renew-all", **bearer(token)).json()

    by_loan = {row["loan"]["id"]: row for row in outcomes}
    assert by_loan[fine.pk]["renewed"] is True
    assert by_loan[stuck.pk]["renewed"] is False
    assert by_loan[stuck.pk]["code"] == "renewal_limit"


def test_another_members_loan_and_hold_are_not_found(api, network, anna, register):
    bram = make_member(card="20000000009999", home_organisation=network.a)
    loan = _lend(network, bram)
    hold = services.hold_place(
        actor=None, person=bram, record=network.copy(network.b1).record, pickup_branch=network.a1
    )
    token = member_token(anna, register)

    assert api.post(f"{API}/me/loans/{loan.pk}/renew", **bearer(token)).status_code == 404
    assert api.delete(f"{API}/me/holds/{hold.pk}", **bearer(token)).status_code == 404
    assert Loan.objects.get(pk=loan.pk).renewals == 0
    assert Hold.objects.get(pk=hold.pk).status != HoldStatus.CANCELLED


def test_a_member_places_and_cancels_a_hold(api, network, anna, register):
    record = network.copy(network.b1).record
    token = member_token(anna, register)

    placed = api.post(
        f"{API}/me/holds",
        {"record_id": record.pk, "pickup_branch_id": network.a1.pk},
        content_type="application/json",
        **bearer(token),
    )

    assert placed.status_code == 201, placed.content
    hold_id = placed.json()["id"]
    assert [row["id"] for row in api.get(f"{API}/me/holds", **bearer(token)).json()] == [hold_id]
    twice = api.post(
        f"{API}/me/holds",
        {"record_id": record.pk, "pickup_branch_id": network.a1.pk},
        content_type="application/json",
        **bearer(token),
    )
    assert twice.status_code == 409
    assert twice.json()["code"] == "hold_exists"

    assert api.delete(f"{API}/me/holds/{hold_id}", **bearer(token)).status_code == 204
    assert Hold.objects.get(pk=hold_id).status == HoldStatus.CANCELLED
    assert api.get(f"{API}/me/holds", **bearer(token)).json() == []


def test_a_member_sees_what_they_owe(api, network, anna, register):
    ChargeFactory(person=anna, organisation=network.a, amount=Decimal("2.50"))
    token = member_token(anna, register)

    body = api.get(f"{API}/me/charges", **bearer(token)).json()

    assert Decimal(body["total"]) == Decimal("2.50")
    assert Decimal(body["block_threshold"]) == Decimal("10.00")
    assert [Decimal(row["amount"]) for row in body["charges"]] == [Decimal("2.50")]


def test_a_revoked_token_stops_working(api, network, anna, register):
    from samenbieb.identity.models import AccessToken

    token = member_token(anna, register)
    assert api.get(f"{API}/me/loans", **bearer(token)).status_code == 200
    AccessToken.objects.all().delete()
    assert api.get(f"{API}/me/loans", **bearer(token)).status_code == 401


def test_a_switched_off_account_cannot_use_its_token(api, network, anna, register):
    token = member_token(anna, register)
    anna.is_active = False
    anna.save(update_fields=["is_active"])
    assert api.get(f"{API}/me/loans", **bearer(token)).status_code == 401


def test_the_consent_screen_says_the_service_will_see_the_account(network, anna, register):
    from django.test import Client

    registered = register(scopes=["openid", "account"], confidential=False)
    browser = Client()
    log_in(browser, anna)
    asks_account = Flow(client_id=registered.service.client_id, scope="openid account")
    page = browser.get(asks_account.url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "renew your loans" in page
    assert "what you borrow" not in page

    only_login = Flow(client_id=registered.service.client_id, scope="openid")
    page = browser.get(only_login.url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "what you borrow" in page


def test_a_hold_placed_and_cancelled_through_the_api_is_audited_with_the_member_as_actor(
    api, network, anna, register
):
    record = network.copy(network.b1).record
    token = member_token(anna, register)

    placed = api.post(
        f"{API}/me/holds",
        {"record_id": record.pk, "pickup_branch_id": network.a1.pk},
        content_type="application/json",
        **bearer(token),
    )
    api.delete(f"{API}/me/holds/{placed.json()['id']}", **bearer(token))

    for event_type in ("circulation.hold.placed", "circulation.hold.cancelled"):
        event = AuditEvent.objects.get(event_type=event_type)
        assert (event.actor_label, event.actor_id, event.actor_person_id) == (
            "member",
            None,
            anna.pk,
        )
    # Agreeing on the consent screen to share the account was the member's own choice too.
    granted = AuditEvent.objects.get(event_type="identity.consent.granted")
    assert (granted.actor_label, granted.actor_person_id) == ("member", anna.pk)
