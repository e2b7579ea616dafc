"""Staff API tokens: bound to one organisation and to what their maker may do there; the
tenant boundary holds through the API as through the desk."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from samenbieb.circulation.models import Loan
from samenbieb.core.errors import NotPermitted
from samenbieb.core.models import AuditEvent
from samenbieb.interfaces.api.errors import InvalidApiToken
from samenbieb.interfaces.api.models import ApiToken
from samenbieb.interfaces.api.services import api_token_create, api_token_revoke, token_hash
from tests.factories import StaffRoleFactory, staff_login
from tests.identity.conftest import make_member
from tests.interfaces.api.conftest import API, bearer


def _checkout(api, token, branch, card, barcode):
    return api.post(
        f"{API}/staff/checkouts",
        {"branch_id": branch.pk, "card": card, "barcode": barcode},
        content_type="application/json",
        **bearer(token),
    )


def test_a_token_lends_and_takes_back_at_its_own_library(api, network, staff_token):
    member = make_member(card="20000000001111", home_organisation=network.a)
    copy = network.copy(network.a1)
    token = staff_token(network.a)

    lent = _checkout(api, token, network.a1, "20000000001111", copy.barcode)

    assert lent.status_code == 201, lent.content
    loan = Loan.objects.get(pk=lent.json()["loan_id"])
    assert loan.person == member
    event = AuditEvent.objects.get(event_type="circulation.loan.checked_out")
    assert event.actor_id == ApiToken.objects.get().created_by_id

    returned = api.post(
        f"{API}/staff/checkins",
        {"branch_id": network.a1.pk, "barcode": copy.barcode},
        content_type="application/json",
        **bearer(token),
    )
    assert returned.status_code == 200, returned.content
    assert returned.json()["action"] == "shelve"
    loan.refresh_from_db()
    assert loan.returned_at is not None


def test_another_librarys_items_and_branches_are_not_found(api, network, staff_token):
    make_member(card="20000000001111", home_organisation=network.b)
    theirs = network.copy(network.b1)
    ours = network.copy(network.a1)
    token = staff_token(network.a)

    assert api.get(f"{API}/staff/items/{ours.barcode}", **bearer(token)).status_code == 200
    assert api.get(f"{API}/staff/items/{theirs.barcode}", **bearer(token)).status_code == 404
    at_their_branch = _checkout(api, token, network.b1, "20000000001111", ours.barcode)
    assert at_their_branch.status_code == 404
    assert not Loan.objects.exists()


def test_a_token_is_narrowed_to_its_organisation_even_when_its_maker_works_at_two(
    api, network, staff_token
):
    maker = StaffRoleFactory(organisation=network.a, role="desk").user
    StaffRoleFactory(user=maker, organisation=network.b, role="desk")
    token = api_token_create(
        actor=maker, organisation=network.a, name="A", capabilities=["network.view"]
    ).secret
    theirs = network.copy(network.b1)
    assert api.get(f"{API}/staff/items/{theirs.barcode}", **bearer(token)).status_code == 404


def test_a_token_without_the_lending_capability_cannot_lend(api, network, staff_token):
    make_member(card="20000000001111", home_organisation=network.a)
    copy = network.copy(network.a1)
    token = staff_token(network.a, capabilities=["network.view"])

    refused = _checkout(api, token, network.a1, "20000000001111", copy.barcode)

    assert refused.status_code == 403
    assert refused.json()["code"] == "not_permitted"
    assert not Loan.objects.exists()


def test_no_token_can_do_more_than_its_maker(network):
    desk = StaffRoleFactory(organisation=network.a, role="desk").user
    with pytest.raises(NotPermitted):
        api_token_create(
            actor=desk, organisation=network.a, name="x", capabilities=["staff.manage"]
        )
    with pytest.raises(NotPermitted):
        api_token_create(
            actor=desk, organisation=network.b, name="x", capabilities=["network.view"]
        )
    with pytest.raises(InvalidApiToken):
        api_token_create(actor=desk, organisation=network.a, name="x", capabilities=["alles"])


def test_revoked_and_expired_tokens_and_those_of_departed_staff_stop_working(
    api, network, staff_token
):
    copy = network.copy(network.a1)
    url = f"{API}/staff/items/{copy.barcode}"
    revoked, expired, departed = (staff_token(network.a) for _ in range(3))
    for secret in (revoked, expired, departed):
        assert api.get(url, **bearer(secret)).status_code == 200

    api_token_revoke(actor=None, token=ApiToken.objects.get(token_hash=token_hash(revoked)))
    ApiToken.objects.filter(token_hash=token_hash(expired)).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    maker = ApiToken.objects.get(token_hash=token_hash(departed)).created_by
    maker.is_active = False
    maker.save(update_fields=["is_active"])

    for secret in (revoked, expired, departed):
        assert api.get(url, **bearer(secret)).status_code == 401


def test_the_maker_losing_their_role_takes_the_tokens_power_with_it(api, network, staff_token):
    copy = network.copy(network.a1)
    token = staff_token(network.a)
    maker = ApiToken.objects.get().created_by
    maker.staff_roles.all().delete()
    assert api.get(f"{API}/staff/items/{copy.barcode}", **bearer(token)).status_code == 404


def test_only_the_hash_is_stored_and_use_is_noted(api, network, staff_token):
    token = staff_token(network.a)
    stored = ApiToken.objects.get()
    assert token not in str(list(ApiToken.objects.values_list()))
    assert token not in str(list(AuditEvent.objects.values_list("details", flat=True)))
    assert stored.last_used_at is None
    api.get(f"{API}/staff/items/1", **bearer(token))
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_the_command_makes_a_token_that_works(api, network, capsys):
    maker = StaffRoleFactory(organisation=network.a, role="desk").user
    copy = network.copy(network.a1)

    call_command(
        "api_token", "create", "--by", maker.username, "--organisation", network.a.isil,
        "--name", "Website",
    )  # fmt: skip

    secret = capsys.readouterr().out.strip()
    assert api.get(f"{API}/staff/items/{copy.barcode}", **bearer(secret)).status_code == 200
    assert ApiToken.objects.get().capability_list == ["circulation.lend", "network.view"]


def test_administrators_see_their_librarys_tokens_in_the_admin_but_cannot_change_them(
    client, network, staff_token
):
    staff_token(network.a)
    staff_token(network.b)
    admin = StaffRoleFactory(organisation=network.a, role="administrator").user
    staff_login(client, admin)

    listing = client.get("/beheer/api/apitoken/")
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 1
    token = ApiToken.objects.get(organisation=network.a)
    page = client.get(f"/beheer/api/apitoken/{token.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert token.token_hash.encode() not in page.content
    assert client.get("/beheer/api/apitoken/add/").status_code == 403
