"""The desk's member look-up at a million members, eight desks at once, against bare SQL.

Ours: :func:`samenbieb.members.queries.persons_for_desk` as the desk page calls it for a
desk employee of one library, for each scan or search: the tenant gate (the staff
member's roles are looked up afresh for each look-up, untimed, as the page's access check
does before the search), the card number first, then the name, and model instances of
the persons with their home library. Asked with card numbers (active cards
mostly, one in ten lost or replaced) and with what desks type: the start of a family name
("jans"), a first name and the start of a family name ("piet jans"), a full name with
its prefix ("jan van der berg"), and a few names nobody has.

The baseline, in the same run and interleaved with ours look-up by look-up: the one bare
SQL query that returns the same rows (the person joined to the card, or the name match
in name order, LIMIT 25), restricted to the same library, fetched as tuples.

The members are the synthetic network's (seed 2026): 1,000,000 on PostgreSQL, 100,000 on
SQLite (``BENCH_MEMBERS`` overrides). When the bench database holds a synthetic network,
only its members are replaced (the catalogue other benchmarks generated stays); without
one, the national network is generated without a catalogue. Each client is a process
with its own database connection.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import random
import sys
import time
from collections import Counter
from typing import Any

from django.db import connection, connections

from bench._common import analyse, database_label, note, percentile
from samenbieb.catalog.generate import generated_records
from samenbieb.members.generate import synthetic_persons, synthetic_persons_replace
from samenbieb.members.models import CardStatus, LibraryCard
from samenbieb.members.queries import DESK_SEARCH_LIMIT, persons_for_desk
from samenbieb.network.generate import SCALES, generated_organisations, network_generate
from samenbieb.network.models import Organisation, StaffRole, StaffUser
from samenbieb.network.roles import Capability, Role
from samenbieb.network.tenancy import staff_scope

SEED = 2026
START = dt.date(2026, 11, 23)  # the day the members' ages and memberships are anchored on
CLIENTS = 8
LIBRARIES = 16  # desks at this many libraries, the busiest more likely
LOOKUPS_PER_CLIENT = 250  # of each kind (card, name), ours and the baseline each
TARGETS_MS = {"card": 5.0, "name": 20.0}
# The paced round: a desk waits on average this long between look-ups (exponentially
# distributed), so eight desks offer about 80 look-ups a second instead of all they can.
PAUSE_S = 0.1
MEMBER_TABLES = (
    "members_person", "members_librarycard", "members_membership", "members_consent",
    "members_guardianlink", "members_membershipplan",
)  # fmt: skip
FIXED_NAMES = ("jans", "piet jans", "jan van der berg")


def members_wanted() -> int:
    override = os.environ.get("BENCH_MEMBERS")
    if override:
        return int(override)
    return 1_000_000 if connection.vendor == "postgresql" else 100_000


def members_ensure(wanted: int) -> float | None:
    """The synthetic members, generated when missing; the seconds it took, if it did."""
    have = synthetic_persons().count()
    libraries = generated_organisations().filter(kind="library").count()
    if have == wanted and libraries:
        note(f"the synthetic members are there: {have:,} at {libraries} libraries")
        return None
    started = time.perf_counter()
    last = [started]

    def detail(message: str) -> None:
        if time.perf_counter() - last[0] > 30:
            note(f"  {time.perf_counter() - started:6.0f} s  {message}")
            last[0] = time.perf_counter()

    catalogue = generated_records().exists()
    if libraries == SCALES["national"] or (libraries and catalogue):
        note(f"replacing the synthetic members with {wanted:,} (the rest stays; minutes)…")
        counts = synthetic_persons_replace(count=wanted, seed=SEED, today=START, progress=detail)
    else:
        note(f"generating the national network (no catalogue) with {wanted:,} members…")
        network = network_generate(
            scale="national", seed=SEED, today=START, records=0, persons=wanted, detail=detail
        )
        counts = network.counts
    elapsed = time.perf_counter() - started
    note(f"generated in {elapsed:.0f} s: {counts}")
    return elapsed


def desks(rng: random.Random) -> dict[int, int]:
    """{library id: desk user id}: desk employees of LIBRARIES libraries, the largest
    library always among them, the others drawn by their number of members."""
    sizes = Counter(synthetic_persons().values_list("home_organisation_id", flat=True))
    ordered = sorted(sizes, key=lambda library: (-sizes[library], library))
    chosen = [ordered[0]]
    while len(chosen) < min(LIBRARIES, len(ordered)):
        pick = rng.choices(ordered, weights=[sizes[o] for o in ordered])[0]
        if pick not in chosen:
            chosen.append(pick)
    users = {}
    for library in chosen:
        isil = Organisation.objects.values_list("isil", flat=True).get(pk=library)
        user, _created = StaffUser.objects.get_or_create(username=f"bench-desk-{isil.lower()}")
        StaffRole.objects.get_or_create(user=user, organisation_id=library, role=Role.DESK)
        users[library] = user.pk
    return users


def name_texts(rng: random.Random, library: int, count: int) -> list[str]:
    """What desks type: name starts built from members of ``library``, and some misses."""
    sample = list(
        synthetic_persons()
        .filter(home_organisation_id=library)
        .order_by("id")
        .values_list("given_name", "name_prefix", "family_name")[: 20 * count]
    )
    texts: list[str] = []
    while len(texts) < count:
        given, prefix, family = rng.choice(sample)
        roll = rng.random()
        if roll < 0.4:
            texts.append(family[: rng.randint(3, 6)].lower())
        elif roll < 0.65:
            texts.append(f"{given.lower()} {family[: rng.randint(3, 6)].lower()}")
        elif roll < 0.85:
            texts.append(" ".join(part for part in (given, prefix, family) if part).lower())
        elif roll < 0.95:
            texts.append(rng.choice(FIXED_NAMES))
        else:
            texts.append(rng.choice(("qxw", "zzyzx", "ab xy", "wybrenja")))
    return texts


def card_texts(rng: random.Random, library: int, count: int) -> list[str]:
    cards = LibraryCard.objects.filter(person__home_organisation_id=library)
    active = list(
        cards.filter(status=CardStatus.ACTIVE).values_list("barcode", flat=True)[: 20 * count]
    )
    ended = list(
        cards.exclude(status=CardStatus.ACTIVE).values_list("barcode", flat=True)[: 5 * count]
    )
    return [
        rng.choice(ended) if ended and rng.random() < 0.1 else rng.choice(active)
        for _ in range(count)
    ]


# --- the baseline: one bare SQL query per look-up ----------------------------------------

COLUMNS = "p.*, o.*"
JOIN = "members_person p JOIN network_organisation o ON o.id = p.home_organisation_id"


def key(column: str) -> str:
    """The same expression the indexes hold (members.models.NameKey)."""
    if connection.vendor == "postgresql":
        return f'(lower(p.{column}) COLLATE "C")'
    return f"lower(p.{column})"


def like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def baseline_card(library: int, barcode: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {COLUMNS} FROM {JOIN} WHERE p.home_organisation_id = %s"  # noqa: S608
            " AND p.id IN (SELECT person_id FROM members_librarycard WHERE barcode = %s)",
            [library, barcode],
        )
        return cursor.fetchall()


def baseline_name(library: int, text: str) -> list[tuple[Any, ...]]:
    lowered = " ".join(text.split()).lower()
    family, given = key("family_name"), key("given_name")
    escape = " ESCAPE '\\'" if connection.vendor == "sqlite" else ""
    conditions = [f"{family} LIKE %s{escape}"]
    params: list[Any] = [library, like(lowered)]
    first, _space, rest = lowered.partition(" ")
    if rest:
        for part in dict.fromkeys((rest, rest.split()[-1])):
            conditions.append(f"({given} LIKE %s{escape} AND {family} LIKE %s{escape})")
            params += [like(first), like(part)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {COLUMNS} FROM {JOIN} WHERE p.home_organisation_id = %s"  # noqa: S608
            f" AND ({' OR '.join(conditions)}) ORDER BY {family}, {given}, p.id"
            f" LIMIT {DESK_SEARCH_LIMIT}",
            params,
        )
        return cursor.fetchall()


# --- the clients --------------------------------------------------------------------------

Task = tuple[str, int, str]  # (kind, library id, text)


def client(
    args: tuple[int, list[Task], dict[int, int], float, Any],
) -> list[tuple[str, str, float, int]]:
    """One desk: its own connection; (kind, side, seconds, rows) per look-up. With a
    ``pause`` (seconds, mean), the desk waits a random while between look-ups."""
    number, tasks, users, pause, barrier = args
    pauses = random.Random(f"{SEED}/{number}")
    connections.close_all()
    staff = {library: StaffUser.objects.get(pk=pk) for library, pk in users.items()}
    timings: list[tuple[str, str, float, int]] = []
    barrier.wait()
    for index, (kind, library, text) in enumerate(tasks):
        ours_first = (index + number) % 2 == 0
        for side in ("ours", "baseline") if ours_first else ("baseline", "ours"):
            user = staff[library]
            # As in a request to the desk page: the view checks the staff member's roles
            # first (untimed here), persons_for_desk applies them as the tenant gate.
            user.__dict__.pop("_tenant_scopes", None)
            staff_scope(user, Capability.MEMBERS_VIEW)
            start = time.perf_counter()
            if side == "ours":
                rows = len(persons_for_desk(user, text))
            elif kind == "card":
                rows = len(baseline_card(library, text))
            else:
                rows = len(baseline_name(library, text))
            timings.append((kind, side, time.perf_counter() - start, rows))
        if pause:
            time.sleep(pauses.expovariate(1 / pause))
    connections.close_all()
    return timings


def run_clients(per_client: list[list[Task]], users: dict[int, int], pause: float) -> list[Any]:
    connections.close_all()  # a forked child must not share the parent's connection
    context = multiprocessing.get_context("fork")
    barrier = context.Manager().Barrier(len(per_client))
    args = [(i, tasks, users, pause, barrier) for i, tasks in enumerate(per_client)]
    with context.Pool(len(per_client)) as pool:
        results = pool.map(client, args)
    return [timing for result in results for timing in result]


def ms(values: list[float], p: float) -> float:
    return round(percentile(values, p) * 1000, 3)


def summarise(timings: list[tuple[str, str, float, int]], wall_s: float) -> dict[str, Any]:
    def pick(side: str, kind: str | None = None) -> list[float]:
        return [s for k, who, s, _r in timings if who == side and kind in (None, k)]

    figures: dict[str, Any] = {"n": len(pick("ours"))}
    for side, prefix in (("ours", ""), ("baseline", "baseline_")):
        for kind in (None, "card", "name"):
            label = f"{prefix}{kind}_" if kind else prefix
            figures[f"{label}p50_ms"] = ms(pick(side, kind), 50)
            figures[f"{label}p95_ms"] = ms(pick(side, kind), 95)
    figures["lookups_per_s"] = round(len(pick("ours")) / sum(pick("ours")), 1)
    figures["baseline_lookups_per_s"] = round(len(pick("baseline")) / sum(pick("baseline")), 1)
    figures["ratio"] = round(figures["baseline_p95_ms"] / figures["p95_ms"], 3)
    figures["found_share"] = {
        kind: round(
            sum(1 for k, who, _s, r in timings if who == "ours" and k == kind and r)
            / len(pick("ours", kind)),
            3,
        )
        for kind in ("card", "name")
    }
    figures["wall_s"] = round(wall_s, 1)
    figures["targets_met"] = {
        "card_p95_le_5ms": figures["card_p95_ms"] <= TARGETS_MS["card"],
        "name_p95_le_20ms": figures["name_p95_ms"] <= TARGETS_MS["name"],
    }
    return figures


def main() -> int:
    wanted = members_wanted()
    generated_s = members_ensure(wanted)
    # Always: members replaced by another run leave a million dead rows behind, and the
    # planner then spends tens of milliseconds stepping over them in the indexes.
    analyse(*MEMBER_TABLES)
    rng = random.Random(SEED)
    users = desks(rng)
    libraries = sorted(users)
    per_library = -(-CLIENTS * LOOKUPS_PER_CLIENT // len(libraries))
    cards = {lib: card_texts(rng, lib, per_library) for lib in libraries}
    names = {lib: name_texts(rng, lib, per_library) for lib in libraries}
    tasks: list[Task] = [("card", lib, text) for lib in libraries for text in cards[lib]]
    tasks += [("name", lib, text) for lib in libraries for text in names[lib]]
    rng.shuffle(tasks)
    for kind, library, text in tasks[:400]:  # warm the server's caches, untimed
        baseline_card(library, text) if kind == "card" else baseline_name(library, text)
    per_client = [tasks[i::CLIENTS] for i in range(CLIENTS)]
    load_before = os.getloadavg()[0]
    phases: dict[str, dict[str, Any]] = {}
    for phase, pause in (("saturated", 0.0), ("paced", PAUSE_S)):
        note(f"{phase}: {CLIENTS} desks x {len(per_client[0])} look-ups at {len(libraries)} "
             f"libraries{f', a pause of {pause * 1000:.0f} ms on average between' if pause else ''}"
             ", ours and the bare SQL interleaved…")  # fmt: skip
        started = time.perf_counter()
        timings = run_clients(per_client, users, pause)
        phases[phase] = summarise(timings, time.perf_counter() - started)
        for label in ("card", "name"):
            f = phases[phase]
            note(f"  {label}: ours p50 {f[f'{label}_p50_ms']} ms, p95 {f[f'{label}_p95_ms']} ms;"
                 f" bare SQL p50 {f[f'baseline_{label}_p50_ms']} ms,"
                 f" p95 {f[f'baseline_{label}_p95_ms']} ms")  # fmt: skip
    saturated, paced = phases["saturated"], phases["paced"]
    line = {
        "name": "member-lookup",
        "benchmark": "member_lookup",
        "database": database_label(),
        "date": dt.date.today().isoformat(),  # noqa: DTZ011 (a label, not a due date)
        **saturated,
        "ratio_basis": "baseline p95 / our p95, all look-ups",
        "baseline_name": "one bare SQL query returning the same rows, as tuples",
        "rows": synthetic_persons().count(),
        "cards": LibraryCard.objects.filter(person__in=synthetic_persons()).count(),
        "clients": CLIENTS,
        "libraries": len(libraries),
        "generated_s": round(generated_s, 1) if generated_s is not None else None,
        "token_requests_per_s": None,
        # The machine's 1-minute load average before and after: over 1 or so before means
        # others were busy too (each desk is a process of its own while it runs).
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
        "paced": {"pause_mean_ms": PAUSE_S * 1000, **paced},
    }
    print(json.dumps(line, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
