"""State changes of the cockpit: computing a month's figures."""

from __future__ import annotations

import datetime as dt
import time

from django.db import transaction
from django.utils import timezone

from samenbieb.circulation.services import settlement_compute
from samenbieb.cockpit import rollup, suppression
from samenbieb.cockpit.models import Figure, PeriodKind, Rollup
from samenbieb.core.audit import audit_record
from samenbieb.network.models import StaffUser


def cockpit_rollup(*, actor: StaffUser | None, month: dt.date) -> int:
    """(Re)compute ``month``'s figures, its year's, and what may be published; returns
    the number of figures of the month. Idempotent: the same data gives the same figures."""
    started = time.perf_counter()
    period = rollup.Month(month.replace(day=1))
    with transaction.atomic():
        # National and guest lending come from the settlement, recomputed for the month.
        settlement_compute(actor=actor, month=period.first)
        rollup.marks_collect(period)
        rollup.month_compute(period)
        rollup.year_compute(period.first.year)
        hidden = suppression.year_publish(period.first.year)
        figures = Figure.objects.filter(period_kind=PeriodKind.MONTH, period=period.first).count()
        seconds = time.perf_counter() - started
        now = timezone.now()
        for kind, first in (
            (PeriodKind.MONTH, period.first),
            (PeriodKind.YEAR, period.first.replace(month=1)),
        ):
            Rollup.objects.update_or_create(
                period_kind=kind,
                period=first,
                defaults={"computed_at": now, "seconds": seconds, "figures": figures},
            )
        audit_record(
            actor=actor,
            event_type="cockpit.rollup.computed",
            organisation_id=None,
            details={"month": period.first.isoformat(), "figures": figures, "suppressed": hidden},
        )
    return figures


def cockpit_rollup_recent(
    *, actor: StaffUser | None, today: dt.date | None = None
) -> list[dt.date]:
    """The nightly job: this month so far, and last month (late returns and corrections)."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    for month in (last_month, this_month):
        cockpit_rollup(actor=actor, month=month)
    return [last_month, this_month]
