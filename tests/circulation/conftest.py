"""A small network for circulation: three libraries in two provinces, open Monday to Saturday.

    Library A (Utrecht): branches A1, A2      Library B (Utrecht): branch B1
    Library C (Noord-Holland): branch C1

Rules: each library lends 21 days, 2 renewals, at most 10 loans, a € 0.50 hold fee, € 0.25 a
day late up to € 3.00. The clock is fixed at Wednesday 18 November 2026, 10:00.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from samenbieb.network.models import Branch, Organisation
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

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=AMSTERDAM)  # a Wednesday
TODAY = NOW.date()


def days_later(days: int, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(TODAY + dt.timedelta(days=days), dt.time(hour), tzinfo=AMSTERDAM)


@dataclass
class Network:
    a: Organisation
    b: Organisation
    c: Organisation
    a1: Branch
    a2: Branch
    b1: Branch
    c1: Branch

    def member(self, library: Organisation, **fields):
        """A member of ``library`` with a card and a membership valid all of 2026–2027."""
        person = PersonFactory(home_organisation=library, **fields)
        LibraryCardFactory(person=person)
        MembershipFactory(
            person=person, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2027, 12, 31)
        )
        return person

    def copy(self, branch: Branch, record=None, **fields):
        """A copy owned by the branch's library, on the shelf at ``branch``."""
        return ItemFactory(
            organisation=branch.organisation,
            home_branch=branch,
            record=record or RecordFactory(),
            replacement_price="24.95",
            **fields,
        )


def _open_monday_to_saturday(branch: Branch) -> None:
    for weekday in range(6):
        OpeningHoursFactory(branch=branch, weekday=weekday)


@pytest.fixture
def network(db) -> Network:
    a = OrganisationFactory(short_name="A", province="UT")
    b = OrganisationFactory(short_name="B", province="UT")
    c = OrganisationFactory(short_name="C", province="NH")
    branches = {
        "a1": BranchFactory(organisation=a, name="A-Centrum"),
        "a2": BranchFactory(organisation=a, name="A-Noord"),
        "b1": BranchFactory(organisation=b, name="B-Centrum"),
        "c1": BranchFactory(organisation=c, name="C-Centrum"),
    }
    for branch in branches.values():
        _open_monday_to_saturday(branch)
    for library in (a, b, c):
        CirculationRuleFactory(
            organisation=library,
            loan_days=21,
            renewals_allowed=2,
            max_loans=10,
            hold_fee="0.50",
            fine_per_day="0.25",
            fine_cap="3.00",
        )
    return Network(a=a, b=b, c=c, **branches)
