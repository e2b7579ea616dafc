"""Shared set-up for the desk circulation tests: a library with two open branches, a desk
employee logged in, and a member with a card and a valid membership."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samenbieb.network.models import Branch, Organisation
from samenbieb.network.roles import Role
from tests.factories import (
    BranchFactory,
    ItemFactory,
    LibraryCardFactory,
    MembershipFactory,
    OpeningHoursFactory,
    OrganisationFactory,
    PersonFactory,
    StaffRoleFactory,
    staff_login,
)

FEEDBACK = re.compile(
    r'id="scan-feedback"[^>]*data-level="(?P<level>[a-z]+)" data-code="(?P<code>[a-z_]+)"'
)


def open_every_day(branch: Branch) -> Branch:
    for weekday in range(7):
        OpeningHoursFactory(branch=branch, weekday=weekday)
    return branch


def library_with_branches(name: str) -> tuple[Organisation, Branch, Branch]:
    library = OrganisationFactory(name=f"Bibliotheek {name}", short_name=name)
    main = open_every_day(BranchFactory(organisation=library, name=f"{name} Centrum"))
    other = open_every_day(BranchFactory(organisation=library, name=f"{name} Noord"))
    return library, main, other


def member_of(library: Organisation, *, valid: bool = True, **person: Any) -> tuple[Any, str]:
    """A member of ``library`` with an active card; returns (person, card number)."""
    today = timezone.localdate()
    person_obj = PersonFactory(home_organisation=library, **person)
    card = LibraryCardFactory(person=person_obj)
    if valid:
        MembershipFactory(
            person=person_obj,
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=335),
        )
    else:
        MembershipFactory(
            person=person_obj,
            starts_on=today - dt.timedelta(days=400),
            ends_on=today - dt.timedelta(days=35),
        )
    return person_obj, card.barcode


def desk_client(library: Organisation, role: str = Role.DESK) -> tuple[Client, Any]:
    user = StaffRoleFactory(organisation=library, role=role).user
    client = Client()
    staff_login(client, user)
    return client, user


def item_at(branch: Branch, **fields: Any) -> Any:
    return ItemFactory(organisation=branch.organisation, home_branch=branch, **fields)


@dataclass
class Answer:
    status: int
    level: str | None
    code: str | None
    html: str


def answer(response: Any) -> Answer:
    html = response.content.decode()
    match = FEEDBACK.search(html)
    return Answer(
        status=response.status_code,
        level=match["level"] if match else None,
        code=match["code"] if match else None,
        html=html,
    )


def scan(client: Client, value: str, page: str | None = None) -> Answer:
    """Scan ``value`` on the circulation screen (or on a list page) and follow the redirect."""
    url = reverse("desk:checkin_scan", args=[page]) if page else reverse("desk:circulation_scan")
    return answer(client.post(url, {"barcode": value}, follow=True))


def post(client: Client, name: str, *args: Any, **data: Any) -> Answer:
    return answer(client.post(reverse(f"desk:{name}", args=args), data, follow=True))
