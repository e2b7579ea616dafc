"""The job queue (docs/decisions/0006-job-queue.md): the schedule's time slots, each claimed
once; the retry policy; pruning; `samenbieb jobs` and `samenbieb serve` starting it."""

from __future__ import annotations

import datetime as dt
import io
import logging
import smtplib
import subprocess
import sys
import threading
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks.base import Task
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from samenbieb.core import jobs
from samenbieb.core.jobs import SCHEDULE, Periodic, retrying_task, schedule_tick
from samenbieb.core.management.commands import serve
from samenbieb.core.models import ScheduledRun

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# What the test jobs below did, in this process (the worker runs them here too).
RUNS: list[str] = []


@task()
def record_run() -> None:
    RUNS.append("ran")


@retrying_task(attempts=3, first_delay=dt.timedelta(0))
def always_refused(label: str) -> None:
    RUNS.append(label)
    # An SMTP error quotes the address it refused: personal data that must not be logged.
    raise smtplib.SMTPRecipientsRefused({"anna@example.org": (550, b"no such user")})


@retrying_task(attempts=5, first_delay=dt.timedelta(minutes=1))
def works_the_third_time() -> str:
    RUNS.append("tried")
    if len(RUNS) < 3:
        raise ConnectionRefusedError("mail server down")
    return "done"


@pytest.fixture(autouse=True)
def _no_runs_yet():
    RUNS.clear()


@pytest.fixture
def database_queue(settings, monkeypatch):
    """Jobs go into the database and wait for a worker, as in production."""
    settings.TASKS = DATABASE_QUEUE
    # Between two jobs the worker closes connections that are in a transaction; here that
    # transaction is the test's own (PostgreSQL would lose it), so the worker keeps it.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)


def run_worker() -> None:
    """Run every job that is due now, as `samenbieb jobs` does between two ticks."""
    Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()


EVERY_FIVE_MINUTES = (
    Periodic("test_record", "tests.core.test_jobs.record_run", every=dt.timedelta(minutes=5)),
)
DAILY_AT_SEVEN = (
    Periodic("test_record", "tests.core.test_jobs.record_run", daily_at=dt.time(7, 0)),
)


# --- time slots -----------------------------------------------------------------------


def test_a_five_minute_job_has_a_slot_every_five_minutes():
    (periodic,) = EVERY_FIVE_MINUTES
    assert periodic.slot(dt.datetime(2026, 3, 2, 10, 7, 30, tzinfo=UTC)) == dt.datetime(
        2026, 3, 2, 10, 5, tzinfo=UTC
    )
    assert periodic.slot(dt.datetime(2026, 3, 2, 10, 10, tzinfo=UTC)) == dt.datetime(
        2026, 3, 2, 10, 10, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("now", "slot"),
    [
        # Winter (UTC+1) and summer (UTC+2): 07:00 on the clocks in Amsterdam.
        ((2026, 1, 15, 9, 0), (2026, 1, 15, 7, 0)),
        ((2026, 7, 15, 9, 0), (2026, 7, 15, 7, 0)),
        # Before seven the latest slot is yesterday's.
        ((2026, 7, 15, 6, 59), (2026, 7, 14, 7, 0)),
        # The night the clocks go forward (29 March 2026).
        ((2026, 3, 29, 7, 0), (2026, 3, 29, 7, 0)),
    ],
)
def test_a_daily_job_has_its_slot_at_the_local_time_all_year(now, slot):
    (periodic,) = DAILY_AT_SEVEN
    local_slot = dt.datetime(*slot, tzinfo=AMSTERDAM)
    assert periodic.slot(dt.datetime(*now, tzinfo=AMSTERDAM)) == local_slot
    assert local_slot.astimezone(UTC).hour == (6 if slot[1] == 1 else 5)


def test_a_periodic_job_is_either_every_so_often_or_daily():
    with pytest.raises(ValueError, match="not both or neither"):
        Periodic("x", "x.y", every=dt.timedelta(hours=1), daily_at=dt.time(7))
    with pytest.raises(ValueError, match="not both or neither"):
        Periodic("x", "x.y")


def test_every_scheduled_job_is_a_task_that_takes_no_arguments():
    names = [periodic.name for periodic in SCHEDULE]
    assert len(names) == len(set(names))
    for periodic in SCHEDULE:
        job = import_string(periodic.task_path)
        assert isinstance(job, Task), periodic.task_path
    assert {"holds_expire", "digital_loans_close_expired", "jobs_prune"} <= set(names)
    assert {"loans_notify_due_soon", "loans_notify_overdue", "holds_notify_expiring"} <= set(names)


# --- claiming a slot --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_slot_is_run_once_though_two_schedulers_reach_it():
    ten = dt.datetime(2026, 3, 2, 10, 0, tzinfo=AMSTERDAM)
    first = schedule_tick(now=ten, schedule=EVERY_FIVE_MINUTES, claimed_by="host-a:1")
    second = schedule_tick(
        now=ten + dt.timedelta(minutes=2), schedule=EVERY_FIVE_MINUTES, claimed_by="host-b:2"
    )
    assert first == ["test_record"]
    assert second == []
    assert RUNS == ["ran"]
    claim = ScheduledRun.objects.get()
    assert (claim.job, claim.slot, claim.claimed_by) == ("test_record", ten, "host-a:1")
    # The next slot is the next run.
    later = schedule_tick(
        now=ten + dt.timedelta(minutes=5), schedule=EVERY_FIVE_MINUTES, claimed_by="host-b:2"
    )
    assert later == ["test_record"]
    assert RUNS == ["ran", "ran"]


@pytest.mark.django_db
def test_a_missed_daily_slot_is_caught_up_once_when_the_scheduler_comes_back():
    # The scheduler was not running at 07:00.
    morning = dt.datetime(2026, 3, 2, 9, 40, tzinfo=AMSTERDAM)
    assert schedule_tick(now=morning, schedule=DAILY_AT_SEVEN) == ["test_record"]
    assert schedule_tick(now=morning.replace(hour=23), schedule=DAILY_AT_SEVEN) == []
    next_day = dt.datetime(2026, 3, 3, 6, 59, tzinfo=AMSTERDAM)
    assert schedule_tick(now=next_day, schedule=DAILY_AT_SEVEN) == []
    assert schedule_tick(now=next_day.replace(hour=7, minute=0), schedule=DAILY_AT_SEVEN) == [
        "test_record"
    ]
    assert RUNS == ["ran", "ran"]


@pytest.mark.django_db
def test_the_claim_and_the_queued_job_are_written_together(database_queue):
    schedule_tick(now=dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC), schedule=EVERY_FIVE_MINUTES)
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "tests.core.test_jobs.record_run"
    assert ScheduledRun.objects.count() == 1
    assert RUNS == []  # waiting for a worker
    run_worker()
    assert RUNS == ["ran"]


@pytest.fixture
def postgres(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("two writers at once need PostgreSQL")


@pytest.mark.postgres
def test_two_schedulers_at_the_same_moment_claim_a_slot_once(postgres):
    ten = dt.datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    start = threading.Barrier(2)
    outcomes: dict[str, list[str]] = {}

    def scheduler(name: str) -> None:
        try:
            start.wait()
            outcomes[name] = schedule_tick(now=ten, schedule=EVERY_FIVE_MINUTES, claimed_by=name)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == [[], ["test_record"]]
    assert RUNS == ["ran"]
    assert ScheduledRun.objects.count() == 1


# --- retries ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failing_job_is_tried_again_up_to_its_cap_then_stays_failed(database_queue, caplog):
    always_refused.enqueue("notice")
    with caplog.at_level(logging.INFO):
        run_worker()

    assert RUNS == ["notice", "notice", "notice"]
    attempts = list(DBTaskResult.objects.order_by("enqueued_at"))
    assert [result.status for result in attempts] == ["FAILED"] * 3
    assert [result.args_kwargs["kwargs"].get("attempt", 1) for result in attempts] == [1, 2, 3]
    assert all(r.exception_class_path == "samenbieb.core.jobs.JobAttemptFailed" for r in attempts)
    assert "failed for good at attempt 3: SMTPRecipientsRefused" in caplog.text
    # Neither the log nor the stored error repeats what the mail server said.
    assert "anna@example.org" not in caplog.text
    assert not any("anna@example.org" in result.traceback for result in attempts)


@pytest.mark.django_db
def test_a_retry_waits_longer_each_time_and_a_success_ends_it(database_queue):
    works_the_third_time.enqueue()
    run_worker()
    (waiting,) = DBTaskResult.objects.filter(status="READY")
    first_wait = waiting.run_after - waiting.enqueued_at
    assert dt.timedelta(seconds=59) < first_wait <= dt.timedelta(minutes=1)
    run_worker()
    assert RUNS == ["tried"]  # not yet due

    DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=waiting.enqueued_at)
    run_worker()
    (waiting,) = DBTaskResult.objects.filter(status="READY")
    second_wait = waiting.run_after - waiting.enqueued_at
    assert dt.timedelta(seconds=119) < second_wait <= dt.timedelta(minutes=2)

    DBTaskResult.objects.filter(pk=waiting.pk).update(run_after=waiting.enqueued_at)
    run_worker()
    assert RUNS == ["tried", "tried", "tried"]
    last = DBTaskResult.objects.get(status="SUCCESSFUL")
    assert last.return_value == "done"
    assert last.args_kwargs["kwargs"] == {"attempt": 3}
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_in_tests_a_retry_runs_at_once_and_still_stops_at_the_cap():
    result = always_refused.enqueue("notice")
    assert result.status == "FAILED"
    assert RUNS == ["notice", "notice", "notice"]


def test_a_job_has_at_least_one_attempt():
    with pytest.raises(ValueError, match="at least one attempt"):
        retrying_task(attempts=0)


# --- pruning ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_pruning_forgets_old_finished_jobs_and_old_claims_and_keeps_the_rest():
    now = dt.datetime(2026, 3, 2, 3, 30, tzinfo=UTC)

    def result(status: str, days_ago: int) -> DBTaskResult:
        return DBTaskResult.objects.create(
            status=status,
            args_kwargs={"args": [], "kwargs": {}},
            task_path="tests.core.test_jobs.record_run",
            backend_name="default",
            finished_at=None if status == "READY" else now - dt.timedelta(days=days_ago),
        )

    old_success = result("SUCCESSFUL", 15)
    recent_success = result("SUCCESSFUL", 13)
    old_failure = result("FAILED", 61)
    recent_failure = result("FAILED", 30)
    waiting = result("READY", 0)
    ScheduledRun.objects.create(
        job="x", slot=now - dt.timedelta(days=15), claimed_at=now, claimed_by="h:1"
    )
    recent_claim = ScheduledRun.objects.create(
        job="x", slot=now - dt.timedelta(days=1), claimed_at=now, claimed_by="h:1"
    )

    assert jobs.jobs_prune(now=now) == 3

    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {
        recent_success.pk,
        recent_failure.pk,
        waiting.pk,
    }
    assert not DBTaskResult.objects.filter(pk__in=[old_success.pk, old_failure.pk]).exists()
    assert list(ScheduledRun.objects.all()) == [recent_claim]


# --- samenbieb jobs and samenbieb serve -------------------------------------------------


@pytest.mark.django_db
def test_jobs_once_schedules_every_periodic_job_and_runs_them(database_queue):
    call_command("jobs", "--once", stdout=io.StringIO())
    assert set(ScheduledRun.objects.values_list("job", flat=True)) == {p.name for p in SCHEDULE}
    results = DBTaskResult.objects.all()
    assert len(results) == len(SCHEDULE)
    assert {result.status for result in results} == {"SUCCESSFUL"}
    # A second run a moment later finds every slot taken.
    call_command("jobs", "--once", stdout=io.StringIO())
    assert DBTaskResult.objects.count() == len(SCHEDULE)


@pytest.mark.django_db
def test_jobs_stop_when_the_server_that_started_them_is_gone(database_queue):
    call_command("jobs", "--parent", "-1", stdout=io.StringIO())  # returns: no such parent
    assert not ScheduledRun.objects.exists()


def test_jobs_need_the_database_queue():
    with pytest.raises(CommandError, match="database job queue"):
        call_command("jobs", "--once")


@pytest.fixture
def server(monkeypatch):
    """`samenbieb serve` with gunicorn and the database check replaced: records what ran."""
    seen = SimpleNamespace(served=False, jobs=None)
    monkeypatch.setattr(
        serve, "connection", SimpleNamespace(ensure_connection=lambda: None, close=lambda: None)
    )

    def fake_serve(self, options):
        seen.served = True
        assert seen.jobs is None or seen.jobs.poll() is None  # running beside the server

    def fake_jobs_start():
        seen.jobs = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        return seen.jobs

    monkeypatch.setattr(serve.Command, "_serve", fake_serve)
    monkeypatch.setattr(serve, "jobs_start", fake_jobs_start)
    return seen


def test_serve_runs_the_jobs_beside_the_server_and_stops_them_with_it(server):
    call_command("serve", "--port", "8765", stdout=io.StringIO())
    assert server.served
    assert server.jobs is not None
    assert server.jobs.poll() is not None  # stopped when the server stopped


def test_serve_without_jobs_starts_none(server):
    call_command("serve", "--port", "8765", "--no-jobs", stdout=io.StringIO())
    assert server.served
    assert server.jobs is None


def test_serve_starts_samenbieb_jobs_tied_to_itself(monkeypatch):
    started = []
    monkeypatch.setattr(
        serve.subprocess, "Popen", lambda args: started.append(args) or SimpleNamespace()
    )
    serve.jobs_start()
    (args,) = started
    assert args[1:5] == ["-m", "samenbieb.cli", "jobs", "--parent"]
    assert args[5].isdigit()
