"""My account lists the member's holds with their status in words; a hold is cancelled
after a confirmation; nobody reaches another member's hold."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from samenbieb.circulation import services
from samenbieb.circulation.models import Hold, HoldStatus
from tests.factories import BranchFactory, RecordFactory
from tests.interfaces.portal.circulation_helpers import copy_at, lend_copy, member, reserve

pytestmark = pytest.mark.django_db

ACCOUNT = reverse("portal:account")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def branch(library):
    return BranchFactory(organisation=library, name="Centrale Bibliotheek", kind="main")


def _waiting_title(branch):
    """A title whose only copy is lent out."""
    record = RecordFactory()
    lend_copy(member(), copy_at(branch, record))
    return record


def _row(page: str, hold: Hold) -> str:
    start = page.index(f'id="hold-{hold.pk}"')
    return page[start : page.index("</tr>", start)]


def test_holds_are_listed_with_their_status_in_words(logged_in, portal_member, branch):
    person = portal_member.person
    reserve(member(), queued := _waiting_title(branch), branch)
    waiting = reserve(person, queued, branch)
    ready = reserve(person, copy_at(branch).record, branch)  # on the shelf here: set aside
    services.loan_checkin(actor=None, branch=branch, barcode=ready.item.barcode)
    ready.refresh_from_db()
    travelling_copy = copy_at(BranchFactory(name="Elders"))
    travelling = reserve(person, travelling_copy.record, branch)
    assert (waiting.status, ready.status, travelling.status) == (
        HoldStatus.WAITING,
        HoldStatus.READY,
        HoldStatus.TO_PICK,
    )

    page = logged_in.get(ACCOUNT, **EN).content.decode()
    assert "you are number 2 in the queue" in _row(page, waiting)
    assert "Ready for you at Centrale Bibliotheek until" in _row(page, ready)
    assert "On its way to Centrale Bibliotheek" in _row(page, travelling)
    for hold in (waiting, ready, travelling):
        assert reverse("portal:hold_cancel", args=[hold.pk]) in _row(page, hold)


def test_cancelling_asks_first_then_cancels(logged_in, portal_member, branch):
    hold = reserve(portal_member.person, _waiting_title(branch), branch)
    confirm = reverse("portal:hold_cancel", args=[hold.pk])
    page = logged_in.get(confirm)
    assert page.status_code == 200
    assert 'id="hold-cancel-confirm"' in page.content.decode()
    hold.refresh_from_db()
    assert hold.status == HoldStatus.WAITING  # asking changes nothing

    response = logged_in.post(confirm)
    assert response["Location"] == f"{ACCOUNT}#reserveringen"
    hold.refresh_from_db()
    assert hold.status == HoldStatus.CANCELLED
    after = logged_in.get(ACCOUNT)
    assert [m.level_tag for m in after.context["messages"]] == ["success"]
    assert after.context["holds"] == []
    assert logged_in.get(confirm).status_code == 404  # no longer active


def test_a_member_never_sees_or_cancels_another_members_hold(logged_in, portal_member, branch):
    record = _waiting_title(branch)
    mine = reserve(portal_member.person, record, branch)
    theirs = reserve(member(), record, branch)
    page = logged_in.get(ACCOUNT).content.decode()
    assert f'id="hold-{mine.pk}"' in page
    assert f'id="hold-{theirs.pk}"' not in page
    for name in ("portal:hold", "portal:hold_cancel"):
        assert logged_in.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert logged_in.post(reverse("portal:hold_cancel", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == HoldStatus.WAITING


def test_hold_pages_need_a_login(client: Client, portal_member, branch):
    hold = reserve(portal_member.person, _waiting_title(branch), branch)
    for name in ("portal:hold", "portal:hold_cancel"):
        response = client.get(reverse(name, args=[hold.pk]))
        assert response["Location"].startswith(reverse("portal:login"))
    client.post(reverse("portal:hold_cancel", args=[hold.pk]))
    hold.refresh_from_db()
    assert hold.status == HoldStatus.WAITING
