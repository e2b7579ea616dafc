"""The periodic notice runs: find the loans and holds a member should hear about, mark
them, and queue the notices (:mod:`samenbieb.circulation.notices`) for after the commit.

The marks (``Loan.due_soon_notified_on``, ``Loan.overdue_notified_on``,
``Hold.expiring_notified_on``) make a re-run, or a second run on the same day, send
nothing twice. A mark older than the current due date (the loan was renewed) counts as
no mark. These are network-wide jobs of the system: ``actor`` is recorded, not checked.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from samenbieb.circulation.models import Hold, HoldStatus, Loan
from samenbieb.circulation.notices import NoticeKind, notice_after_commit
from samenbieb.core.audit import audit_record
from samenbieb.network.models import StaffUser

# How many days before a hold's last pickup day the member is reminded.
HOLD_EXPIRING_DAYS = 2


def _open_loans_of_members() -> QuerySet[Loan]:
    return Loan.objects.select_for_update().filter(
        returned_at__isnull=True, lost_at__isnull=True, person__isnull=False
    )


def _member(loan: Loan) -> int:
    if loan.person_id is None:  # excluded by the query; says so to the type checker
        raise ValueError("a loan without a member gets no notice")
    return loan.person_id


def _queue(
    *,
    actor: StaffUser | None,
    kind: NoticeKind,
    groups: dict[tuple[int, dt.date], list[Loan]],
) -> int:
    for loans in groups.values():
        first = min(loans, key=lambda loan: loan.pk)
        notice_after_commit(kind, first.pk)
        audit_record(
            actor=actor,
            event_type=f"circulation.notice.{kind}",
            organisation_id=first.organisation_id,
            target=first,
            details={"person": first.person_id, "loans": sorted(loan.pk for loan in loans)},
        )
    return len(groups)


@transaction.atomic
def loans_notify_due_soon(*, actor: StaffUser | None, now: dt.datetime | None = None) -> int:
    """Queue one "due soon" notice per member and due date for the open loans due within
    ``SAMENBIEB["DUE_SOON_DAYS"]`` days; returns how many notices were queued."""
    today = timezone.localdate(now or timezone.now())
    days = dt.timedelta(days=int(str(settings.SAMENBIEB["DUE_SOON_DAYS"])))
    candidates = _open_loans_of_members().filter(
        Q(due_soon_notified_on__isnull=True) | Q(due_soon_notified_on__lt=today),
        due_on__gte=today,
        due_on__lte=today + days,
    )
    groups: dict[tuple[int, dt.date], list[Loan]] = defaultdict(list)
    for loan in candidates:
        # Marked before this due date's window opened: that was for an earlier due date.
        notified = loan.due_soon_notified_on
        if notified is None or notified < loan.due_on - days:
            groups[(_member(loan), loan.due_on)].append(loan)
    Loan.objects.filter(pk__in=[loan.pk for loans in groups.values() for loan in loans]).update(
        due_soon_notified_on=today
    )
    return _queue(actor=actor, kind=NoticeKind.DUE_SOON, groups=groups)


@transaction.atomic
def loans_notify_overdue(*, actor: StaffUser | None, now: dt.datetime | None = None) -> int:
    """Queue one "overdue" notice per member with loans that became overdue since the last
    run; it lists all their overdue loans. Returns how many notices were queued."""
    today = timezone.localdate(now or timezone.now())
    # A mark on or before the due date was for an earlier due date (the loan was renewed).
    candidates = _open_loans_of_members().filter(
        Q(overdue_notified_on__isnull=True) | Q(overdue_notified_on__lte=F("due_on")),
        due_on__lt=today,
    )
    groups: dict[tuple[int, dt.date], list[Loan]] = defaultdict(list)
    for loan in candidates:
        groups[(_member(loan), today)].append(loan)
    Loan.objects.filter(pk__in=[loan.pk for loans in groups.values() for loan in loans]).update(
        overdue_notified_on=today
    )
    return _queue(actor=actor, kind=NoticeKind.OVERDUE, groups=groups)


@transaction.atomic
def holds_notify_expiring(*, actor: StaffUser | None, now: dt.datetime | None = None) -> int:
    """Queue a reminder for each hold on the shelf whose last pickup day is at most
    ``HOLD_EXPIRING_DAYS`` away; returns how many were queued.

    A hold that became ready today is left alone: its "ready" mail has just gone out.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    days = dt.timedelta(days=HOLD_EXPIRING_DAYS)
    start_of_today = dt.datetime.combine(today, dt.time(0), tzinfo=timezone.get_current_timezone())
    candidates = Hold.objects.select_for_update().filter(
        Q(expiring_notified_on__isnull=True) | Q(expiring_notified_on__lt=today),
        status=HoldStatus.READY,
        person__isnull=False,
        expires_on__gte=today,
        expires_on__lte=today + days,
        ready_at__lt=start_of_today,
    )
    holds = [
        hold
        for hold in candidates
        if hold.expiring_notified_on is None
        or (hold.expires_on is not None and hold.expiring_notified_on < hold.expires_on - days)
    ]
    Hold.objects.filter(pk__in=[hold.pk for hold in holds]).update(expiring_notified_on=today)
    for hold in holds:
        notice_after_commit(NoticeKind.HOLD_EXPIRING, hold.pk)
        audit_record(
            actor=actor,
            event_type="circulation.notice.hold_expiring",
            organisation_id=hold.organisation_id,
            target=hold,
            details={"person": hold.person_id},
        )
    return len(holds)
