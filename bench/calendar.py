"""next_open_day on the ``small`` synthetic network against a naive day-by-day lookup.

Ours (samenbieb.network.calendar) loads a branch's week and its closures for the horizon
in two queries. The baseline, measured in the same run, asks the database about opening
hours and closures once for every day it checks. Both must give the same answers.
"""

from __future__ import annotations

import datetime as dt
import random
import sys

from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from bench._common import Figures, analyse, emit, measure, note
from samenbieb.network.calendar import horizon_days, next_open_day
from samenbieb.network.errors import NoOpenDay
from samenbieb.network.generate import GENERATED_ISIL_PREFIX, network_generate
from samenbieb.network.models import Branch, Closure, OpeningHours

# A fixed start keeps runs comparable: the same network, closures and questions each time.
START = dt.date(2026, 11, 23)
LOOKUPS = 2_000
BLOCK = 100
SEED = 2026


def naive_next_open_day(branch: Branch, on_or_after: dt.date) -> dt.date:
    """The baseline: walk day by day, two queries per day."""
    day = on_or_after
    last = on_or_after + dt.timedelta(days=horizon_days())
    while day <= last:
        has_hours = OpeningHours.objects.filter(branch=branch, weekday=day.weekday()).exists()
        closed = Closure.objects.filter(
            Q(branch__isnull=True) | Q(branch=branch),
            organisation_id=branch.organisation_id,
            start_date__lte=day,
            end_date__gte=day,
        ).exists()
        if has_hours and not closed:
            return day
        day += dt.timedelta(days=1)
    raise NoOpenDay()


def queries_per_lookup(lookup, pairs) -> float:
    with CaptureQueriesContext(connection) as captured:
        for branch, day in pairs:
            lookup(branch, day)
    return round(len(captured) / len(pairs), 2)


def main() -> int:
    note("generating the small synthetic network…")
    network_generate(scale="small", seed=SEED, today=START)
    analyse()
    branches = list(
        Branch.objects.filter(organisation__isil__startswith=GENERATED_ISIL_PREFIX).order_by(
            "organisation__isil", "code"
        )
    )
    rng = random.Random(SEED)
    pairs = [
        (rng.choice(branches), START + dt.timedelta(days=rng.randrange(365)))
        for _ in range(LOOKUPS)
    ]
    for branch, day in pairs[:50]:  # warm up connections and caches for both
        next_open_day(branch, day)
        naive_next_open_day(branch, day)

    # Alternate blocks of ours and the baseline, so a busy moment on a shared machine
    # does not fall on one side only.
    ours_answers: list[dt.date] = []
    baseline_answers: list[dt.date] = []
    ours: list[float] = []
    baseline: list[float] = []
    note(f"{LOOKUPS} lookups with next_open_day and with the day-by-day baseline…")
    for first in range(0, LOOKUPS, BLOCK):
        block = pairs[first : first + BLOCK]
        ours += measure(lambda i, b=block: ours_answers.append(next_open_day(*b[i])), len(block))
        baseline += measure(
            lambda i, b=block: baseline_answers.append(naive_next_open_day(*b[i])), len(block)
        )

    differences = [
        (branch.code, day, a, b)
        for (branch, day), a, b in zip(pairs, ours_answers, baseline_answers, strict=True)
        if a != b
    ]
    if differences:
        note(f"the two disagree on {len(differences)} lookups, e.g. {differences[:3]}")
    sample = pairs[:200]
    emit(
        "calendar",
        Figures(ours, unit="lookups"),
        Figures(baseline, unit="lookups"),
        baseline_name="day-by-day queries",
        network="small",
        branches=len(branches),
        same_answers=not differences,
        queries_per_lookup=queries_per_lookup(next_open_day, sample),
        baseline_queries_per_lookup=queries_per_lookup(naive_next_open_day, sample),
        mean_days_ahead=round(
            sum((a - day).days for (_b, day), a in zip(pairs, ours_answers, strict=True)) / LOOKUPS,
            2,
        ),
    )
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
