"""Settlement between libraries: who lent to whom, per month.

Each line counts the loans of one month for one combination of the member's home library,
the item's owner and the lending branch. National lending (a member of A borrows B's book)
and guest lending (a member of A borrows at C's desk) are the lines where these differ.
Computed from the loans themselves, which keep these facts after they lose their link to
the member; re-running a month replaces its lines, so the job is idempotent.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from samenbieb.circulation.models import Loan, SettlementLine
from samenbieb.core.audit import audit_record
from samenbieb.network.models import StaffUser


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of ``month`` and of the next, in the network's time zone."""
    zone = ZoneInfo(settings.TIME_ZONE)
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return (
        dt.datetime.combine(first, dt.time(), tzinfo=zone),
        dt.datetime.combine(following, dt.time(), tzinfo=zone),
    )


@transaction.atomic
def settlement_compute(*, actor: StaffUser | None, month: dt.date) -> int:
    """(Re)compute the settlement lines of ``month`` from its loans; returns the line count."""
    first = month.replace(day=1)
    start, end = month_bounds(first)
    rows = (
        Loan.objects.filter(checked_out_at__gte=start, checked_out_at__lt=end)
        .values("home_organisation_id", "owner_organisation_id", "branch_id", "organisation_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    now = timezone.now()
    SettlementLine.objects.filter(month=first).delete()
    lines = SettlementLine.objects.bulk_create(
        SettlementLine(
            month=first,
            home_organisation_id=row["home_organisation_id"],
            owner_organisation_id=row["owner_organisation_id"],
            branch_id=row["branch_id"],
            organisation_id=row["organisation_id"],
            loans=row["count"],
            computed_at=now,
        )
        for row in rows
    )
    audit_record(
        actor=actor,
        event_type="circulation.settlement.computed",
        organisation_id=None,
        details={"month": first.isoformat(), "lines": len(lines)},
    )
    return len(lines)
