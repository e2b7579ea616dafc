"""Figures for the demo: a synthetic network beside the demo libraries, rolled up.

The demo libraries have a handful of members and loans, too few to show anything but
``< 10``. So the cockpit's demo adds a small synthetic network (``samenbieb generate``:
libraries with ISILs ``NL-Gen…``, members and three years of loans) and rolls up the
last twelve months, once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from samenbieb.cockpit.models import Rollup
from samenbieb.cockpit.services import cockpit_rollup
from samenbieb.network.generate import generated_organisations, network_generate

LIBRARIES = 12
PERSONS = 8_000
LOANS = 60_000
MONTHS = 12


def cockpit_demo_load(*, today: dt.date, progress: Callable[[str], None] | None = None) -> bool:
    """Generate and roll up, unless already done; True when something was done."""
    if Rollup.objects.exists():
        return False
    if not generated_organisations().exists():
        if progress:
            progress("generating a small synthetic network for the cockpit (a minute)…")
        network_generate(
            scale=LIBRARIES,
            today=today,
            records=1_500,
            items=6_000,
            persons=PERSONS,
            loans=LOANS,
        )
    month = today.replace(day=1)
    months = []
    for _ in range(MONTHS):
        months.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    for month in reversed(months):
        cockpit_rollup(actor=None, month=month)
        if progress:
            progress(f"cockpit figures of {month:%Y-%m} computed")
    return True
