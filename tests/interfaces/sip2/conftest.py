"""A small network for SIP2: library A (branches A1, A2) and library B (branch B1), open
Monday to Saturday, lending 21 days with 2 renewals; a kiosk at A1; members with a PIN.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from samenbieb.interfaces.sip2 import codec, handlers
from samenbieb.network.models import Branch, Organisation
from samenbieb.selfservice.models import Kiosk
from samenbieb.selfservice.services import kiosk_add
from tests.factories import (
    BranchFactory,
    CirculationRuleFactory,
    ItemFactory,
    LibraryCardFactory,
    MembershipFactory,
    OpeningHoursFactory,
    OrganisationFactory,
    PersonFactory,
    RecordFactory,
)

PIN = "geheim-1234-pin"
KIOSK_PASSWORD = "kiosk-wachtwoord-1"


@dataclass
class World:
    a: Organisation
    b: Organisation
    a1: Branch
    a2: Branch
    b1: Branch
    kiosk: Kiosk

    def member(self, library: Organisation | None = None, *, pin: str = PIN, **fields):
        """A member with a card, a membership valid a year either side of today, and a PIN."""
        today = timezone.localdate()
        person = PersonFactory(home_organisation=library or self.a, **fields)
        person.set_password(pin)
        person.save(update_fields=["password"])
        card = LibraryCardFactory(person=person)
        MembershipFactory(
            person=person,
            starts_on=today - dt.timedelta(days=365),
            ends_on=today + dt.timedelta(days=365),
        )
        person.card = card.barcode
        return person

    def copy(self, branch: Branch, record=None, **fields):
        return ItemFactory(
            organisation=branch.organisation,
            home_branch=branch,
            record=record or RecordFactory(),
            replacement_price="24.95",
            **fields,
        )


def world_build() -> World:
    a = OrganisationFactory(short_name="A", province="UT")
    b = OrganisationFactory(short_name="B", province="UT")
    a1 = BranchFactory(organisation=a, name="A-Centrum", code="centrum")
    a2 = BranchFactory(organisation=a, name="A-Noord", code="noord")
    b1 = BranchFactory(organisation=b, name="B-Centrum", code="centrum")
    for branch in (a1, a2, b1):
        for weekday in range(6):
            OpeningHoursFactory(branch=branch, weekday=weekday)
    for library in (a, b):
        CirculationRuleFactory(
            organisation=library,
            loan_days=21,
            renewals_allowed=2,
            max_loans=10,
            hold_fee="0.50",
            fine_per_day="0.25",
            fine_cap="3.00",
        )
    kiosk = kiosk_add(
        actor=None, branch=a1, username="kiosk-a1", password=KIOSK_PASSWORD, language="en"
    )
    return World(a=a, b=b, a1=a1, a2=a2, b1=b1, kiosk=kiosk)


@pytest.fixture
def world(db) -> World:
    return world_build()


@pytest.fixture
def session(world) -> handlers.SessionState:
    """A connection on which the kiosk at A1 has logged in."""
    state = handlers.SessionState(peer_ip="127.0.0.1")
    reply = exchange(state, f"9300CN{world.kiosk.username}|CO{KIOSK_PASSWORD}|")
    assert reply.fixed["ok"] == "1"
    return state


def exchange(state: handlers.SessionState, request: str, *, now=None) -> codec.Message:
    """Send ``request`` as a kiosk would (parsed from the wire), return the reply as read
    back from the wire."""
    raw = request.encode(state.encoding)
    if raw.endswith(b"AZ"):  # error detection: the kiosk adds the checksum
        raw += codec.checksum(raw).encode()
    message = codec.parse(raw + b"\r", encoding=state.encoding)
    reply = handlers.handle(state, message, now=now)
    wire = codec.format_message(reply, encoding=state.encoding, sequence=message.sequence)
    return codec.parse(wire, encoding=state.encoding)


def stamp(moment: dt.datetime | None = None) -> str:
    return codec.format_timestamp(timezone.localtime(moment or timezone.now()))


BLANK_DATE = " " * 18
