"""Synthetic loans for benchmarks: step ``loans`` of ``samenbieb generate``.

Loans of the synthetic network's copies by its members over the three years before
``today``, simulated day by day, so each copy is lent to one member at a time:

- **When.** More loans on Saturdays and Wednesday afternoons, few on Sundays, more in
  the winter and the summer holidays, fewer in December (:data:`WEEKDAY_WEIGHTS`,
  :data:`MONTH_WEIGHTS`); at a time the lending branch is open (its weekly hours and the
  closures of the network step), and due back on a day it is open.
- **Who.** Members borrow while their membership runs (from the day they joined, up to
  the day a lapsed membership ended), from age four; some borrow a lot, many little,
  about a third nothing (a lognormal activity). Children mostly borrow children's books.
  The age band on the loan is the member's age on the day; the plan is their plan at
  the lending library (the youth plan while under 18), none when they borrow elsewhere.
- **Where.** Most loans are of the member's own library's copies at its branches (the
  copy's own branch, or the member's usual branch); some copies come from another library
  for a network hold, and some members borrow at another library's branch while there.
- **Terms.** The lending library's effective rule (:func:`rule_effective`) for the item
  type, plan and age band: loan period, renewals, fines. Most items come back around the
  due date, some early, some renewed, some late (no fines are charged here).
- **Privacy.** A returned loan keeps its member only when the member chose to keep their
  loan history (their latest ``loan_history`` consent); the others are anonymous.
- **Still out.** Every copy the items step marked ``on_loan`` gets one open loan (as far as
  ``count`` reaches), checked out in the last weeks by a member of its library mostly,
  renewed or late as its due dates passed; the copy's history ends before it. Copies left
  ``on_loan`` without a loan go back on the shelf, so item status, open loans and the search
  index's availability agree, and the search index rarely needs a refresh.

Rows go in with :func:`~samenbieb.core.bulk.bulk_insert` (COPY on PostgreSQL) in batches;
for a large load on PostgreSQL the loan table's secondary indexes and foreign keys are
dropped for the load and built again afterwards (one sort per index, one validating join
per key, instead of millions of index insertions and deferred row checks at commit).
"""

from __future__ import annotations

import datetime as dt
import random
from array import array
from bisect import bisect
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from typing import Any
from zoneinfo import ZoneInfo

from django.db import OperationalError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from samenbieb.catalog import search
from samenbieb.circulation.models import AGE_BAND_LOWEST_AGES, CirculationRule, Loan
from samenbieb.circulation.rules import rule_effective
from samenbieb.core.bulk import bulk_insert
from samenbieb.holdings.models import Item, ItemStatus, ItemType
from samenbieb.members.models import ConsentKind, MembershipPlan
from samenbieb.network.generate import LENDING_KINDS, generated_organisations
from samenbieb.network.models import Branch, Closure, OpeningHours, OrganisationKind

Progress = Callable[[str], None]

ZONE = ZoneInfo("Europe/Amsterdam")
WINDOW_DAYS = 3 * 365
BATCH = 100_000  # loans per COPY
# Above this many loans, PostgreSQL loads into the table without its secondary indexes
# and foreign keys, and builds them again afterwards.
REBUILD_FROM = 200_000
MIN_AGE = 4
WEEKDAY_WEIGHTS = (0.75, 0.95, 1.15, 0.95, 1.0, 1.35, 0.3)  # Monday first
MONTH_WEIGHTS = (1.1, 1.0, 1.0, 0.95, 0.9, 0.9, 1.15, 1.1, 0.95, 1.0, 1.0, 0.85)
ACTIVITY_SIGMA = 0.9
INACTIVE_SHARE = 0.3  # members who borrowed nothing in the window
# Where a loan comes from: the member's own library, a copy of another library sent for
# a network hold (lent at the member's library), or a visit to another library.
OWN, NETWORK_HOLD, VISIT = 0, 1, 2
SOURCE_WEIGHTS = tuple(accumulate((0.88, 0.07, 0.05)))
AT_USUAL_BRANCH = 0.3  # own-library loans at the member's usual branch, not the copy's
RETURNED_ELSEWHERE = 0.12  # returned at another branch of the lending library
# Share of children's books chosen, by age band (child, youth, adult, senior).
YOUTH_BOOK_SHARE = {"child": 0.85, "youth": 0.45, "adult": 0.08, "senior": 0.05}
NEVER = 2**62
# How long ago the open loans were checked out: mostly within a loan period or two.
OPEN_LOAN_MEAN_AGE_DAYS = 16
OPEN_LOAN_MAX_AGE_DAYS = 120
OPEN_LOAN_OWN_LIBRARY = 0.92  # open loans by members of the copy's library
RENEWED_WHEN_DUE = 0.7  # an open loan whose due date passed was renewed, else it is late
REFRESH_ONE_BY_ONE = 5_000  # fewer titles changed than this: refresh them one by one
LOAN_FIELDS = (
    "item", "person", "branch", "organisation", "owner_organisation", "home_organisation",
    "item_type", "age_band", "plan", "checked_out_at", "due_on", "renewals",
    "renewals_allowed", "fine_per_day", "fine_cap", "returned_at", "return_branch",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Terms:
    loan_days: int
    renewals_allowed: int
    fine_per_day: Decimal
    fine_cap: Decimal | None


@dataclass
class _Library:
    id: int
    branches: list[int] = field(default_factory=list)  # lending branches
    youth_items: array[int] = field(default_factory=lambda: array("l"))  # item positions
    other_items: array[int] = field(default_factory=lambda: array("l"))
    plans: dict[str, int] = field(default_factory=dict)  # plan code → id


class _Network:
    """What the simulation reads from the database, in compact arrays by position."""

    def __init__(self, today: dt.date, progress: Progress | None) -> None:
        self.today = today
        libraries = list(
            generated_organisations()
            .filter(kind=OrganisationKind.LIBRARY)
            .order_by("id")
            .values_list("id", flat=True)
        )
        self.libraries = [_Library(pk) for pk in libraries]
        self.library_at = {library.id: index for index, library in enumerate(self.libraries)}
        self._branches(libraries)
        self._items(libraries, progress)
        self._persons(libraries, progress)

    def _branches(self, libraries: list[int]) -> None:
        branches = Branch.objects.filter(
            organisation_id__in=libraries, kind__in=LENDING_KINDS, is_active=True
        ).order_by("id")
        self.branch_library: dict[int, int] = {}
        for pk, organisation_id in branches.values_list("id", "organisation_id"):
            self.libraries[self.library_at[organisation_id]].branches.append(pk)
            self.branch_library[pk] = organisation_id
        # {branch: {weekday: [(opens, closes) in seconds after midnight]}}
        self.hours: dict[int, dict[int, list[tuple[int, int]]]] = defaultdict(dict)
        for branch_id, weekday, opens, closes in (
            OpeningHours.objects.filter(branch_id__in=self.branch_library)
            .order_by("branch_id", "weekday", "opens")
            .values_list("branch_id", "weekday", "opens", "closes")
        ):
            self.hours[branch_id].setdefault(weekday, []).append(
                (opens.hour * 3600 + opens.minute * 60, closes.hour * 3600 + closes.minute * 60)
            )
        first = self.today - dt.timedelta(days=WINDOW_DAYS)
        last = self.today + dt.timedelta(days=200)
        self.closed: set[tuple[int, int]] = set()  # (organisation or -branch, ordinal)
        for organisation_id, branch_id, start, end in Closure.objects.filter(
            organisation_id__in=libraries, end_date__gte=first, start_date__lte=last
        ).values_list("organisation_id", "branch_id", "start_date", "end_date"):
            key = -branch_id if branch_id is not None else organisation_id
            for ordinal in range(max(start, first).toordinal(), min(end, last).toordinal() + 1):
                self.closed.add((key, ordinal))

    def _items(self, libraries: list[int], progress: Progress | None) -> None:
        youth_types = set(ItemType.objects.filter(code="youth-book").values_list("id", flat=True))
        self.item_id = array("l")
        self.item_library = array("l")  # organisation id
        self.item_branch = array("l")
        self.item_type = array("l")
        self.item_acquired = array("l")  # ordinal
        self.item_on_loan = bytearray()  # on loan now, as the items step left it
        self.item_free_from = array("l")  # ordinal from which the copy is back
        self.item_open_from = array("l")  # ordinal of the checkout of its open loan
        items = (
            Item.objects.filter(organisation_id__in=libraries)
            .order_by("id")
            .values_list("id", "organisation_id", "home_branch_id", "item_type_id", "status",
                         "acquired_on")
        )  # fmt: skip
        for position, (pk, organisation_id, branch_id, type_id, status, acquired) in enumerate(
            items.iterator(chunk_size=20_000)
        ):
            self.item_id.append(pk)
            self.item_library.append(organisation_id)
            self.item_branch.append(branch_id)
            self.item_type.append(type_id)
            self.item_acquired.append(acquired.toordinal() if acquired else 0)
            self.item_on_loan.append(status == ItemStatus.ON_LOAN)
            self.item_free_from.append(0)
            self.item_open_from.append(NEVER)
            library = self.libraries[self.library_at[organisation_id]]
            (library.youth_items if type_id in youth_types else library.other_items).append(
                position
            )
        if progress:
            progress(f"loans: {len(self.item_id):,} items read")

    def _persons(self, libraries: list[int], progress: Progress | None) -> None:
        for organisation_id, code, pk in MembershipPlan.objects.filter(
            organisation_id__in=libraries
        ).values_list("organisation_id", "code", "id"):
            self.libraries[self.library_at[organisation_id]].plans[code] = pk
        # The latest membership period of each member: when it ended, and on which plan.
        ends: dict[int, tuple[int, str]] = {}
        marks = ", ".join(["%s"] * len(libraries))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT m.person_id, m.ends_on, m.cancelled_at, p.code"  # noqa: S608
                " FROM members_membership m JOIN members_membershipplan p ON p.id = m.plan_id"
                f" WHERE m.organisation_id IN ({marks}) ORDER BY m.person_id, m.ends_on, m.id",
                libraries,
            )
            for person_id, ends_on, cancelled_at, code in cursor.fetchall():
                last_day = _date(ends_on)
                if cancelled_at is not None:
                    last_day = min(last_day, timezone.localdate(_aware(cancelled_at)))
                ends[person_id] = (last_day.toordinal(), code)
        keeping = self._history_keepers(libraries)
        self.person_id = array("l")
        self.person_library = array("l")
        self.person_birth = array("l")  # YYYYMMDD
        self.person_from = array("l")  # ordinal of the first day they may borrow
        self.person_until = array("l")  # ordinal of the last day
        self.person_basic = bytearray()  # on the basic plan as an adult
        self.person_keeps = bytearray()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, home_organisation_id, birth_date, created_at"  # noqa: S608
                f" FROM members_person WHERE home_organisation_id IN ({marks}) ORDER BY id",
                libraries,
            )
            for pk, organisation_id, born, created in cursor.fetchall():
                if pk not in ends:
                    continue  # no membership: borrows nothing
                birth = _date(born)
                joined = timezone.localdate(_aware(created)).toordinal()
                start = max(joined, _birthday(birth, MIN_AGE).toordinal())
                end, code = ends[pk]
                self.person_id.append(pk)
                self.person_library.append(organisation_id)
                self.person_birth.append(birth.year * 10_000 + birth.month * 100 + birth.day)
                self.person_from.append(start)
                self.person_until.append(end)
                self.person_basic.append(code == "basis")
                self.person_keeps.append(pk in keeping)
        if progress:
            progress(f"loans: {len(self.person_id):,} members read")

    @staticmethod
    def _history_keepers(libraries: list[int]) -> set[int]:
        """Members whose latest loan-history choice is yes."""
        latest: dict[int, bool] = {}
        marks = ", ".join(["%s"] * len(libraries))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.person_id, c.given FROM members_consent c"  # noqa: S608
                f" JOIN members_person p ON p.id = c.person_id WHERE p.home_organisation_id"
                f" IN ({marks}) AND c.kind = %s ORDER BY c.person_id, c.recorded_at, c.id",
                [*libraries, str(ConsentKind.LOAN_HISTORY)],
            )
            for person_id, given in cursor.fetchall():
                latest[person_id] = bool(given)
        return {person_id for person_id, given in latest.items() if given}

    def is_open(self, branch_id: int, ordinal: int) -> bool:
        weekday = (ordinal - 1) % 7  # date.fromordinal(ordinal).weekday()
        return (
            weekday in self.hours.get(branch_id, {})
            and (self.branch_library[branch_id], ordinal) not in self.closed
            and (-branch_id, ordinal) not in self.closed
        )

    def open_on_or_after(self, branch_id: int, ordinal: int) -> int:
        for candidate in range(ordinal, ordinal + 60):
            if self.is_open(branch_id, candidate):
                return candidate
        return ordinal  # a branch without hours: the day itself, as the services do


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _aware(value: Any) -> dt.datetime:
    if isinstance(value, str):  # SQLite through a raw cursor
        value = dt.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.UTC)


def _birthday(birth: dt.date, age: int) -> dt.date:
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:  # 29 February
        return dt.date(birth.year + age, 3, 1)


def _age_band(age: int) -> str:
    return next(str(band) for lowest, band in AGE_BAND_LOWEST_AGES if age >= lowest)


class _Simulation:
    def __init__(self, network: _Network, rng: random.Random, count: int) -> None:
        self.network = network
        self.rng = rng
        self.count = count
        self.today = network.today.toordinal()
        self.first = self.today - WINDOW_DAYS
        self.terms_cache: dict[tuple[Any, ...], Terms] = {}
        self.own_rules = set(
            CirculationRule.objects.filter(
                organisation_id__in=[library.id for library in network.libraries]
            ).values_list("organisation_id", flat=True)
        )
        self.open_loans = 0
        self.returned_loans = 0
        self.kept = 0
        # Activity per member: a third borrow nothing, the rest lognormally much or little.
        self.activity = [
            0.0 if rng.random() < INACTIVE_SHARE else rng.lognormvariate(0, ACTIVITY_SIGMA)
            for _ in network.person_id
        ]
        self.person_weights = list(accumulate(self.activity))
        # The copies on loan now get an open loan each (as many as ``count`` allows); its
        # checkout day is drawn first, so the history of the copy ends before it.
        on_loan = [item for item, flag in enumerate(network.item_on_loan) if flag]
        if len(on_loan) > count:
            on_loan = sorted(rng.sample(on_loan, count))
        self.usual_branch = array("l")
        for library_id in network.person_library:
            branches = network.libraries[network.library_at[library_id]].branches
            self.usual_branch.append(branches[rng.randrange(len(branches))] if branches else 0)
        self.day_midnight: dict[int, dt.datetime] = {}
        self.open_planned = self.plan_open_loans(on_loan)
        self.historical = count - len(self.open_planned)

    # --- time ---------------------------------------------------------------------

    def day_weights(self) -> list[float]:
        weights = []
        for ordinal in range(self.first, self.today):
            day = dt.date.fromordinal(ordinal)
            weights.append(WEEKDAY_WEIGHTS[day.weekday()] * MONTH_WEIGHTS[day.month - 1])
        return weights

    def moment(self, branch_id: int, ordinal: int) -> dt.datetime:
        """A time on day ``ordinal`` while ``branch_id`` is open (10–17 without hours)."""
        midnight = self.day_midnight.get(ordinal)
        if midnight is None:
            midnight = dt.datetime.combine(dt.date.fromordinal(ordinal), dt.time(), tzinfo=ZONE)
            self.day_midnight[ordinal] = midnight
        weekday = midnight.weekday()
        periods = self.network.hours.get(branch_id, {}).get(weekday) or [(36_000, 61_200)]
        opens, closes = periods[self.rng.randrange(len(periods))]
        return midnight + dt.timedelta(seconds=self.rng.randrange(opens, closes))

    # --- terms --------------------------------------------------------------------

    def terms(self, organisation_id: int, plan_id: int | None, band: str, type_id: int) -> Terms:
        own = organisation_id in self.own_rules
        # Without rules of its own, every library lends on the network defaults.
        key = (organisation_id if own else None, plan_id if own else None, band, type_id)
        terms = self.terms_cache.get(key)
        if terms is None:
            rule = rule_effective(
                organisation=organisation_id,
                plan=plan_id,
                age_band_or_birth_date=band,
                item_type=type_id,
            )
            terms = Terms(rule.loan_days, rule.renewals_allowed, rule.fine_per_day, rule.fine_cap)
            self.terms_cache[key] = terms
        return terms

    # --- loans --------------------------------------------------------------------

    def loans(self) -> Iterator[tuple[Any, ...]]:
        """The returned loans in order of checkout day, then the open ones."""
        yield from self.returned()
        yield from self.still_out()

    def returned(self) -> Iterator[tuple[Any, ...]]:
        network = self.network
        if not network.person_id or not network.item_id or not self.person_weights[-1]:
            return
        weights = self.day_weights()
        total = sum(weights)
        owed = 0.0
        made = 0
        for offset, weight in enumerate(weights):
            ordinal = self.first + offset
            owed += self.historical * weight / total
            wanted = round(owed) - made  # a loan not made today is made tomorrow
            day = dt.date.fromordinal(ordinal)
            ymd = day.year * 10_000 + day.month * 100 + day.day
            for _ in range(wanted):
                row = None
                for _attempt in range(30):
                    row = self.loan(ordinal, ymd)
                    if row is not None:
                        break
                if row is not None:
                    made += 1
                    yield row

    def member(self, ordinal: int) -> int | None:
        network, rng = self.network, self.rng
        weights = self.person_weights
        for _attempt in range(10):
            person = bisect(weights, rng.random() * weights[-1])
            if network.person_from[person] <= ordinal <= network.person_until[person]:
                return person
        return None

    def loan(self, ordinal: int, ymd: int) -> tuple[Any, ...] | None:
        network, rng = self.network, self.rng
        person = self.member(ordinal)
        if person is None:
            return None
        home_id = network.person_library[person]
        age = (ymd - network.person_birth[person]) // 10_000
        band = _age_band(age)
        roll = rng.random()
        source = (
            OWN if roll < SOURCE_WEIGHTS[0] else NETWORK_HOLD if roll < SOURCE_WEIGHTS[1] else VISIT
        )
        owner = network.libraries[network.library_at[home_id]]
        if source != OWN and len(network.libraries) > 1:
            owner = network.libraries[rng.randrange(len(network.libraries))]
            if owner.id == home_id:
                source = OWN
        item = self.copy(owner, band, ordinal)
        if item is None:
            return None
        if source == VISIT:
            branch = network.item_branch[item]
        elif source == NETWORK_HOLD or rng.random() < AT_USUAL_BRANCH:
            branch = self.usual_branch[person] or network.item_branch[item]
        else:
            branch = network.item_branch[item]
        if not network.is_open(branch, ordinal):
            branch = network.item_branch[item]
            if not network.is_open(branch, ordinal):
                return None
        lender = network.branch_library[branch]
        plan_id = None
        if lender == home_id:
            plans = network.libraries[network.library_at[home_id]].plans
            code = "jeugd" if age < 18 else "basis" if network.person_basic[person] else "volwassen"
            plan_id = plans.get(code)
        type_id = network.item_type[item]
        terms = self.terms(lender, plan_id, band, type_id)
        checked_out = self.moment(branch, ordinal)
        renewals, due, back = self.return_plan(terms, ordinal)
        due = network.open_on_or_after(branch, due)
        return_branch = branch
        if rng.random() < RETURNED_ELSEWHERE:
            others = network.libraries[network.library_at[lender]].branches
            return_branch = others[rng.randrange(len(others))]
        back = network.open_on_or_after(return_branch, back)
        # Back before today, and before the copy's open loan if it has one.
        last = min(self.today, network.item_open_from[item]) - 1
        if back > last:
            back = ordinal + rng.randrange(last - ordinal + 1)
        network.item_free_from[item] = back + 1
        returned_at = max(self.moment(return_branch, back), checked_out + dt.timedelta(minutes=5))
        self.returned_loans += 1
        person_id: int | None = None
        if network.person_keeps[person]:
            person_id = network.person_id[person]
            self.kept += 1
        return (
            network.item_id[item], person_id, branch, lender, network.item_library[item],
            home_id, type_id, band, plan_id, checked_out, dt.date.fromordinal(due), renewals,
            terms.renewals_allowed, terms.fine_per_day, terms.fine_cap, returned_at,
            return_branch,
        )  # fmt: skip

    def plan_open_loans(self, items: list[int]) -> list[tuple[int, int, int, int]]:
        """(checkout ordinal, item, member, branch) of the open loan of each of ``items``
        that someone may borrow: by a member of its library mostly, on a day the branch was
        open in the last weeks; the copy's history is then simulated to end before it."""
        network, rng = self.network, self.rng
        members = self.members_by_library()
        planned = []
        for item in items:
            age = 1 + min(int(rng.expovariate(1 / OPEN_LOAN_MEAN_AGE_DAYS)), OPEN_LOAN_MAX_AGE_DAYS)
            ordinal = self.today - age
            owner = network.item_library[item]
            person = None
            own = owner in members and rng.random() < OPEN_LOAN_OWN_LIBRARY
            for _attempt in range(20):
                if own:
                    positions, weights = members[owner]
                    candidate: int | None = positions[bisect(weights, rng.random() * weights[-1])]
                else:
                    candidate = self.member(ordinal)
                if candidate is not None and network.person_until[candidate] >= self.today:
                    person = candidate
                    break
            if person is None:
                continue  # nobody may borrow it: the copy goes back on the shelf
            branch = network.item_branch[item]
            if network.person_library[person] == owner and rng.random() < AT_USUAL_BRANCH:
                branch = self.usual_branch[person] or branch
            earliest = max(network.item_acquired[item], network.person_from[person], self.first)
            ordinal = next(
                (d for d in range(ordinal, max(earliest, ordinal - 14) - 1, -1)
                 if network.is_open(branch, d)),
                0,
            )  # fmt: skip
            if not ordinal:
                continue  # no day it could have been lent: back on the shelf
            network.item_open_from[item] = ordinal
            planned.append((ordinal, item, person, branch))
        planned.sort()
        return planned

    def still_out(self) -> Iterator[tuple[Any, ...]]:
        """The open loans planned, in order of checkout day."""
        network, rng = self.network, self.rng
        for ordinal, item, person, branch in self.open_planned:
            home_id = network.person_library[person]
            day = dt.date.fromordinal(ordinal)
            age = day.year * 10_000 + day.month * 100 + day.day - network.person_birth[person]
            age //= 10_000
            band = _age_band(age)
            lender = network.branch_library[branch]
            plan_id = None
            if lender == home_id:
                plans = network.libraries[network.library_at[home_id]].plans
                basic = network.person_basic[person]
                plan_id = plans.get("jeugd" if age < 18 else "basis" if basic else "volwassen")
            type_id = network.item_type[item]
            terms = self.terms(lender, plan_id, band, type_id)
            renewals = 0
            while (
                renewals < terms.renewals_allowed
                and ordinal + terms.loan_days * (renewals + 1) < self.today
                and rng.random() < RENEWED_WHEN_DUE
            ):
                renewals += 1
            due = network.open_on_or_after(branch, ordinal + terms.loan_days * (renewals + 1))
            self.open_loans += 1
            yield (
                network.item_id[item], network.person_id[person], branch, lender,
                network.item_library[item], home_id, type_id, band, plan_id,
                self.moment(branch, ordinal), dt.date.fromordinal(due), renewals,
                terms.renewals_allowed, terms.fine_per_day, terms.fine_cap, None, None,
            )  # fmt: skip

    def members_by_library(self) -> dict[int, tuple[list[int], list[float]]]:
        """{library id: (positions, cumulative activity)} of members who may borrow today."""
        network = self.network
        found: dict[int, tuple[list[int], list[float]]] = {}
        for person, weight in enumerate(self.activity):
            if weight and network.person_until[person] >= self.today:
                positions, weights = found.setdefault(network.person_library[person], ([], []))
                positions.append(person)
                weights.append((weights[-1] if weights else 0.0) + weight)
        return found

    def copy(self, library: _Library, band: str, ordinal: int) -> int | None:
        """A copy of ``library`` on its shelf on day ``ordinal``, a children's book or not."""
        network, rng = self.network, self.rng
        youth = rng.random() < YOUTH_BOOK_SHARE[band]
        pool = library.youth_items if youth else library.other_items
        if not pool:
            pool = library.other_items if youth else library.youth_items
        if not pool:
            return None
        for _attempt in range(8):
            item = pool[rng.randrange(len(pool))]
            if (
                network.item_free_from[item] <= ordinal < network.item_open_from[item]
                and network.item_acquired[item] <= ordinal
            ):
                return item
        return None

    def return_plan(self, terms: Terms, ordinal: int) -> tuple[int, int, int]:
        """(renewals, due ordinal, ordinal of the day it comes back)."""
        rng = self.rng
        renewals = 0
        if terms.renewals_allowed:
            roll = rng.random()
            renewals = 2 if roll < 0.08 else 1 if roll < 0.3 else 0
            renewals = min(renewals, terms.renewals_allowed)
        due = ordinal + terms.loan_days * (renewals + 1)
        roll = rng.random()
        if roll < 0.25:  # early
            back = ordinal + 1 + rng.randrange(max(1, due - ordinal - 1))
        elif roll < 0.9:  # in the last days before the due date
            back = due - rng.randrange(min(5, due - ordinal))
        else:  # late
            back = due + 1 + int(rng.expovariate(1 / 6))
        return renewals, due, back


def loans_generate(
    *,
    count: int,
    rng: random.Random,
    today: dt.date,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Insert ``count`` loans of the synthetic network's copies by its members, checked out
    in the three years before ``today``; those still out today are open. Returns counts."""
    if count <= 0:
        return {}
    network = _Network(today, progress)
    simulation = _Simulation(network, rng, count)
    rows = simulation.loans()
    inserted = 0
    rebuild = connection.vendor == "postgresql" and count >= REBUILD_FROM
    with transaction.atomic():
        with _indexes_rebuilt(Loan._meta.db_table, rebuild, progress):
            while True:
                batch = [row for _index, row in zip(range(BATCH), rows, strict=False)]
                if not batch:
                    break
                inserted += bulk_insert(Loan, batch, LOAN_FIELDS)
                if progress:
                    progress(f"loans {inserted:,}/{count:,}")
        # Statistics first: without them the planner takes the new millions for a few rows.
        _analyse(Loan._meta.db_table)
        # Copies on loan that got no loan (more of them than loans asked for, or nobody
        # to borrow them) go back on the shelf; the search index follows.
        changed = _item_statuses_follow_loans([library.id for library in network.libraries])
        if changed:
            _analyse(Item._meta.db_table)
            if len(changed) <= REFRESH_ONE_BY_ONE:
                search.availability_refresh(sorted(changed))
            else:
                search.availability_refresh_range(min(changed), max(changed))
        if progress:
            progress(f"loans: {len(changed):,} titles changed availability")
    return {
        "loans": inserted,
        "open_loans": simulation.open_loans,
        "loans_with_member": simulation.kept + simulation.open_loans,
    }


def _analyse(table: str) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _item_statuses_follow_loans(libraries: Sequence[int]) -> set[int]:
    """Exactly the synthetic copies with an open loan are ``on_loan``; returns the records
    of the copies that changed."""
    if not libraries:
        return set()
    marks = ", ".join(["%s"] * len(libraries))
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE holdings_item SET status = %s, status_changed_at = %s, updated_at = %s"  # noqa: S608
            f" WHERE organisation_id IN ({marks}) AND status = %s"
            " AND NOT EXISTS (SELECT 1 FROM circulation_loan l"
            " WHERE l.item_id = holdings_item.id AND l.returned_at IS NULL) RETURNING record_id",
            [ItemStatus.AVAILABLE, now, now, *libraries, ItemStatus.ON_LOAN],
        )
        changed = {record for (record,) in cursor.fetchall()}
        cursor.execute(
            "UPDATE holdings_item SET status = %s, status_changed_at = %s, updated_at = %s"  # noqa: S608
            f" WHERE organisation_id IN ({marks}) AND status <> %s"
            " AND EXISTS (SELECT 1 FROM circulation_loan l"
            " WHERE l.item_id = holdings_item.id AND l.returned_at IS NULL) RETURNING record_id",
            [ItemStatus.ON_LOAN, now, now, *libraries, ItemStatus.ON_LOAN],
        )
        return changed | {record for (record,) in cursor.fetchall()}


@contextmanager
def _indexes_rebuilt(table: str, rebuild: bool, progress: Progress | None) -> Iterator[None]:
    """On PostgreSQL, drop ``table``'s secondary indexes and foreign keys for a bulk load
    and create them again after it, in the caller's transaction."""
    if not rebuild:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [table],
        )
        keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid"
            " WHERE x.indrelid = %s::regclass AND NOT x.indisprimary"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
            " ORDER BY i.relname",
            [table],
        )
        indexes = cursor.fetchall()
        quoted = connection.ops.quote_name(table)
        # Rows inserted earlier in this transaction (a whole network generated in one call)
        # leave deferred foreign-key checks pending on the tables these keys point to, and
        # PostgreSQL refuses to alter a table with pending trigger events: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for name, _definition in keys:
            cursor.execute(
                f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(name)}"
            )
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        if progress:
            progress(f"loans: {len(indexes)} indexes built")
        for name, definition in keys:
            constraint = connection.ops.quote_name(name)
            cursor.execute(f"ALTER TABLE {quoted} ADD CONSTRAINT {constraint} {definition}")
        if progress:
            progress(f"loans: {len(keys)} foreign keys checked")


def loans_delete(organisation_ids: Sequence[int]) -> None:
    """Delete the loans, holds and transits that involve ``organisation_ids``: lent there,
    owned there, or of their members; in bulk SQL."""
    if not organisation_ids:
        return
    ids = list(organisation_ids)
    marks = ", ".join(["%s"] * len(ids))
    items = f"SELECT id FROM holdings_item WHERE organisation_id IN ({marks})"  # noqa: S608
    branches = f"SELECT id FROM network_branch WHERE organisation_id IN ({marks})"  # noqa: S608
    persons = f"SELECT id FROM members_person WHERE home_organisation_id IN ({marks})"  # noqa: S608
    holds = [
        f"DELETE FROM circulation_hold WHERE organisation_id IN ({marks})",  # noqa: S608
        f"DELETE FROM circulation_hold WHERE home_organisation_id IN ({marks})",  # noqa: S608
        f"DELETE FROM circulation_hold WHERE item_id IN ({items})",  # noqa: S608
        f"DELETE FROM circulation_hold WHERE person_id IN ({persons})",  # noqa: S608
    ]
    transits = [
        f"DELETE FROM circulation_transit WHERE item_id IN ({items})",  # noqa: S608
        f"DELETE FROM circulation_transit WHERE from_branch_id IN ({branches})",  # noqa: S608
        f"DELETE FROM circulation_transit WHERE to_branch_id IN ({branches})",  # noqa: S608
        f"DELETE FROM circulation_transit WHERE received_branch_id IN ({branches})",  # noqa: S608
    ]
    # Transits of the holds about to go, first.
    hold_transits = [
        f"DELETE FROM circulation_transit WHERE hold_id IN"  # noqa: S608
        f" (SELECT id FROM circulation_hold WHERE {column} IN ({subquery}))"
        for column, subquery in (
            ("organisation_id", marks), ("home_organisation_id", marks), ("item_id", items),
            ("person_id", persons),
        )
    ]  # fmt: skip
    with connection.cursor() as cursor:
        for sql in (*transits, *hold_transits, *holds):
            cursor.execute(sql, ids)
        if _only_these_loans(cursor, marks, ids):
            try:
                with transaction.atomic():
                    cursor.execute("TRUNCATE circulation_loan")
                return
            except OperationalError:
                pass  # loans inserted earlier in this transaction await their key checks
        for sql in (
            f"DELETE FROM circulation_loan WHERE organisation_id IN ({marks})",  # noqa: S608
            f"DELETE FROM circulation_loan WHERE owner_organisation_id IN ({marks})",  # noqa: S608
            f"DELETE FROM circulation_loan WHERE home_organisation_id IN ({marks})",  # noqa: S608
            f"DELETE FROM circulation_loan WHERE person_id IN ({persons})",  # noqa: S608
            f"DELETE FROM circulation_loan WHERE branch_id IN ({branches})",  # noqa: S608
            f"DELETE FROM circulation_loan WHERE return_branch_id IN ({branches})",  # noqa: S608
        ):
            cursor.execute(sql, ids)


def _only_these_loans(cursor: Any, marks: str, ids: list[int]) -> bool:
    """Whether every loan is lent by one of ``ids`` (so TRUNCATE may replace a slow
    DELETE of millions of rows): PostgreSQL only, and only when no table refers to loans."""
    if connection.vendor != "postgresql":
        return False
    cursor.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_constraint"
        " WHERE confrelid = 'circulation_loan'::regclass AND contype = 'f')"
    )
    if cursor.fetchone()[0]:
        return False
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM circulation_loan WHERE organisation_id NOT IN ({marks}))",  # noqa: S608
        ids,
    )
    return not cursor.fetchone()[0]


def synthetic_loans_replace(
    *,
    count: int,
    seed: int = 2026,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Replace only the loans (and holds and transits) of the synthetic network already in
    the database; the network, catalogue and members stay."""
    libraries = list(
        generated_organisations().filter(kind=OrganisationKind.LIBRARY).values_list("id", flat=True)
    )
    if not libraries:
        raise ValueError("no synthetic network: run `samenbieb generate` first")
    with transaction.atomic():
        loans_delete(list(generated_organisations().values_list("id", flat=True)))
        return loans_generate(
            count=count,
            rng=random.Random(f"{seed}/loans"),  # noqa: S311 - synthetic data, no secrets
            today=today or timezone.localdate(),
            progress=progress,
        )


def synthetic_loans() -> QuerySet[Loan]:
    """The loans the synthetic network's libraries made."""
    return Loan.objects.filter(organisation__in=generated_organisations())
