"""Circulation at national scale: checkout and check-in through the services, 16 desks at
once, against the same reads and writes as bare SQL.

Data: the synthetic ``national`` network (seed 2026): 1,000,000 members, 1,000,000 records
with 2,000,000 copies, and at least 5,000,000 loans over three years (``samenbieb generate``,
step ``loans``). Generated when the bench database lacks them; when only the loans are
missing or too few, only the loans are replaced (anchored on today, so no loan lies in the
future).

Three measurements:

a. **Cycles.** 16 desks (processes, each with its own connection) at 16 branches of the 16
   largest libraries, each lending a copy of its own shelf to one of its adult members and
   taking it back at once: ``services.loan_checkout`` then ``services.loan_checkin``
   (actor ``None``, the branch, the member, the barcode). Interleaved with it, cycle by
   cycle, the baseline: the same reads and writes as bare SQL with psycopg (server-side
   prepared after five runs), each operation one transaction with the same row locks.
   Twice: **saturated** (each desk starts its next cycle at once: the throughput, and the
   ratio) and **paced** (a desk waits 0.6 s on average between cycles, some 25 cycles a
   second offered: the latency desks would see).
b. **A member with 1,000 open loans.** One desk, one library with a rule that lets a
   member borrow 5,000 items: checkout for a member with 1,000 open loans there, and for
   a member with none, alternating; each copy taken back untimed before the next.
c. **A check-in that fills a network hold**, 16 desks, paced as in a: for each
   measurement a title whose only copy is lent (untimed), then reserved with
   ``services.hold_place`` by a member of another library for pickup at a branch of that
   library (untimed); timed: the check-in at the lending branch, which routes the copy
   into transit for the hold.

Each client is a process with its own connection (threads would share the GIL). The
machine's load average before and after goes into the JSON line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import multiprocessing
import os
import random
import secrets
import sys
import time
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Count, Exists, F, OuterRef
from django.utils import timezone
from psycopg.types.json import Jsonb

from bench._common import analyse, database_label, note, percentile
from samenbieb.catalog.generate import generated_records
from samenbieb.catalog.search.availability import RECORDS_SQL as availability_sql
from samenbieb.circulation.generate import synthetic_loans, synthetic_loans_replace
from samenbieb.circulation.models import (
    HOLD_ACTIVE,
    HOLD_ALLOCATED,
    Charge,
    CirculationRule,
    Hold,
    Loan,
    age_band_of,
)
from samenbieb.core.audit_chain import GENESIS, LOCK_CLASS
from samenbieb.core.bulk import bulk_insert
from samenbieb.holdings.models import Item, ItemStatus, ItemType
from samenbieb.members.dates import age_on
from samenbieb.members.generate import synthetic_persons
from samenbieb.members.models import Membership, Person
from samenbieb.network.calendar import horizon_days
from samenbieb.network.generate import LENDING_KINDS, generated_organisations, network_generate
from samenbieb.network.models import Branch, BranchKind, Organisation

SEED = 2026
START = dt.date(2026, 11, 23)  # the synthetic network's members are anchored on this day
CLIENTS = 16
CYCLES = int(os.environ.get("BENCH_CIRCULATION_CYCLES", "40"))  # per client and side, after WARM_UP
WARM_UP = 3
# The paced rounds: each desk waits on average this long (exponentially distributed)
# between cycles, so 16 desks offer some 25 cycles a second instead of all they can.
PAUSE_S = 0.6
PACED_CYCLES = 20  # per client and side
HEAVY_LOANS = 1_000
HEAVY_ROUNDS = 150  # checkouts for each of the two members
HOLD_FILLS = 10  # per client
TARGETS = {"ratio": 0.5, "cycle_p95_ms": 20.0, "heavy_factor": 1.5, "hold_checkin_p95_ms": 30.0}
TABLES = (
    "circulation_loan",
    "circulation_hold",
    "circulation_transit",
    "circulation_charge",
    "holdings_item",
    "catalog_search_document",
    "core_auditevent",
)
LENDABLE_TYPES = ("book", "youth-book")
# BareDesk: checkout 15 statements (with one count), check-in 11, each with the audit
# chain's lock and head; BEGIN/COMMIT not counted.
BASELINE_STATEMENTS = 26


def wanted() -> dict[str, int]:
    if os.environ.get("BENCH_CIRCULATION_SMALL"):
        return {"persons": 20_000, "records": 20_000, "items": 40_000, "loans": 100_000}
    return {"persons": 1_000_000, "records": 1_000_000, "items": 2_000_000, "loans": 5_200_000}


# --- data ----------------------------------------------------------------------------


def data_ensure(want: dict[str, int]) -> float | None:
    """The synthetic network with its members, copies and loans; seconds spent, if any."""
    libraries = generated_organisations().filter(kind="library").count()
    persons = synthetic_persons().count()
    records = generated_records().count()
    items = Item.objects.filter(organisation__in=generated_organisations()).count()
    started = time.perf_counter()
    last = [started]

    def detail(message: str) -> None:
        if time.perf_counter() - last[0] > 30:
            note(f"  {time.perf_counter() - started:6.0f} s  {message}")
            last[0] = time.perf_counter()

    generated = False
    if not (
        libraries
        and persons == want["persons"]
        and records == want["records"]
        and items == want["items"]
    ):
        note(
            f"generating the national network: {want['persons']:,} members, "
            f"{want['records']:,} records, {want['items']:,} copies (a quarter of an hour)…"
        )
        network_generate(
            scale="national",
            seed=SEED,
            today=START,
            records=want["records"],
            items=want["items"],
            persons=want["persons"],
            loans=0,
            detail=detail,
        )
        generated = True
    loans = synthetic_loans().count()
    if loans < want["loans"] * 0.97:
        note(f"replacing the synthetic loans with {want['loans']:,} (minutes)…")
        counts = synthetic_loans_replace(
            count=want["loans"], seed=SEED, today=timezone.localdate(), progress=detail
        )
        note(f"  {counts}")
    elif not generated:
        note(
            f"the synthetic network is there: {persons:,} members, {items:,} copies, "
            f"{loans:,} loans"
        )
        return None
    return time.perf_counter() - started


@dataclass(frozen=True)
class Desk:
    """One client's place: a branch, its members and copies of its shelf."""

    branch: int
    library: int
    members: list[int]
    items: list[str]  # barcodes, on the shelf at the branch, home there


def eligible_members(library: int, today: dt.date, count: int, *, adults: bool = True) -> list[int]:
    """Members of ``library`` who may borrow today: a running membership, nothing owed,
    no open loans or holds; adults by default."""
    members = synthetic_persons().filter(
        home_organisation_id=library,
        memberships__cancelled_at__isnull=True,
        memberships__starts_on__lte=today,
        memberships__ends_on__gte=today,
    )
    if adults:
        members = members.filter(birth_date__lte=today.replace(year=today.year - 18))
    members = (
        members.exclude(
            Exists(
                Charge.objects.filter(
                    person=OuterRef("pk"), paid_at__isnull=True, cancelled_at__isnull=True
                )
            )
        )
        .exclude(Exists(Loan.objects.filter(person=OuterRef("pk"), returned_at__isnull=True)))
        .exclude(Exists(Hold.objects.filter(person=OuterRef("pk"), status__in=HOLD_ACTIVE)))
    )
    return list(members.order_by("id").values_list("id", flat=True)[:count])


def shelf_items(
    branch: int, count: int, exclude: frozenset[str] | set[str] = frozenset()
) -> list[str]:
    """Books on the shelf at ``branch`` and at home there, whose title nobody reserved."""
    types = ItemType.objects.filter(code__in=LENDABLE_TYPES)
    items = (
        Item.objects.filter(
            home_branch_id=branch,
            current_branch_id=branch,
            status=ItemStatus.AVAILABLE,
            item_type__in=types,
        )
        .exclude(
            Exists(Hold.objects.filter(record_id=OuterRef("record_id"), status__in=HOLD_ACTIVE))
        )
        .order_by("id")
        .values_list("barcode", flat=True)
    )
    found = []
    for barcode in items[: count + len(exclude)]:
        if barcode not in exclude:
            found.append(barcode)
    return found[:count]


def desks_choose(count: int, today: dt.date, skip: int = 0) -> list[Desk]:
    """A desk at the lending branch with most copies of each of the largest libraries."""
    sizes = Counter(synthetic_persons().values_list("home_organisation_id", flat=True))
    ordered = sorted(sizes, key=lambda library: (-sizes[library], library))[skip : skip + count]
    desks = []
    for library in ordered:
        branch = (
            Branch.objects.filter(organisation_id=library, kind__in=LENDING_KINDS, is_active=True)
            .annotate(copies=Count("home_items"))
            .order_by("-copies", "id")
            .values_list("id", flat=True)
            .first()
        )
        members = eligible_members(library, today, 20)
        items = shelf_items(branch, 2 * (CYCLES + WARM_UP))
        desks.append(Desk(branch, library, members, items))
    return desks


# --- the baseline: the same reads and writes as bare SQL ---------------------------------

ITEM_LOCKED = (
    "SELECT i.id, i.status, i.record_id, i.organisation_id, i.item_type_id,"
    " i.current_branch_id, i.home_branch_id, r.title, hb.name"
    " FROM holdings_item i JOIN catalog_record r ON r.id = i.record_id"
    " JOIN network_branch hb ON hb.id = i.home_branch_id"
    " WHERE i.barcode = %s LIMIT 1 FOR UPDATE OF i"
)
HOLD_ALLOCATED_FOR_ITEM = (
    "SELECT id, person_id FROM circulation_hold WHERE item_id = %s"
    " AND status = ANY(%s) ORDER BY placed_at, id LIMIT 1 FOR UPDATE"
)
MEMBERSHIPS = (
    "SELECT organisation_id, plan_id FROM members_membership WHERE person_id = %s"
    " AND cancelled_at IS NULL AND starts_on <= %s AND ends_on >= %s ORDER BY ends_on DESC, id DESC"
)
OWED = (
    "SELECT sum(amount) FROM circulation_charge WHERE person_id = %s"
    " AND paid_at IS NULL AND cancelled_at IS NULL"
)
RULES = (
    "SELECT organisation_id, item_type_id, plan_id, age_band, loan_days, renewals_allowed,"
    " max_loans, fine_per_day, fine_cap FROM circulation_circulationrule"
    " WHERE (organisation_id IS NULL OR organisation_id = %s)"
    " AND (item_type_id IS NULL OR item_type_id = %s)"
    " AND (plan_id IS NULL OR plan_id = %s) AND age_band IN ('', %s)"
)
OPEN_LOANS = (
    "SELECT count(*) FROM circulation_loan WHERE person_id = %s AND returned_at IS NULL"
    " AND organisation_id = %s"
)
OPEN_LOANS_OF_TYPE = OPEN_LOANS + " AND item_type_id = %s"
WEEK = "SELECT weekday FROM network_openinghours WHERE branch_id = %s"
CLOSURES = (
    "SELECT start_date, end_date FROM network_closure WHERE organisation_id = %s"
    " AND (branch_id IS NULL OR branch_id = %s) AND start_date <= %s AND end_date >= %s"
)
LOAN_INSERT = (
    "INSERT INTO circulation_loan (item_id, person_id, branch_id, organisation_id,"
    " owner_organisation_id, home_organisation_id, item_type_id, age_band, plan_id,"
    " checked_out_at, due_on, renewals, renewals_allowed, fine_per_day, fine_cap)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 0, %s, %s, %s) RETURNING id"
)
ITEM_STATUS = (
    "UPDATE holdings_item SET status = %s, status_changed_at = %s, updated_at = %s,"
    " current_branch_id = coalesce(%s, current_branch_id) WHERE id = %s"
)
# The very statement the services send (one per changed title, computed by the server).
AVAILABILITY = availability_sql
OWN_HOLD = (
    "SELECT id FROM circulation_hold WHERE person_id = %s AND record_id = %s"
    " AND status = ANY(%s) ORDER BY placed_at, id LIMIT 1 FOR UPDATE"
)
AUDIT_LOCK = "SELECT pg_advisory_xact_lock(%s, %s)"
AUDIT_HEAD = (
    "SELECT chain_seq, row_hash FROM core_auditevent WHERE chain = %s"
    " ORDER BY chain_seq DESC LIMIT 1"
)
AUDIT = (
    "INSERT INTO core_auditevent (occurred_at, event_type, actor_id, actor_label,"
    " organisation_id, object_type, object_id, details, reason, subject_person_id,"
    " actor_person_id, chain, chain_seq, prev_hash, personal_digest, salt, row_hash)"
    " VALUES (%s, %s, NULL, 'system', %s, %s, %s, %s, '', %s, NULL, %s, %s, %s, %s, %s, %s)"
)


def _sha256(payload: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()


LOAN_LOCKED = (
    "SELECT l.id, l.person_id, l.due_on, l.fine_per_day, l.fine_cap, l.organisation_id,"
    " p.id FROM circulation_loan l LEFT JOIN members_person p ON p.id = l.person_id"
    " WHERE l.item_id = %s AND l.returned_at IS NULL"
    " ORDER BY l.checked_out_at DESC, l.id DESC LIMIT 1 FOR UPDATE OF l"
)
KEEPS_HISTORY = (
    "SELECT given FROM members_consent WHERE person_id = %s AND kind = 'loan_history'"
    " ORDER BY recorded_at DESC, id DESC LIMIT 1"
)
LOAN_CLOSE = (
    "UPDATE circulation_loan SET returned_at = %s, return_branch_id = %s, person_id = %s"
    " WHERE id = %s"
)
TO_PICK = (
    "SELECT h.id, b.name FROM circulation_hold h JOIN network_branch b ON b.id = h.pickup_branch_id"
    " WHERE h.item_id = %s AND h.status = 'to_pick' ORDER BY h.placed_at, h.id"
    " LIMIT 1 FOR UPDATE OF h"
)
WAITING = (
    "SELECT id, organisation_id FROM circulation_hold"
    " WHERE (item_specific = false OR item_id = %s) AND record_id = %s AND status = 'waiting'"
    " ORDER BY placed_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"
)


class Refusal(Exception):
    pass


class BareDesk:
    """Checkout and check-in as the fewest statements that read and write what the
    services do (no fines, holds or transits arise in these cycles, as in ours)."""

    def __init__(self, dsn: str, branch: int, library: int) -> None:
        self.conn = psycopg.connect(dsn, autocommit=False)
        self.branch = branch
        self.library = library
        with self.conn.cursor() as cursor:
            cursor.execute("SET jit = off")  # as Django's sessions (settings: OPTIONS)
        self.conn.commit()
        self.members: dict[int, tuple[int, dt.date]] = {}
        self.threshold = Decimal(str(settings.SAMENBIEB["CHARGES_BLOCK_THRESHOLD"]))

    def member(self, person: int) -> tuple[int, dt.date]:
        # What the desk has in hand as the Person (the card scan loaded it).
        if person not in self.members:
            with self.conn.cursor() as cursor:
                cursor.execute(
                    "SELECT home_organisation_id, birth_date FROM members_person WHERE id = %s",
                    [person],
                )
                self.members[person] = cursor.fetchone()
            self.conn.commit()
        return self.members[person]

    def _availability(self, cursor: Any, record: int) -> None:
        cursor.execute(AVAILABILITY, [[record]])

    def _due_on(self, cursor: Any, day: dt.date) -> dt.date:
        cursor.execute(WEEK, [self.branch])
        weekdays = {weekday for (weekday,) in cursor.fetchall()}
        last = day + dt.timedelta(days=horizon_days())
        cursor.execute(CLOSURES, [self.library, self.branch, last, day])
        closures = cursor.fetchall()
        while day <= last:
            if day.weekday() in weekdays and not any(s <= day <= e for s, e in closures):
                return day
            day += dt.timedelta(days=1)
        return day

    def _audit(
        self,
        cursor: Any,
        now: dt.datetime,
        event_type: str,
        object_id: str,
        details: dict[str, Any],
        *,
        subject: int | None,
    ) -> None:
        """Append to the library's audit chain as ``core.audit_chain.append`` does: the
        chain's advisory lock, its head, two SHA-256 digests, the insert."""
        chain = self.library
        cursor.execute(AUDIT_LOCK, [LOCK_CLASS, chain])
        cursor.execute(AUDIT_HEAD, [chain])
        head = cursor.fetchone()
        seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS)
        salt = secrets.token_hex(16)
        digest = _sha256(
            {
                "salt": salt,
                "object_id": object_id,
                "details": details,
                "reason": "",
                "subject_person_id": subject,
                "actor_person_id": None,
            }
        )
        row_hash = _sha256(
            {
                "chain": chain,
                "chain_seq": seq,
                "occurred_at": now.astimezone(dt.UTC).isoformat(timespec="microseconds"),
                "event_type": event_type,
                "actor_label": "system",
                "organisation_id": self.library,
                "object_type": "circulation.loan",
                "personal_digest": digest,
                "prev_hash": prev,
            }
        )
        cursor.execute(
            AUDIT,
            [
                now,
                event_type,
                self.library,
                "circulation.loan",
                object_id,
                Jsonb(details),
                subject,
                chain,
                seq,
                prev,
                digest,
                salt,
                row_hash,
            ],
        )

    def checkout(self, person: int, barcode: str) -> None:
        now = timezone.now()
        today = timezone.localdate(now)
        home, birth = self.member(person)
        with self.conn.transaction(), self.conn.cursor() as cursor:
            cursor.execute(ITEM_LOCKED, [barcode])
            item, status, record, owner, item_type, _current, _home, _title, _name = (
                cursor.fetchone()
            )
            if status != "available":
                raise Refusal(status)
            cursor.execute(HOLD_ALLOCATED_FOR_ITEM, [item, list(HOLD_ALLOCATED)])
            if cursor.fetchone() is not None:
                raise Refusal("on hold")
            cursor.execute(MEMBERSHIPS, [person, today, today])
            memberships = cursor.fetchall()
            own = [plan for organisation, plan in memberships if organisation == self.library]
            plan = own[0] if own else None
            cursor.execute(OWED, [person])
            if (cursor.fetchone()[0] or Decimal(0)) > self.threshold:
                raise Refusal("owes")
            band = age_band_of(age_on(birth, today))
            cursor.execute(RULES, [self.library, item_type, plan, band])
            rules = cursor.fetchall()
            best = max(
                rules,
                key=lambda r: (r[0] is not None, r[1] is not None, 2 if r[2] else 1 if r[3] else 0),
                default=None,
            )
            loan_days, renewals, max_loans, fine, cap = (
                best[4:] if best else (21, 2, 25, Decimal("0.00"), None)
            )
            if max_loans is not None:
                if best is not None and best[1] is not None:  # a rule for this item type
                    cursor.execute(OPEN_LOANS_OF_TYPE, [person, self.library, item_type])
                else:
                    cursor.execute(OPEN_LOANS, [person, self.library])
                if cursor.fetchone()[0] >= max_loans:
                    raise Refusal("maximum")
            due = self._due_on(cursor, today + dt.timedelta(days=loan_days))
            cursor.execute(
                LOAN_INSERT,
                [
                    item,
                    person,
                    self.branch,
                    self.library,
                    owner,
                    home,
                    item_type,
                    band,
                    plan,
                    now,
                    due,
                    renewals,
                    fine,
                    cap,
                ],
            )
            (loan,) = cursor.fetchone()
            cursor.execute(ITEM_STATUS, ["on_loan", now, now, None, item])
            self._availability(cursor, record)
            cursor.execute(OWN_HOLD, [person, record, list(HOLD_ACTIVE)])
            cursor.fetchone()
            self._audit(
                cursor,
                now,
                "circulation.loan.checked_out",
                str(loan),
                {"item": barcode, "person": person, "branch": self.branch},
                subject=person,
            )

    def checkin(self, barcode: str) -> None:
        now = timezone.now()
        with self.conn.transaction(), self.conn.cursor() as cursor:
            cursor.execute(ITEM_LOCKED, [barcode])
            item, status, record, _owner, _type, _current, home_branch, _title, _name = (
                cursor.fetchone()
            )
            if status != "on_loan":
                raise Refusal(status)
            cursor.execute(LOAN_LOCKED, [item])
            loan, person, due, _fine, _cap, _org, _p = cursor.fetchone()
            if due < timezone.localdate(now):
                raise Refusal("late: a fine would be due")
            keeps = False
            if person is not None:
                cursor.execute(KEEPS_HISTORY, [person])
                row = cursor.fetchone()
                keeps = bool(row and row[0])
            cursor.execute(LOAN_CLOSE, [now, self.branch, person if keeps else None, loan])
            cursor.execute(ITEM_STATUS, ["available", now, now, self.branch, item])
            self._availability(cursor, record)
            cursor.execute(TO_PICK, [item])
            cursor.fetchone()
            cursor.execute(WAITING, [item, record])
            cursor.fetchall()
            if home_branch != self.branch:
                raise Refusal("would travel home")
            self._audit(
                cursor,
                now,
                "circulation.loan.checked_in",
                str(loan),
                {
                    "item": barcode,
                    "branch": self.branch,
                    "action": "shelve",
                    "destination": None,
                    "fine": None,
                },
                subject=person,
            )


def dsn() -> str:
    settings = connection.settings_dict
    return psycopg.conninfo.make_conninfo(
        dbname=settings["NAME"],
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=str(settings["PORT"]) if settings["PORT"] else None,
    )


# --- the clients --------------------------------------------------------------------------


Cycle = tuple[str, float, float, float]  # side, checkout s, check-in s, client CPU s


_pace = {"pause_s": 0.0, "cycles": CYCLES}  # set before the pool forks


def _pause(rng: random.Random) -> None:
    if _pace["pause_s"]:
        time.sleep(rng.expovariate(1 / _pace["pause_s"]))


def cycles_client(args: tuple[int, Desk, Any]) -> list[Cycle]:
    """One desk: (side, checkout s, check-in s, CPU s of this process) per cycle, ours
    and the baseline in turn; paced when ``_pace`` says so."""
    from samenbieb.circulation import services

    number, desk, barrier = args
    pauses = random.Random(f"{SEED}/{number}")
    connections.close_all()
    branch = Branch.objects.get(pk=desk.branch)
    persons = {pk: Person.objects.get(pk=pk) for pk in desk.members}
    bare = BareDesk(dsn(), desk.branch, desk.library)
    half = len(desk.items) // 2
    items = {"ours": desk.items[:half], "baseline": desk.items[half:]}
    timings: list[Cycle] = []
    barrier.wait()
    for index in range(WARM_UP + int(_pace["cycles"])):
        _pause(pauses)
        person = desk.members[index % len(desk.members)]
        order = ("ours", "baseline") if (index + number) % 2 == 0 else ("baseline", "ours")
        for side in order:
            barcode = items[side][index % len(items[side])]
            cpu = time.process_time()
            start = time.perf_counter()
            if side == "ours":
                services.loan_checkout(
                    actor=None, branch=branch, person=persons[person], barcode=barcode
                )
                middle = time.perf_counter()
                services.loan_checkin(actor=None, branch=branch, barcode=barcode)
            else:
                bare.checkout(person, barcode)
                middle = time.perf_counter()
                bare.checkin(barcode)
            end = time.perf_counter()
            if index >= WARM_UP:
                timings.append((side, middle - start, end - middle, time.process_time() - cpu))
    bare.conn.close()
    connections.close_all()
    return timings


def statements_per_cycle(desk: Desk) -> int:
    """The statements one of our cycles sends (untimed; BEGIN and COMMIT not counted)."""
    from django.test.utils import CaptureQueriesContext

    from samenbieb.circulation import services

    branch = Branch.objects.get(pk=desk.branch)
    person = Person.objects.get(pk=desk.members[0])
    barcode = desk.items[0]
    with CaptureQueriesContext(connection) as captured:
        services.loan_checkout(actor=None, branch=branch, person=person, barcode=barcode)
        services.loan_checkin(actor=None, branch=branch, barcode=barcode)
    return sum(1 for query in captured if query["sql"] not in ("BEGIN", "COMMIT"))


@dataclass(frozen=True)
class HoldFill:
    barcode: str
    record: int
    lending_branch: int
    borrower: int  # a member of the copy's library
    requester: int  # a member of another library
    pickup_branch: int


def hold_client(args: tuple[int, list[HoldFill], Any]) -> list[tuple[float, str]]:
    """Lend the only copy (untimed), let another library's member reserve it (untimed),
    then time the check-in that sends it to them."""
    from samenbieb.circulation import services

    number, fills, barrier = args
    pauses = random.Random(f"{SEED}/holds/{number}")
    connections.close_all()
    timings: list[tuple[float, str]] = []
    barrier.wait()
    for fill in fills:
        _pause(pauses)
        branch = Branch.objects.get(pk=fill.lending_branch)
        services.loan_checkout(
            actor=None,
            branch=branch,
            person=Person.objects.get(pk=fill.borrower),
            barcode=fill.barcode,
        )
        services.hold_place(
            actor=None,
            person=Person.objects.get(pk=fill.requester),
            record=generated_records().get(pk=fill.record),
            pickup_branch=Branch.objects.get(pk=fill.pickup_branch),
        )
        start = time.perf_counter()
        outcome = services.loan_checkin(actor=None, branch=branch, barcode=fill.barcode)
        timings.append((time.perf_counter() - start, str(outcome.action)))
    connections.close_all()
    return timings


def run_pool(function: Any, per_client: list[Any]) -> list[Any]:
    connections.close_all()  # a forked child must not share the parent's connection
    context = multiprocessing.get_context("fork")
    barrier = context.Manager().Barrier(len(per_client))
    with context.Pool(len(per_client)) as pool:
        results = pool.map(function, [(i, work, barrier) for i, work in enumerate(per_client)])
    return [timing for result in results for timing in result]


# --- b: a member with 1,000 open loans ------------------------------------------------------


def heavy_setup(desk: Desk, today: dt.date) -> tuple[int, int]:
    """(member with HEAVY_LOANS open loans, member with none) at ``desk``'s library, whose
    own rule lets a member borrow 5,000 items; the loans are bulk-loaded once."""
    from samenbieb.circulation import services

    library = Organisation.objects.get(pk=desk.library)
    if not CirculationRule.objects.filter(organisation=library, max_loans=5_000).exists():
        services.circulation_rule_set(
            actor=None,
            organisation=library,
            loan_days=21,
            renewals_allowed=2,
            max_loans=5_000,
            holds_allowed=True,
            hold_fee=Decimal("0.50"),
            fine_per_day=Decimal("0.25"),
            fine_cap=Decimal("5.00"),
            may_travel=True,
        )
    heavy = (
        Loan.objects.filter(organisation=library, returned_at__isnull=True, person__isnull=False)
        .values("person_id")
        .annotate(open=Count("id"))
        .filter(open__gte=HEAVY_LOANS)
        .order_by("person_id")
        .values_list("person_id", flat=True)
        .first()
    )
    candidates = eligible_members(desk.library, today, 2 + len(desk.members) + 2)
    candidates = [pk for pk in candidates if pk not in desk.members]
    if heavy is None:
        heavy = candidates[0]
        book = ItemType.objects.get(code="book")
        items = list(
            Item.objects.filter(organisation=library, status=ItemStatus.AVAILABLE, item_type=book)
            .exclude(home_branch_id=desk.branch)
            .order_by("id")
            .values_list("id", "record_id")[:HEAVY_LOANS]
        )
        person = Person.objects.get(pk=heavy)
        membership = Membership.objects.filter(person=person, organisation=library).latest(
            "ends_on"
        )
        band = age_band_of(age_on(person.birth_date, today))
        now = timezone.now()
        rows = [
            (
                item,
                heavy,
                desk.branch,
                library.pk,
                library.pk,
                library.pk,
                book.pk,
                band,
                membership.plan_id,
                now - dt.timedelta(days=index % 20),
                today + dt.timedelta(days=7),
                0,
                2,
                Decimal("0.25"),
                Decimal("5.00"),
            )
            for index, (item, _record) in enumerate(items)
        ]
        with transaction.atomic():
            bulk_insert(
                Loan,
                rows,
                (
                    "item",
                    "person",
                    "branch",
                    "organisation",
                    "owner_organisation",
                    "home_organisation",
                    "item_type",
                    "age_band",
                    "plan",
                    "checked_out_at",
                    "due_on",
                    "renewals",
                    "renewals_allowed",
                    "fine_per_day",
                    "fine_cap",
                ),
            )
            Item.objects.filter(pk__in=[item for item, _r in items]).update(
                status=ItemStatus.ON_LOAN, status_changed_at=now
            )
            from samenbieb.catalog import search

            search.availability_refresh([record for _item, record in items])
        analyse("circulation_loan")
    none = next(pk for pk in candidates if pk != heavy)
    return heavy, none


def heavy_run(desk: Desk, heavy: int, none: int) -> dict[str, list[float]]:
    from samenbieb.circulation import services

    branch = Branch.objects.get(pk=desk.branch)
    persons = {heavy: Person.objects.get(pk=heavy), none: Person.objects.get(pk=none)}
    items = shelf_items(desk.branch, 20, exclude=set(desk.items))
    timings: dict[str, list[float]] = {"heavy": [], "none": []}
    for index in range(WARM_UP + HEAVY_ROUNDS):
        order = ((heavy, "heavy"), (none, "none"))
        for person, label in order if index % 2 == 0 else reversed(order):
            barcode = items[(2 * index + (label == "none")) % len(items)]
            start = time.perf_counter()
            services.loan_checkout(
                actor=None, branch=branch, person=persons[person], barcode=barcode
            )
            elapsed = time.perf_counter() - start
            services.loan_checkin(actor=None, branch=branch, barcode=barcode)
            if index >= WARM_UP:
                timings[label].append(elapsed)
    return timings


# --- c: check-ins that fill a network hold ---------------------------------------------------


def hold_fills_plan(count: int, today: dt.date, rng: random.Random) -> list[HoldFill]:
    """Titles with one copy, on the shelf at home, and the members to lend and reserve it."""
    types = ItemType.objects.filter(code__in=LENDABLE_TYPES)
    single = (
        Item.objects.filter(organisation__in=generated_organisations())
        .values("record_id")
        .annotate(copies=Count("id"))
        .filter(copies=1)
        .values("record_id")
    )
    candidates = list(
        Item.objects.filter(
            record_id__in=single,
            status=ItemStatus.AVAILABLE,
            item_type__in=types,
            home_branch_id=F("current_branch_id"),
        )
        .exclude(Exists(Hold.objects.filter(record_id=OuterRef("record_id"))))
        .order_by("id")
        .values_list("barcode", "record_id", "home_branch_id", "organisation_id")[: 20 * count]
    )
    chosen = rng.sample(candidates, count)
    libraries = sorted({library for _b, _r, _h, library in chosen})
    pickups: dict[int, list[int]] = {}
    for branch, library in (
        Branch.objects.filter(
            organisation__in=generated_organisations().filter(kind="library"),
            kind__in=LENDING_KINDS,
            is_active=True,
        )
        .exclude(kind=BranchKind.OFFICE)
        .values_list("id", "organisation_id")
    ):
        pickups.setdefault(library, []).append(branch)
    all_libraries = sorted(pickups)
    borrowers = {library: eligible_members(library, today, 30) for library in libraries}
    fills = []
    used: set[int] = set()
    for number, (barcode, record, branch, library) in enumerate(chosen):
        for _attempt in range(20):  # a library with a member who may still reserve
            other = rng.choice([lib for lib in all_libraries if lib != library])
            requesters = [pk for pk in eligible_members(other, today, 40) if pk not in used]
            if requesters:
                break
        else:
            raise RuntimeError("no members left who may reserve: regenerate the loans")
        requester = requesters[0]
        used.add(requester)
        borrower = borrowers[library][number % len(borrowers[library])]
        fills.append(
            HoldFill(barcode, record, branch, borrower, requester, rng.choice(pickups[other]))
        )
    return fills


# --- main -----------------------------------------------------------------------------------


def ms(values: list[float], p: float) -> float:
    return round(percentile(values, p) * 1000, 3)


def busy_rate(timings: list[Cycle], side: str, clients: int) -> float:
    """Cycles per second of all clients together: each client's cycles over its busy time
    on this side, summed (the sides interleave, so wall time is shared)."""
    spent = [checkout + checkin for who, checkout, checkin, _cpu in timings if who == side]
    return clients * len(spent) / sum(spent)


def main() -> int:
    if connection.vendor != "postgresql":
        note("circulation: the bare SQL baseline speaks psycopg, so this needs PostgreSQL")
        print(json.dumps({"benchmark": "circulation", "database": database_label(),
                          "skipped": "PostgreSQL only"}), flush=True)  # fmt: skip
        return 0
    want = wanted()
    generated_s = data_ensure(want)
    analyse(*TABLES)
    today = timezone.localdate()
    rng = random.Random(SEED)
    loads = [os.getloadavg()[0]]

    desks = desks_choose(CLIENTS + 1, today)
    cycle_desks, heavy_desk = desks[:CLIENTS], desks[CLIENTS]
    statements = statements_per_cycle(heavy_desk)
    note(f"a. {CLIENTS} desks x {CYCLES} checkout+check-in cycles, ours and bare SQL in turn…")
    started = time.perf_counter()
    timings = run_pool(cycles_client, cycle_desks)
    cycles_wall = time.perf_counter() - started
    loads.append(os.getloadavg()[0])

    def side(name: str) -> tuple[list[float], list[float], list[float]]:
        rows = [(c, i) for who, c, i, _cpu in timings if who == name]
        return [c + i for c, i in rows], [c for c, _i in rows], [i for _c, i in rows]

    ours, ours_out, ours_in = side("ours")

    def cpu_ms(name: str) -> float:
        spent = [cpu for who, _c, _i, cpu in timings if who == name]
        return round(sum(spent) / len(spent) * 1000, 2)

    base, base_out, base_in = side("baseline")
    rate, base_rate = busy_rate(timings, "ours", CLIENTS), busy_rate(timings, "baseline", CLIENTS)
    note(
        f"  ours p50 {ms(ours, 50)} ms, p95 {ms(ours, 95)} ms, {rate:.1f} cycles/s;"
        f" bare SQL p50 {ms(base, 50)} ms, p95 {ms(base, 95)} ms, {base_rate:.1f} cycles/s"
    )

    note(f"a, paced: {CLIENTS} desks x {PACED_CYCLES} cycles each side, a pause of "
         f"{PAUSE_S * 1000:.0f} ms on average between…")  # fmt: skip
    _pace.update(pause_s=PAUSE_S, cycles=PACED_CYCLES)
    started = time.perf_counter()
    paced = run_pool(cycles_client, cycle_desks)
    paced_wall = time.perf_counter() - started
    loads.append(os.getloadavg()[0])
    paced_ours = [c + i for who, c, i, _cpu in paced if who == "ours"]
    paced_base = [c + i for who, c, i, _cpu in paced if who == "baseline"]
    note(f"  ours p50 {ms(paced_ours, 50)} ms, p95 {ms(paced_ours, 95)} ms;"
         f" bare SQL p50 {ms(paced_base, 50)} ms, p95 {ms(paced_base, 95)} ms")  # fmt: skip

    note(f"b. checkout for a member with {HEAVY_LOANS:,} open loans and for one with none…")
    heavy, none = heavy_setup(heavy_desk, today)
    heavy_timings = heavy_run(heavy_desk, heavy, none)
    heavy_open = Loan.objects.filter(person_id=heavy, returned_at__isnull=True).count()
    factor = ms(heavy_timings["heavy"], 95) / ms(heavy_timings["none"], 95)
    note(
        f"  {heavy_open:,} loans: p95 {ms(heavy_timings['heavy'], 95)} ms;"
        f" none: p95 {ms(heavy_timings['none'], 95)} ms (x{factor:.2f})"
    )

    note(f"c. {CLIENTS} desks x {HOLD_FILLS} check-ins that fill a network hold, paced…")
    fills = hold_fills_plan(CLIENTS * HOLD_FILLS, today, rng)
    loads.append(os.getloadavg()[0])
    hold_timings = run_pool(hold_client, [fills[i::CLIENTS] for i in range(CLIENTS)])
    hold_s = [s for s, _action in hold_timings]
    actions = Counter(action for _s, action in hold_timings)
    note(f"  p50 {ms(hold_s, 50)} ms, p95 {ms(hold_s, 95)} ms; actions {dict(actions)}")
    loads.append(os.getloadavg()[0])

    ratio = round(rate / base_rate, 3)
    line: dict[str, Any] = {
        "benchmark": "circulation",
        "database": database_label(),
        "date": dt.date.today().isoformat(),  # noqa: DTZ011 (a label, not a due date)
        "n": len(ours),
        "p50_ms": ms(ours, 50),
        "p95_ms": ms(ours, 95),
        "cycles_per_s": round(rate, 1),
        "baseline_p50_ms": ms(base, 50),
        "baseline_p95_ms": ms(base, 95),
        "baseline_cycles_per_s": round(base_rate, 1),
        "ratio": ratio,
        "ratio_basis": "our cycles/s / bare SQL cycles/s (16 clients, busy time per side)",
        "baseline_name": "the same reads and writes as bare SQL through psycopg, one "
        "transaction per operation, the same row locks",
        "client_cpu_ms_per_cycle": cpu_ms("ours"),
        "baseline_client_cpu_ms_per_cycle": cpu_ms("baseline"),
        "statements_per_cycle": statements,
        "baseline_statements_per_cycle": BASELINE_STATEMENTS,
        "checkout_p50_ms": ms(ours_out, 50),
        "checkout_p95_ms": ms(ours_out, 95),
        "checkin_p50_ms": ms(ours_in, 50),
        "checkin_p95_ms": ms(ours_in, 95),
        "baseline_checkout_p95_ms": ms(base_out, 95),
        "baseline_checkin_p95_ms": ms(base_in, 95),
        "clients": CLIENTS,
        "cycles_wall_s": round(cycles_wall, 1),
        "paced": {
            "pause_mean_ms": PAUSE_S * 1000,
            "n": len(paced_ours),
            "p50_ms": ms(paced_ours, 50),
            "p95_ms": ms(paced_ours, 95),
            "baseline_p50_ms": ms(paced_base, 50),
            "baseline_p95_ms": ms(paced_base, 95),
            "offered_cycles_per_s": round(2 * len(paced_ours) / paced_wall, 1),
            "wall_s": round(paced_wall, 1),
        },
        "heavy_member": {
            "open_loans": heavy_open,
            "n": len(heavy_timings["heavy"]),
            "p50_ms": ms(heavy_timings["heavy"], 50),
            "p95_ms": ms(heavy_timings["heavy"], 95),
            "none_p50_ms": ms(heavy_timings["none"], 50),
            "none_p95_ms": ms(heavy_timings["none"], 95),
            "p95_factor": round(factor, 3),
            "clients": 1,
        },
        "network_hold_checkin": {
            "n": len(hold_s),
            "p50_ms": ms(hold_s, 50),
            "p95_ms": ms(hold_s, 95),
            "actions": dict(actions),
            "clients": CLIENTS,
            "pause_mean_ms": PAUSE_S * 1000,
        },
        "members": synthetic_persons().count(),
        "items": Item.objects.filter(organisation__in=generated_organisations()).count(),
        "loans": synthetic_loans().count(),
        "generated_s": round(generated_s, 1) if generated_s is not None else None,
        "load_before": round(loads[0], 2),
        "load_during": [round(load, 2) for load in loads[1:-1]],
        "load_after": round(loads[-1], 2),
        "cores": os.cpu_count(),
        "targets_met": {
            "ratio_ge_0_5": ratio >= TARGETS["ratio"],
            "cycle_p95_le_20ms": ms(ours, 95) <= TARGETS["cycle_p95_ms"],
            "paced_cycle_p95_le_20ms": ms(paced_ours, 95) <= TARGETS["cycle_p95_ms"],
            "heavy_p95_le_1_5x": factor <= TARGETS["heavy_factor"],
            "hold_checkin_p95_le_30ms": ms(hold_s, 95) <= TARGETS["hold_checkin_p95_ms"],
        },
    }
    print(json.dumps(line, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
