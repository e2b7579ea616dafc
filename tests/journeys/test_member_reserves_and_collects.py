"""Journey 1 (issue 11, and issue 5's demonstration), in a fresh demo network and a real
Chromium: a member of library A (Utrecht) searches the catalogue and reserves a title
that only library B (Arnhem) holds, for pickup at her own branch; B's pick list shows it
and B sends it; A receives it and its hold shelf shows it; the member sees in "my
account" that it is ready for pickup, and borrows it at A; she returns it at a branch of
library C (Amersfoort); from there it travels home to B, which receives it back on its
shelf. Every page passes the harness's checks (axe-core, keyboard, zoom, phone)."""

from __future__ import annotations

import pytest
from django.db.models import Count, F, Q

from samenbieb.catalog.models import Record
from samenbieb.circulation.models import Hold, HoldStatus, Loan, Transit
from samenbieb.holdings.models import ItemStatus
from samenbieb.members.models import LibraryCard
from tests.journeys.helpers import Desk, member_log_in

pytestmark = [pytest.mark.browser]

SANNE = "20000000000001"  # a demo member of Bibliotheek Utrecht (library A)


def _title_held_only_by(isil: str) -> Record:
    """A demo title with copies at library ``isil`` and nowhere else, all on the shelf."""
    return (
        Record.objects.annotate(
            theirs=Count("items", filter=Q(items__organisation__isil=isil)),
            everyone=Count("items"),
        )
        .filter(theirs__gt=0, theirs=F("everyone"))
        .exclude(items__status__in=[s for s in ItemStatus.values if s != ItemStatus.AVAILABLE])
        .order_by("pk")
        .first()
    )


def test_a_title_of_library_b_reaches_a_member_of_library_a_and_goes_home_after_return_at_c(
    demo_network, live_server, browser_page, chromium
):
    record = _title_held_only_by("NL-ArBR")
    assert record is not None, "the demo has titles held by Arnhem alone"
    sanne = LibraryCard.objects.get(barcode=SANNE).person
    page = browser_page.page

    # 1. Sanne searches for the title in the portal and reserves it, for pickup at her own
    #    library.
    browser_page.goto(f"{live_server.url}/")
    page.get_by_label("Titel, auteur, onderwerp of ISBN").fill(record.title)
    browser_page.follow(
        lambda: page.get_by_label("Titel, auteur, onderwerp of ISBN").press("Enter")
    )
    browser_page.follow(
        lambda: page.locator(f'.hits a[href="/titels/{record.pk}/"]').first.press("Enter")
    )
    browser_page.follow(lambda: page.locator("#hold-login").press("Enter"))
    member_log_in(browser_page, SANNE)
    browser_page.follow(lambda: page.locator("#hold-submit").press("Enter"))
    hold = Hold.objects.get(person=sanne, record=record)
    pickup = hold.pickup_branch
    assert pickup.organisation.isil == "NL-UtBU"
    assert hold.status == HoldStatus.TO_PICK
    item = hold.item
    assert item.organisation.isil == "NL-ArBR"

    # 2. Arnhem's pick list shows the copy; the pick scan sends it to Utrecht.
    arnhem = Desk(chromium, live_server, "balie-arnhem")
    arnhem.at(item.current_branch)
    arnhem.open("nav-pick-list")
    assert arnhem.page.locator(f'#pick-list tr[data-barcode="{item.barcode}"]').count() == 1
    assert arnhem.scan(item.barcode) == "transit_hold"
    assert pickup.name in arnhem.page.locator("#scan-feedback").inner_text()
    transit = Transit.objects.get(item=item, received_at__isnull=True)
    assert transit.to_branch == pickup

    # 3. Utrecht receives it: the transit ends and the copy goes on the hold shelf.
    utrecht = Desk(chromium, live_server, "balie")
    utrecht.at(pickup)
    utrecht.open("nav-transits")
    assert utrecht.page.locator(f'#transits-incoming tr[data-transit="{transit.pk}"]').count() == 1
    assert utrecht.scan(item.barcode) == "hold_shelf"
    utrecht.open("nav-hold-shelf")
    assert utrecht.page.locator(f'#hold-shelf tr[data-hold="{hold.pk}"]').count() == 1
    assert "Sanne" in utrecht.page.locator(f'#hold-shelf tr[data-hold="{hold.pk}"]').inner_text()

    # Sanne sees in "my account" that her book is ready, and where to pick it up.
    browser_page.goto(f"{live_server.url}/mijn-account/")
    row = page.locator(f"#hold-{hold.pk}")
    assert row.get_attribute("data-status") == HoldStatus.READY
    assert "Ligt voor je klaar bij" in row.inner_text()
    assert pickup.name in row.inner_text()
    row.scroll_into_view_if_needed()
    browser_page.screenshot("portal-hold-ready")

    # 4. Sanne borrows it at Utrecht's desk.
    utrecht.open("nav-circulation")
    assert utrecht.scan(SANNE) == "patron"
    assert utrecht.scan(item.barcode) == "checked_out"
    loan = Loan.objects.get(item=item, returned_at__isnull=True)
    assert loan.person == sanne
    assert loan.branch == pickup
    assert loan.owner_organisation.isil == "NL-ArBR"
    hold.refresh_from_db()
    assert hold.status == HoldStatus.FULFILLED

    # 5. She returns it in Amersfoort (library C): it travels home to Arnhem.
    amersfoort = Desk(chromium, live_server, "balie-amersfoort")
    assert amersfoort.scan(item.barcode) == "transit_home"
    assert item.home_branch.name in amersfoort.page.locator("#scan-feedback").inner_text()
    item.refresh_from_db()
    assert item.status == ItemStatus.IN_TRANSIT
    home_transit = Transit.objects.get(item=item, received_at__isnull=True)
    assert home_transit.to_branch == item.home_branch
    assert home_transit.from_branch.organisation.isil == "NL-AmfBA"

    # 6. Arnhem receives it back on its shelf.
    arnhem.at(item.home_branch)
    arnhem.open("nav-transits")
    assert arnhem.scan(item.barcode) == "shelve"
    item.refresh_from_db()
    assert item.status == ItemStatus.AVAILABLE
    assert item.current_branch == item.home_branch
    for desk in (arnhem, utrecht, amersfoort):
        desk.close()
