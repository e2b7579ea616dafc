"""Loans, holds and charges in /beheer/: the lending library's staff read them, nobody
edits them there (they change only through the circulation services)."""

from __future__ import annotations

import pytest

from samenbieb.circulation import services
from tests.circulation.conftest import NOW
from tests.factories import StaffRoleFactory, staff_login

pytestmark = pytest.mark.django_db


def test_desk_staff_see_their_librarys_loans_read_only_and_not_other_libraries(client, network):
    member = network.member(network.a)
    ours = services.loan_checkout(
        actor=None,
        branch=network.a1,
        person=member,
        barcode=network.copy(network.a1).barcode,
        now=NOW,
    )
    theirs = services.loan_checkout(
        actor=None,
        branch=network.b1,
        person=member,
        barcode=network.copy(network.b1).barcode,
        now=NOW,
    )
    staff_login(client, StaffRoleFactory(organisation=network.a, role="desk").user)
    listing = client.get("/beheer/circulation/loan/")
    assert listing.status_code == 200
    assert ours.item.barcode in listing.content.decode()
    assert theirs.item.barcode not in listing.content.decode()
    assert client.get(f"/beheer/circulation/loan/{ours.pk}/change/").status_code == 200
    assert client.get(f"/beheer/circulation/loan/{theirs.pk}/change/").status_code in (
        302,
        403,
        404,
    )
    assert client.get("/beheer/circulation/loan/add/").status_code == 403
    before = ours.due_on
    client.post(f"/beheer/circulation/loan/{ours.pk}/change/", {"due_on": "2030-01-01"})
    ours.refresh_from_db()
    assert ours.due_on == before
