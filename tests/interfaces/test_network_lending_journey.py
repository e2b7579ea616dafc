"""Issue 5's demonstration, in the demo network and a real Chromium: a member of library A
(Utrecht) reserves a title that only library B (Arnhem) holds; B's pick list shows it and
B sends it; A receives it and its hold shelf shows it; the member borrows it at A and
returns it at a branch of library C (Amersfoort); from there it travels home to B, which
receives it back on its shelf. Every page is checked by axe-core."""

from __future__ import annotations

import pytest
from django.db.models import Count, F, Q

from samenbieb.catalog.models import Record
from samenbieb.circulation.models import Hold, HoldStatus, Loan, Transit
from samenbieb.demo.members import DEMO_MEMBER_PASSWORD
from samenbieb.holdings.models import ItemStatus
from samenbieb.members.models import LibraryCard
from samenbieb.network.models import Branch
from tests.browser import AXE, AuditedPage, staff_code

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


class Desk:
    """One staff member's desk session, in a browser context of its own (as if at their
    own PC): each logs in once, since an authenticator code is accepted only once."""

    def __init__(self, chromium, live_server, username: str) -> None:
        context = chromium.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
        self.browser = AuditedPage(context.new_page(), AXE.read_text())
        self.page = self.browser.page
        self.url = live_server.url
        self.browser.goto(f"{self.url}/balie/uitlenen/")
        self.page.locator("input[name=username]").fill(username)
        self.page.locator("input[name=password]").fill("samenbieb-demo")
        self.page.locator("input[name=code]").fill(staff_code(username))
        self.browser.follow(lambda: self.page.get_by_role("button", name="Inloggen").click())
        assert self.page.url.endswith("/balie/uitlenen/")

    def at(self, branch: Branch) -> None:
        """Work at ``branch`` (staff of a library with several branches choose one)."""
        if self.page.locator("#branch-form").count():
            self.page.locator("#branch-form select").select_option(str(branch.pk))
            self.browser.follow(lambda: self.page.locator("#branch-form button").click())
        else:
            assert branch.name in self.page.locator("#desk-branch").inner_text()

    def open(self, nav_id: str) -> None:
        self.browser.follow(lambda: self.page.locator(f"#{nav_id}").click())

    def scan(self, value: str) -> str:
        self.page.locator("#scan-barcode").fill(value)
        self.browser.follow(lambda: self.page.locator("#scan-barcode").press("Enter"))
        return self.page.locator("#scan-feedback").get_attribute("data-code") or ""


def test_a_title_of_library_b_reaches_a_member_of_library_a_and_goes_home_after_return_at_c(
    demo_network, live_server, browser_page, chromium
):
    record = _title_held_only_by("NL-ArBR")
    assert record is not None, "the demo has titles held by Arnhem alone"
    sanne = LibraryCard.objects.get(barcode=SANNE).person
    page = browser_page.page

    # 1. Sanne reserves the title in the portal, for pickup at her own library.
    browser_page.goto(f"{live_server.url}/titels/{record.pk}/")
    browser_page.follow(lambda: page.locator("#hold-login").click())
    page.get_by_label("Pasnummer of e-mailadres").fill(SANNE)
    page.get_by_label("Wachtwoord").fill(DEMO_MEMBER_PASSWORD)
    browser_page.follow(lambda: page.get_by_role("button", name="Inloggen").click())
    browser_page.follow(lambda: page.locator("#hold-submit").click())
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
        desk.browser.assert_every_page_audited()
        desk.page.context.close()
