"""Journey 7 (issue 11), in a fresh demo network and a real Chromium: a member downloads
their data. A desk employee of her library lends Sanne a book and opens her member page;
Sanne then logs in,
opens "my data", downloads everything Samenbieb keeps about her as JSON (her card, her
loans and holds are in it), and sees that her library looked at her record today. Every
page passes the harness's checks (axe-core, keyboard, zoom, phone)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.urls import reverse

from samenbieb.circulation.models import Hold, Loan
from samenbieb.holdings.models import Item, ItemStatus
from samenbieb.interfaces.desk.circulation_desk import circulation_branches
from samenbieb.members.models import LibraryCard
from samenbieb.network.models import StaffUser
from tests.journeys.helpers import Desk, member_log_in

pytestmark = [pytest.mark.browser]

SANNE = "20000000000001"  # an adult member of Bibliotheek Utrecht in the demo


def _section(export: dict, key: str) -> dict:
    return next(section for section in export["sections"] if section["key"] == key)["data"]


def test_a_member_downloads_everything_kept_about_her_and_sees_who_looked(
    demo_network, live_server, browser_page, chromium
):
    sanne = LibraryCard.objects.get(barcode=SANNE).person
    branch = circulation_branches(StaffUser.objects.get(username="balie")).first()
    book = Item.objects.filter(current_branch=branch, status=ItemStatus.AVAILABLE).first()

    # 1. At the desk she borrows a book; the employee then opens her member page (a read
    #    that is audited).
    desk = Desk(chromium, live_server, "balie")
    desk.at(branch)
    assert desk.scan(SANNE) == "patron"
    assert desk.scan(book.barcode) == "checked_out"
    desk.browser.goto(live_server.url + reverse("desk:member", args=[sanne.pk]))
    desk.close()
    loan_titles = sorted(
        Loan.objects.filter(person=sanne).values_list("item__record__title", flat=True)
    )
    hold_titles = sorted(Hold.objects.filter(person=sanne).values_list("record__title", flat=True))
    assert book.record.title in loan_titles

    # 2. Sanne logs in and opens "my data" from "my account".
    page = browser_page.page
    browser_page.goto(f"{live_server.url}/inloggen/")
    member_log_in(browser_page, SANNE)
    browser_page.follow(lambda: page.locator("#privacy-links a").first.press("Enter"))
    assert sanne.family_name in page.locator("main").inner_text()

    # 3. She downloads it all as JSON: her card, her loans and her holds are there.
    with page.expect_download() as download:
        page.locator("#my-data-download").press("Enter")
    export = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    members = _section(export, "members")
    assert members["person"]["family_name"] == sanne.family_name
    assert SANNE in [card["card_number"] for card in members["cards"]]
    circulation = _section(export, "circulation")
    assert sorted(loan["title"] for loan in circulation["loans"]) == loan_titles
    assert sorted(hold["title"] for hold in circulation["holds"]) == hold_titles

    # 4. "Who looked at my data" names her library, never the employee.
    browser_page.goto(f"{live_server.url}{reverse('portal:my_data_access')}")
    lines = page.locator("#access-lines").inner_text()
    assert sanne.home_organisation.name in lines
    assert "balie" not in lines
    browser_page.screenshot("portal-who-looked")
    browser_page.assert_every_page_audited()
