"""The job queue (docs/decisions/0006-job-queue.md): the retry policy and the schedule.

Tasks are thin functions in ``<app>/tasks.py`` written against the DEP 14 API
(``django_tasks``; ``django.tasks`` once we are on Django 6). Two things the framework
leaves to us live here, once:

- :func:`retrying_task`: a failed attempt is enqueued again later (``run_after``), up to
  a cap, and its error is logged without personal data.
- :data:`SCHEDULE` and :func:`schedule_tick`: periodic jobs; every time slot is claimed by
  a :class:`~samenbieb.core.models.ScheduledRun` row, so two schedulers never both run it.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import socket
import traceback
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks.base import Task

from samenbieb.core.models import ScheduledRun

logger = logging.getLogger("samenbieb.jobs")

# The keyword argument that carries the attempt number to a retried task.
ATTEMPT = "attempt"


class JobAttemptFailed(Exception):
    """An attempt of a job failed. Carries the error's type and place, never its message:
    messages can hold personal data (an SMTP server quotes the address it refused)."""


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f" at {os.path.basename(last.filename)}:{last.lineno} in {last.name}"


def retrying_task(
    *,
    attempts: int = 5,
    first_delay: dt.timedelta = dt.timedelta(minutes=1),
    retry_on: tuple[type[Exception], ...] = (Exception,),
    **task_options: Any,
) -> Callable[[Callable[..., Any]], Task[..., Any]]:
    """Make ``func`` a task that, when it raises, is enqueued again after a delay.

    The delay doubles with every attempt (1, 2, 4, 8 … times ``first_delay``); after
    ``attempts`` attempts in all the error stands and the job stays failed. Every attempt
    that fails is recorded as failed by the backend, with :class:`JobAttemptFailed`.
    The retried function must be idempotent: an attempt may have done part of its work.
    """
    if attempts < 1:
        raise ValueError("a job has at least one attempt")

    def decorate(func: Callable[..., Any]) -> Task[..., Any]:
        @functools.wraps(func)
        def run(*args: Any, attempt: int = 1, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except retry_on as exc:
                name = func.__qualname__
                error = f"{type(exc).__qualname__}{_where(exc)}"
                if attempt >= attempts:
                    logger.error("job %s failed for good at attempt %d: %s", name, attempt, error)
                    raise JobAttemptFailed(f"{name}, attempt {attempt}: {error}") from None
                delay = first_delay * 2 ** (attempt - 1)
                logger.warning(
                    "job %s failed at attempt %d of %d: %s; again in %s",
                    name,
                    attempt,
                    attempts,
                    error,
                    delay,
                )
                again = job
                if again.get_backend().supports_defer:
                    again = again.using(run_after=timezone.now() + delay)
                again.enqueue(*args, **{ATTEMPT: attempt + 1}, **kwargs)
                raise JobAttemptFailed(f"{name}, attempt {attempt}: {error}") from None

        job: Task[..., Any] = task(**task_options)(run)
        return job

    return decorate


@dataclass(frozen=True)
class Periodic:
    """A job the scheduler enqueues: every ``every``, or daily at ``daily_at`` local time
    (settings.TIME_ZONE). Each run is one time slot; a missed slot (the scheduler was not
    running) is run once when the scheduler comes back, later ones are never stacked up."""

    name: str
    task_path: str  # the dotted path of a task without arguments
    every: dt.timedelta | None = None
    daily_at: dt.time | None = None

    def __post_init__(self) -> None:
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"{self.name}: give every or daily_at, not both or neither")

    def slot(self, now: dt.datetime) -> dt.datetime:
        """The start of the latest slot at or before ``now``."""
        if self.every is not None:
            epoch = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
            return epoch + ((now - epoch) // self.every) * self.every
        if self.daily_at is None:
            raise ValueError(f"{self.name}: neither every nor daily_at")
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        local = now.astimezone(zone)
        slot = dt.datetime.combine(local.date(), self.daily_at, tzinfo=zone)
        if slot > local:
            slot = dt.datetime.combine(local.date() - dt.timedelta(days=1), self.daily_at, zone)
        return slot.astimezone(dt.UTC)


SCHEDULE: tuple[Periodic, ...] = (
    Periodic(
        "holds_expire",
        "samenbieb.circulation.tasks.holds_expire",
        every=dt.timedelta(minutes=5),
    ),
    Periodic(
        "loans_notify_due_soon",
        "samenbieb.circulation.tasks.loans_notify_due_soon",
        daily_at=dt.time(7, 0),
    ),
    Periodic(
        "loans_notify_overdue",
        "samenbieb.circulation.tasks.loans_notify_overdue",
        daily_at=dt.time(7, 0),
    ),
    Periodic(
        "holds_notify_expiring",
        "samenbieb.circulation.tasks.holds_notify_expiring",
        daily_at=dt.time(7, 0),
    ),
    Periodic(
        "digital_loans_close_expired",
        "samenbieb.digital.tasks.digital_loans_close_expired",
        every=dt.timedelta(hours=1),
    ),
    Periodic(
        "settlement_compute_last_month",
        "samenbieb.circulation.tasks.settlement_compute_last_month",
        daily_at=dt.time(4, 0),
    ),
    Periodic("jobs_prune", "samenbieb.core.tasks.jobs_prune", daily_at=dt.time(3, 30)),
    # Before the night's anonymisation runs (from 03:15), while rows still name persons.
    Periodic(
        "cockpit_rollup_nightly",
        "samenbieb.cockpit.tasks.cockpit_rollup_nightly",
        daily_at=dt.time(2, 45),
    ),
    Periodic(
        "registrations_remind",
        "samenbieb.programmes.tasks.registrations_remind",
        daily_at=dt.time(10, 0),
    ),
    Periodic(
        "registrations_anonymise_past",
        "samenbieb.programmes.tasks.registrations_anonymise_past",
        daily_at=dt.time(3, 15),
    ),
    Periodic(
        "referrals_anonymise_closed",
        "samenbieb.programmes.tasks_partners.referrals_anonymise_closed",
        daily_at=dt.time(3, 45),
    ),
    Periodic(
        "consultation_slots_generate_ahead",
        "samenbieb.programmes.tasks_consult.slots_generate_ahead",
        daily_at=dt.time(2, 15),
    ),
    Periodic(
        "consultation_appointments_anonymise_past",
        "samenbieb.programmes.tasks_consult.appointments_anonymise_past",
        daily_at=dt.time(2, 30),
    ),
    Periodic(
        "persons_erase_lapsed",
        "samenbieb.privacy.tasks.persons_erase_lapsed",
        daily_at=dt.time(1, 45),
    ),
    Periodic("audit_prune", "samenbieb.privacy.tasks.audit_prune", daily_at=dt.time(1, 15)),
)


def scheduler_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def slot_claim(*, job: str, slot: dt.datetime, claimed_by: str, now: dt.datetime) -> bool:
    """Claim ``slot`` of ``job``; False when another scheduler already has it."""
    if ScheduledRun.objects.filter(job=job, slot=slot).exists():
        return False
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(job=job, slot=slot, claimed_at=now, claimed_by=claimed_by)
    except IntegrityError:
        # Another scheduler inserted the same slot between our look and our insert.
        return False
    return True


def schedule_tick(
    *,
    now: dt.datetime | None = None,
    schedule: Sequence[Periodic] = SCHEDULE,
    claimed_by: str | None = None,
) -> list[str]:
    """Enqueue every periodic job whose current slot no scheduler claimed yet; returns
    the names of the jobs enqueued.

    The claim and the enqueued job (a row too, with the database backend) commit together,
    so a scheduler that dies in between leaves the slot free rather than lost.
    """
    now = now or timezone.now()
    claimed_by = claimed_by or scheduler_name()
    enqueued = []
    for periodic in schedule:
        with transaction.atomic():
            if not slot_claim(
                job=periodic.name, slot=periodic.slot(now), claimed_by=claimed_by, now=now
            ):
                continue
            job: Task[..., Any] = import_string(periodic.task_path)
            job.enqueue()
        enqueued.append(periodic.name)
        logger.info("scheduled %s for the slot of %s", periodic.name, periodic.slot(now))
    return enqueued


# Finished jobs and claimed slots older than this are deleted by the daily prune.
KEEP_FINISHED = dt.timedelta(days=14)
# Failed jobs stay longer: someone may still need to look at why.
KEEP_FAILED = dt.timedelta(days=60)


def jobs_prune(*, now: dt.datetime | None = None) -> int:
    """Delete old results of finished jobs and old slot claims; returns how many rows went.

    Only the database backend keeps results; with another backend only claims are pruned.
    """
    now = now or timezone.now()
    deleted, _ = ScheduledRun.objects.filter(slot__lt=now - KEEP_FINISHED).delete()
    from django.apps import apps

    if apps.is_installed("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        old = DBTaskResult.objects.successful().filter(
            finished_at__lt=now - KEEP_FINISHED
        ) | DBTaskResult.objects.failed().filter(finished_at__lt=now - KEEP_FAILED)
        results, _ = old.delete()
        deleted += results
    return deleted
