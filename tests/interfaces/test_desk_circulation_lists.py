"""The branch's circulation lists at the desk: the pick list, the hold shelf and transits.
Scanning on any of them is a check-in at this branch, which routes the item."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from samenbieb.circulation import services
from samenbieb.circulation.models import Hold, HoldStatus, Transit
from samenbieb.holdings.models import ItemStatus
from tests.factories import RecordFactory
from tests.interfaces.desk_circulation_support import (
    answer,
    desk_client,
    item_at,
    library_with_branches,
    member_of,
    post,
    scan,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def utrecht():
    return library_with_branches("Utrecht")


@pytest.fixture
def desk(utrecht):
    client, _user = desk_client(utrecht[0])
    return client


@pytest.fixture
def member(utrecht):
    return member_of(utrecht[0], given_name="Henk", family_name="Pieters")


def _hold(person, item, pickup) -> Hold:
    return services.hold_place(actor=None, person=person, record=item.record, pickup_branch=pickup)


def test_the_pick_list_shows_what_to_pull_and_a_scan_puts_it_on_the_hold_shelf(
    desk, utrecht, member
):
    _library, centrum, _noord = utrecht
    item = item_at(centrum, shelf_mark="ROMA JANS", record=RecordFactory(title="De Aanslag"))
    hold = _hold(member[0], item, centrum)

    page = answer(desk.get(reverse("desk:pick_list")))
    assert page.status == 200
    assert f'data-hold="{hold.pk}"' in page.html
    for text in ("De Aanslag", "ROMA JANS", item.barcode, centrum.name):
        assert text in page.html
    assert "data-print" in page.html

    picked = scan(desk, item.barcode, page="pick_list")
    assert (picked.level, picked.code) == ("instruction", "hold_shelf")
    hold.refresh_from_db()
    assert hold.status == HoldStatus.READY
    assert f'data-hold="{hold.pk}"' not in picked.html  # off the pick list

    shelf = answer(desk.get(reverse("desk:hold_shelf")))
    assert "Henk Pieters" in shelf.html
    assert f"{hold.expires_on:%d-%m-%Y}" in shelf.html


def test_an_item_picked_for_another_branch_travels_and_is_received_there(desk, utrecht, member):
    _library, centrum, noord = utrecht
    item = item_at(centrum)
    hold = _hold(member[0], item, noord)

    sent = scan(desk, item.barcode, page="pick_list")
    assert (sent.level, sent.code) == ("instruction", "transit_hold")
    transit = Transit.objects.get(item=item, received_at__isnull=True)
    outgoing = answer(desk.get(reverse("desk:transits")))
    assert f'data-transit="{transit.pk}"' in outgoing.html
    assert 'id="transits-outgoing"' in outgoing.html

    post(desk, "circulation_branch", branch=str(noord.pk), next_page="transits")
    incoming = answer(desk.get(reverse("desk:transits")))
    assert f'data-transit="{transit.pk}"' in incoming.html
    assert 'id="transits-incoming"' in incoming.html

    received = scan(desk, item.barcode, page="transits")
    assert received.code == "hold_shelf"
    hold.refresh_from_db()
    assert hold.status == HoldStatus.READY
    assert Transit.objects.get(pk=transit.pk).received_at is not None


def test_transits_taking_too_long_are_marked_in_words_not_only_colour(desk, utrecht, member):
    _library, centrum, noord = utrecht
    item = item_at(centrum)
    _hold(member[0], item, noord)
    scan(desk, item.barcode, page="pick_list")
    transit = Transit.objects.get(item=item)
    Transit.objects.filter(pk=transit.pk).update(sent_at=timezone.now() - dt.timedelta(days=60))
    page = answer(desk.get(reverse("desk:transits")))
    assert 'id="transits-too-long"' in page.html
    assert f'data-transit="{transit.pk}" class="too-long"' in page.html


def test_an_expired_hold_is_listed_to_clear_and_a_scan_clears_it(desk, utrecht, member):
    _library, centrum, _noord = utrecht
    item = item_at(centrum)
    hold = _hold(member[0], item, centrum)
    scan(desk, item.barcode, page="pick_list")
    hold.refresh_from_db()
    later = timezone.make_aware(
        dt.datetime.combine(hold.expires_on + dt.timedelta(days=2), dt.time(9))
    )
    services.holds_expire(now=later)

    shelf = answer(desk.get(reverse("desk:hold_shelf")))
    assert 'id="hold-shelf-to-clear"' in shelf.html
    assert f'data-barcode="{item.barcode}"' in shelf.html

    cleared = scan(desk, item.barcode, page="hold_shelf")
    assert cleared.code == "shelve"
    item.refresh_from_db()
    assert item.status == ItemStatus.AVAILABLE


def test_another_librarys_desk_sees_none_of_our_hold_shelf(desk, utrecht, member):
    _library, centrum, _noord = utrecht
    item = item_at(centrum)
    _hold(member[0], item, centrum)
    scan(desk, item.barcode, page="pick_list")

    zeist, _main, _other = library_with_branches("Zeist")
    zeist_desk, _user = desk_client(zeist)
    for name in ("hold_shelf", "pick_list", "transits"):
        html = answer(zeist_desk.get(reverse(f"desk:{name}"))).html
        assert "Henk Pieters" not in html
        assert item.barcode not in html
    refused = post(zeist_desk, "circulation_branch", branch=str(centrum.pk), next_page="hold_shelf")
    assert refused.code == "branch_not_allowed"
    assert "Henk Pieters" not in refused.html


def test_a_scan_page_that_does_not_exist_is_not_found(desk):
    response = desk.post(reverse("desk:checkin_scan", args=["elders"]), {"barcode": "X1234"})
    assert response.status_code == 404


def _queries_per_page(client) -> dict[str, int]:
    counts = {}
    for name in ("pick_list", "hold_shelf", "transits"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(f"desk:{name}")).status_code == 200
        counts[name] = len(queries)
    return counts


def test_the_lists_read_the_same_number_of_queries_for_few_or_many_holds(utrecht):
    library, centrum, noord = utrecht
    counts = []
    for size in (1, 4):
        desk, _user = desk_client(library)
        person, _card = member_of(library)
        for _n in range(size):
            # One to pick, one on the hold shelf and one on its way, per round.
            _hold(person, item_at(centrum), centrum)
            shelved = item_at(centrum)
            _hold(person, shelved, centrum)
            scan(desk, shelved.barcode, page="pick_list")
            travelling = item_at(centrum)
            _hold(person, travelling, noord)
            scan(desk, travelling.barcode, page="pick_list")
        counts.append(_queries_per_page(desk))
    assert counts[0] == counts[1]
