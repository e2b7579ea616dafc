"""Background jobs of circulation (docs/decisions/0006-job-queue.md): each calls one
service, as the system (``actor=None``), and may safely run twice."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from samenbieb.circulation import notices, services
from samenbieb.core.jobs import retrying_task


@retrying_task(attempts=6, queue_name="default")
def notice_send(kind: str, object_id: int) -> bool:
    """Mail one notice; a mail server that fails is tried again later."""
    return notices.notice_send(kind=kind, object_id=object_id)


@task()
def holds_expire() -> int:
    """Every few minutes: holds not picked up in time expire; the copy goes to the next."""
    return services.holds_expire()


@task()
def loans_notify_due_soon() -> int:
    """Daily: tell members which loans are due in a few days."""
    return services.loans_notify_due_soon(actor=None)


@task()
def loans_notify_overdue() -> int:
    """Daily: tell members which loans are overdue."""
    return services.loans_notify_overdue(actor=None)


@task()
def holds_notify_expiring() -> int:
    """Daily: remind members of holds waiting on the shelf for a day or two more."""
    return services.holds_notify_expiring(actor=None)


@task()
def settlement_compute_last_month() -> int:
    """Daily: (re)compute last month's settlement between libraries. Re-running replaces
    the month's lines, so late returns and a missed night are harmless."""
    last_month = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return services.settlement_compute(actor=None, month=last_month)
